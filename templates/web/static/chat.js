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

  function show(text, who, imageUrl) {
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

  function showReplies(replies) {
    chips.replaceChildren();
    for (const reply of replies) {
      show(reply.text, "bot");
      input.type = reply.input_mode === "tel" ? "tel" : "text";
      input.inputMode = reply.input_mode === "tel" ? "tel" : "text";
      for (const row of reply.buttons) {
        for (const button of row) {
          const chip = document.createElement("button");
          chip.type = "button";
          chip.className = "chip";
          chip.textContent = button.label;
          chip.addEventListener("click", () => {
            show(button.label, "me");
            post("/chat/api/message", JSON.stringify({ id: newId(), payload: button.payload }), headers);
          });
          chips.appendChild(chip);
        }
      }
    }
  }

  // A dropped connection is retried with the same id: the server answers a resend once.
  async function post(url, body, hdrs, attempt = 0) {
    try {
      const response = await fetch(url, { method: "POST", body, headers: hdrs, credentials: "same-origin" });
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

  photo.addEventListener("change", async () => {
    const files = Array.from(photo.files || []);
    photo.value = "";
    for (const file of files) {
      show("", "me", URL.createObjectURL(file));
      const body = new FormData();
      body.append("id", newId());
      body.append("photo", file);
      await post("/chat/api/photo", body, { "X-NTVT-Chat": "1" });
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
        if (data.notices.length) showReplies(data.notices);
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

  post("/chat/api/message", JSON.stringify({ id: newId(), text: "/start" }), headers)
    .then(fetchNotices);
})();
