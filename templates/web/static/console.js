// The decision form: picking a reason template puts its text in the reason box to edit,
// and picks the action it belongs to. Without JavaScript the template is used as it is.
(function () {
  "use strict";
  const form = document.querySelector("form.decide");
  if (!form) return;
  const picker = form.querySelector("select[name=template]");
  const reason = form.querySelector("textarea[name=reason]");
  picker.addEventListener("change", () => {
    const option = picker.selectedOptions[0];
    if (!option || !option.dataset.text) return;
    reason.value = option.dataset.text;
    const action = form.querySelector(`input[name=action][value="${option.dataset.action}"]`);
    if (action) action.checked = true;
    reason.focus();
  });
})();

// The queue's live feed (/console/events): what arrives is listed at the top at once,
// counted in the page title and the "N new — show" bar, and, if the staff member allowed
// it, told by a browser notification. Without JavaScript, reloading shows the same.
(function () {
  "use strict";
  const live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  const list = document.getElementById("live-new");
  const bar = document.getElementById("live-bar");
  const status = document.getElementById("live-status");
  const ask = document.getElementById("live-notify");
  const title = document.title;
  const home = document.querySelector(".console-head a[href='/console']");
  const badge = document.createElement("span");
  badge.className = "badge live-badge";
  badge.hidden = true;
  if (home) home.append(" ", badge);
  const shown = new Set();
  let count = 0;
  const say = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

  if (window.Notification && Notification.permission === "default") {
    ask.hidden = false;
    ask.addEventListener("click", () => {
      Notification.requestPermission().then((answer) => {
        ask.hidden = true;
        status.textContent = answer === "granted" ? live.dataset.on : live.dataset.refused;
      });
    });
  }

  function arrived(kind, data) {
    const key = kind + ":" + data.reference;
    if (shown.has(key)) return;
    shown.add(key);
    count += 1;
    const item = document.createElement("li");
    item.className = "live-item live-" + kind;
    const mark = document.createElement("span");
    mark.className = "status live-mark";
    mark.textContent = kind === "answer" ? live.dataset.answer : live.dataset.new;
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.reference;
    item.append(mark, " ", link, " — ", data.name);
    list.prepend(item);
    bar.textContent = say(live.dataset.bar, { count: String(count) });
    bar.href = window.location.href;  // the same filters, now with the new rows
    bar.hidden = false;
    document.title = "(" + count + ") " + title;
    badge.textContent = String(count);
    badge.hidden = false;
    // A burst held back from the groups is listed, but pops up nothing: a script
    // sending nominations must not flood staff's phones either.
    if (!data.held_back && window.Notification && Notification.permission === "granted") {
      const text = kind === "answer" ? live.dataset.notifyAnswer : live.dataset.notifyNew;
      const note = new Notification(say(text, { reference: data.reference }),
                                    { body: data.name, tag: key });
      note.onclick = () => { window.focus(); window.location.href = data.url; };
    }
  }

  const feed = new EventSource("/console/events?after=" + encodeURIComponent(live.dataset.after));
  for (const kind of ["nomination", "answer"]) {
    feed.addEventListener(kind, (event) => arrived(kind, JSON.parse(event.data)));
  }
  feed.addEventListener("open", () => { if (status.textContent === live.dataset.lost) status.textContent = ""; });
  feed.addEventListener("error", () => { status.textContent = live.dataset.lost; });
})();
