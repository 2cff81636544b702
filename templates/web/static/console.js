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
