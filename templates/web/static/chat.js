// The web chat page: sends what the person types, taps or uploads; shows the bot's replies.
(function () {
  "use strict";
  const root = document.querySelector(".chat");
  const log = document.getElementById("log");
  const chips = document.getElementById("chips");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const photo = document.getElementById("photo");
  const headers = { "Content-Type": "application/json", "X-NTVT-Chat": "1" };

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // What this tab has shown survives a reload (not the closing of the tab: a family's
  // shared phone should not keep a stranger's answers). Photos come back as 📷.
  const HISTORY = "ntvt.history";
  const HISTORY_KEPT = 80;
  function remember(text, who) {
    try {
      const kept = JSON.parse(sessionStorage.getItem(HISTORY) || "[]");
      kept.push({ text, who });
      sessionStorage.setItem(HISTORY, JSON.stringify(kept.slice(-HISTORY_KEPT)));
    } catch (err) {
      // storage full or off: the page works without its history
    }
  }

  function show(text, who, imageUrl) {
    remember(imageUrl ? "📷" : text, who);
    const bubble = document.createElement("div");
    bubble.className = "msg " + who;
    if (imageUrl) {
      const img = document.createElement("img");
      img.src = imageUrl;
      img.alt = "";
      bubble.appendChild(img);
    } else {
      bubble.textContent = text;
    }
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
  }

  function bindChip(chip, label, payload) {
    chip.addEventListener("click", () => {
      show(label, "me");
      post("/chat/api/message", JSON.stringify({ id: newId(), payload }), headers);
    });
  }

  // A turn's replies bring the buttons for what comes next; a notice without buttons of
  // its own (a decision arriving mid-dialog) leaves the current ones in place.
  function showReplies(replies, notices = false) {
    // A keyboard user who pressed a choice lands on the next choices, not at the page's top.
    const onChips = chips.contains(document.activeElement);
    if (!notices || replies.some((reply) => reply.buttons.length)) chips.replaceChildren();
    for (const reply of replies) {
      show(reply.text, "bot");
      if (reply.download) {  // a file for this visitor (a certificate): a link to save it
        const bubble = document.createElement("div");
        bubble.className = "msg bot";
        const link = document.createElement("a");
        link.href = reply.download.url;
        link.download = "";
        link.textContent = reply.download.label;
        bubble.appendChild(link);
        log.appendChild(bubble);
      }
      input.type = reply.input_mode === "tel" ? "tel" : "text";
      input.inputMode = reply.input_mode === "tel" ? "tel" : "text";
      for (const row of reply.buttons) {
        for (const button of row) {
          const chip = document.createElement("button");
          chip.type = "button";
          chip.className = "chip";
          chip.textContent = button.label;
          bindChip(chip, button.label, button.payload);
          chips.appendChild(chip);
        }
      }
    }
    // The chips took their room from the log: keep the question just asked in view.
    log.scrollTop = log.scrollHeight;
    if (onChips && chips.firstElementChild) chips.firstElementChild.focus();
  }

  // Answers that sending again would not change: too fast or too large (said in the
  // page's words), or a session the server does not know (a new one, from a reload:
  // once, so a browser refusing cookies does not reload forever).
  function refused(status) {
    if (status === 429 || status === 413) {
      show(status === 413 ? root.dataset.tooLarge : root.dataset.tooFast, "bot");
      return true;
    }
    if (status === 401 && !sessionStorage.getItem("ntvt-new-session")) {
      sessionStorage.setItem("ntvt-new-session", "1");
      location.reload();
      return true;
    }
    return false;
  }

  // A dropped connection is retried with the same id: the server answers a resend once.
  async function post(url, body, hdrs, attempt = 0) {
    try {
      const response = await fetch(url, { method: "POST", body, headers: hdrs, credentials: "same-origin" });
      if (refused(response.status)) return;
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      showReplies(data.replies);
    } catch (err) {
      if (attempt === 0) show(root.dataset.offline, "bot");
      if (attempt < 5) setTimeout(() => post(url, body, hdrs, attempt + 1), 1500 * (attempt + 1));
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    show(text, "me");
    post("/chat/api/message", JSON.stringify({ id: newId(), text }), headers);
  });

  // A phone photo (3-5 MB) is made small on the phone before it travels: longest side
  // 2048 px, JPEG about 0.85, upright as it was taken. The server keeps at most 2560 px,
  // so nothing a reviewer would see is lost, and on slow mobile data it is ten times
  // faster. A file the browser cannot draw goes as it is, for the server's message.
  const LONGEST_SIDE = 2048;
  const SMALL_ENOUGH = 400 * 1024;  // under 10 s at 50 KB/s, with room to spare

  async function smaller(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (err) {
      return null;
    }
    const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const encode = (quality) => new Promise((done) => canvas.toBlob(done, "image/jpeg", quality));
    let blob = await encode(0.85);
    if (blob && blob.size > SMALL_ENOUGH) blob = (await encode(0.72)) || blob;
    if (!blob || (blob.size >= file.size && file.type === "image/jpeg")) return file;
    return blob;
  }

  function busy(on) {
    for (const control of document.querySelectorAll(".chip, #send, #text, #photo")) {
      control.disabled = on;
    }
    root.classList.toggle("is-uploading", on);
  }

  // XMLHttpRequest, not fetch: only it tells how much of an upload has gone.
  function upload(body, progress, address) {
    const request = new XMLHttpRequest();
    const done = new Promise((resolve, reject) => {
      request.open("POST", address || "/chat/api/photo");
      request.setRequestHeader("X-NTVT-Chat", "1");
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) progress(Math.floor((100 * event.loaded) / event.total));
      };
      request.onload = () => request.status < 300
        ? resolve(JSON.parse(request.responseText))
        : reject(Object.assign(new Error("HTTP " + request.status), { status: request.status }));
      request.onerror = () => reject(new Error("network"));
      request.onabort = () => reject(new Error("cancelled"));
      request.send(body);
    });
    return { done, cancel: () => request.abort() };
  }

  function uploadingBubble(onCancel) {
    const bubble = document.createElement("div");
    bubble.className = "msg bot uploading";
    bubble.setAttribute("role", "status");
    const label = document.createElement("span");
    label.textContent = root.dataset.uploading;
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "chip cancel-upload";
    cancel.textContent = root.dataset.cancelUpload;
    cancel.addEventListener("click", onCancel);
    bubble.append(label, cancel);
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    return { label, remove: () => bubble.remove() };
  }

  photo.addEventListener("change", async () => {
    const files = Array.from(photo.files || []);
    photo.value = "";
    busy(true);
    try {
      for (const file of files) {
        // A Word or PDF file is an article (the writing contest), sent as it is.
        const isDocument = !file.type.startsWith("image/");
        const small = isDocument ? null : await smaller(file);
        if (small) show("", "me", URL.createObjectURL(small));
        else show("📎 " + file.name, "me");
        const body = new FormData();
        body.append("id", newId());
        if (isDocument) body.append("document", file, file.name);
        else body.append("photo", small || file, small ? "photo.jpg" : file.name);
        let sending = null;
        const bubble = uploadingBubble(() => sending && sending.cancel());
        sending = upload(body, (percent) => {
          bubble.label.textContent = root.dataset.uploading + " " + percent + "%";
        }, isDocument ? "/chat/api/document" : "/chat/api/photo");
        try {
          const data = await sending.done;
          bubble.remove();
          busy(false);
          showReplies(data.replies);
          busy(true);
        } catch (err) {
          bubble.remove();
          if (err.message === "cancelled") {
            show(root.dataset.uploadCancelled, "bot");
            break;
          }
          if (err.status && refused(err.status)) break;
          show(root.dataset.offline, "bot");
          break;
        }
      }
    } finally {
      busy(false);
    }
  });

  // Staff decisions and requests for more arrive while the page sleeps: ask for them on
  // opening, every half minute while it is shown, and on coming back to the tab.
  const NOTICES_SEEN = "ntvt.notices.last";
  let fetchingNotices = false;
  async function fetchNotices() {
    if (fetchingNotices || document.hidden) return;
    fetchingNotices = true;
    try {
      const after = Number(localStorage.getItem(NOTICES_SEEN) || "0");
      const response = await fetch("/chat/api/notices?after=" + after,
        { headers: { "X-NTVT-Chat": "1" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (data.notices.length) showReplies(data.notices, true);
        localStorage.setItem(NOTICES_SEEN, String(data.last));
      }
    } catch (err) {
      // offline: the next round asks again from the same place
    } finally {
      fetchingNotices = false;
    }
  }
  setInterval(fetchNotices, 30000);
  document.addEventListener("visibilitychange", fetchNotices);

  // What the tab showed before the reload goes above the page's opening messages (the
  // server put them in the page: where the person left off), which then join it.
  function restoreHistory() {
    let kept = [];
    try {
      kept = JSON.parse(sessionStorage.getItem(HISTORY) || "[]");
      sessionStorage.removeItem(HISTORY);  // show() writes each one back
    } catch (err) {
      return;
    }
    const opening = Array.from(log.children);
    for (const bubble of opening) bubble.remove();
    for (const item of kept) show(item.text, item.who);
    for (const bubble of opening) {
      log.appendChild(bubble);
      remember(bubble.textContent, "bot");
    }
    log.scrollTop = log.scrollHeight;
  }

  // Opening the page is not asking for a new nomination: the server ran the "open" turn
  // into the page (where the person left off: their nominations, or a draft to go on
  // with); its buttons are made live here, and news is asked for alongside.
  restoreHistory();
  for (const chip of chips.querySelectorAll(".chip[data-payload]")) {
    bindChip(chip, chip.textContent, chip.dataset.payload);
  }
  if (log.dataset.opened) {
    fetchNotices();
  } else {
    fetchNotices().then(() =>
      post("/chat/api/message", JSON.stringify({ id: newId(), payload: "cmd:open" }), headers));
  }
})();
