// Warn before leaving a page whose forms (marked data-warn-unsaved) hold changes that were not saved.
// Submitting a form is not leaving it: its own changes are being saved. A page may hold several forms
// (the translation editor has one per section): saving one still warns about changes in the others.
(function () {
  "use strict";

  const forms = Array.from(document.querySelectorAll("form[data-warn-unsaved]"));
  if (forms.length === 0) {
    return;
  }
  const snapshot = (form) => new URLSearchParams(new FormData(form)).toString();
  const saved = new Map(forms.map((form) => [form, snapshot(form)]));
  let submitted = null;

  forms.forEach((form) => {
    form.addEventListener("submit", () => {
      submitted = form;
    });
  });

  window.addEventListener("beforeunload", (event) => {
    const unsaved = forms.filter((form) => form !== submitted && snapshot(form) !== saved.get(form));
    if (unsaved.length === 0) {
      return;
    }
    event.preventDefault();
    // Older browsers show the warning only when returnValue is set.
    event.returnValue = "";
  });
})();
