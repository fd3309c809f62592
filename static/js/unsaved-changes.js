// Warn before leaving a page whose form (marked data-warn-unsaved) holds changes that were not saved.
// Submitting the form is not leaving it: no warning then.
(function () {
  "use strict";

  const forms = Array.from(document.querySelectorAll("form[data-warn-unsaved]"));
  if (forms.length === 0) {
    return;
  }
  const snapshot = (form) => new URLSearchParams(new FormData(form)).toString();
  const saved = new Map(forms.map((form) => [form, snapshot(form)]));
  let submitting = false;

  forms.forEach((form) => {
    form.addEventListener("submit", () => {
      submitting = true;
    });
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !forms.some((form) => snapshot(form) !== saved.get(form))) {
      return;
    }
    event.preventDefault();
    // Older browsers show the warning only when returnValue is set.
    event.returnValue = "";
  });
})();
