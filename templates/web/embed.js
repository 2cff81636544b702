// NTVT's chat on a ward portal: <script src="https://…/embed.js" data-lang="vi" defer>.
// A round button in the corner opens the chat in a panel (a frame of this server's
// /chat, which allows only the portals in EMBED_ORIGINS); everything else stays the
// portal's. The words are the server's templates.
(function () {
  "use strict";
  var tag = document.currentScript;
  if (!tag || window.ntvtChat) return;
  window.ntvtChat = true;
  var origin = new URL(tag.src).origin;
  var lang = tag.dataset.lang === "en" ? "en" : "vi";
  var labels = {{ labels | tojson }}[lang];

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "💬";
  button.setAttribute("aria-label", labels.open);
  button.title = labels.open;
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, {
    position: "fixed", right: "16px", bottom: "16px", width: "60px", height: "60px",
    borderRadius: "50%", border: "0", background: "#c8102e", color: "#fff",
    fontSize: "28px", boxShadow: "0 2px 8px rgba(0,0,0,.35)", cursor: "pointer",
    zIndex: "2147483000"
  });

  var panel = document.createElement("div");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", labels.open);
  panel.hidden = true;
  Object.assign(panel.style, {
    position: "fixed", right: "8px", bottom: "84px", width: "min(420px, calc(100vw - 16px))",
    height: "min(680px, calc(100vh - 100px))", background: "#fff", borderRadius: "12px",
    boxShadow: "0 4px 18px rgba(0,0,0,.35)", overflow: "hidden", zIndex: "2147483000"
  });
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = "✕";
  close.setAttribute("aria-label", labels.close);
  Object.assign(close.style, {
    position: "absolute", top: "4px", right: "4px", width: "44px", height: "44px",
    border: "0", background: "transparent", color: "#fff", fontSize: "22px", zIndex: "1"
  });
  var frame = null;

  function toggle(open) {
    if (open && !frame) {  // the chat loads only when someone wants it
      frame = document.createElement("iframe");
      frame.src = origin + "/chat?lang=" + lang;
      frame.title = labels.open;
      frame.allow = "camera";
      Object.assign(frame.style, { width: "100%", height: "100%", border: "0" });
      panel.appendChild(frame);
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    (open ? close : button).focus();
  }
  button.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); });
  panel.appendChild(close);
  document.body.appendChild(panel);
  document.body.appendChild(button);
})();
