// What the console needs on a phone. The header folds its links behind one "Menu"
// button, so a page starts with its own content rather than five lines of links.
// Without JavaScript all the links show, wrapped (console.css); on a wide screen the
// fold has no effect.
(function () {
  "use strict";
  const script = document.currentScript;
  const head = document.querySelector(".console-head");
  if (!head || !script || head.querySelector(".nav-toggle")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "nav-toggle";
  button.textContent = script.dataset.label || "Menu";
  button.setAttribute("aria-expanded", "false");
  head.firstElementChild.after(button);
  head.classList.add("foldable", "folded");
  button.addEventListener("click", () => {
    const folded = head.classList.toggle("folded");
    button.setAttribute("aria-expanded", String(!folded));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !head.classList.contains("folded")) {
      head.classList.add("foldable", "folded");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
})();

// A table too wide for the screen scrolls in its own box: the box takes the keyboard's
// focus (Tab, then the arrow keys), so it scrolls without a finger too.
(function () {
  "use strict";
  const boxes = () => document.querySelectorAll(
    "main .table-wrap, main table:not(.table-wrap > table)");
  const mark = () => boxes().forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
    }
  });
  mark();
  window.addEventListener("resize", mark);
})();
