// A form being sent shows it: its submit buttons are disabled (so a second press sends nothing twice)
// and say "Working…" beside a spinner. The words come from the page (body data-busy-label), translated.
// Left alone: forms htmx sends itself (it cancels the browser's submission), forms marked data-no-busy,
// forms that search (method GET) and forms opening in another tab. A form whose answer is a download
// leaves the page where it was: its buttons come back after a few seconds, and when the browser
// shows the page again from its back-forward cache.
(function () {
  "use strict";

  const RESTORE_AFTER_MS = 8000;
  const label = document.body.dataset.busyLabel || "";

  const isLeftAlone = (form, event) =>
    event.defaultPrevented ||
    form.hasAttribute("data-no-busy") ||
    (form.getAttribute("method") || "get").toLowerCase() !== "post" ||
    (form.getAttribute("target") || "_self") !== "_self";

  const restore = (button) => {
    if (!button.hasAttribute("data-busy")) {
      return;
    }
    button.disabled = false;
    button.removeAttribute("data-busy");
    button.removeAttribute("aria-busy");
    button.querySelectorAll(".busy-indicator").forEach((element) => element.remove());
  };

  const markBusy = (button) => {
    button.setAttribute("data-busy", "");
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    if (button.tagName !== "BUTTON") {
      return;
    }
    const spinner = document.createElement("span");
    spinner.className = "busy-indicator spinner-border spinner-border-sm ms-2";
    spinner.setAttribute("aria-hidden", "true");
    const words = document.createElement("span");
    words.className = "busy-indicator ms-1";
    words.textContent = label;
    button.append(spinner, words);
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || isLeftAlone(form, event)) {
      return;
    }
    const buttons = Array.from(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"));
    if (buttons.some((button) => button.hasAttribute("data-busy"))) {
      // Sent already: a second press sends nothing.
      event.preventDefault();
      return;
    }
    // After the browser has read the form, so that the pressed button's name and value are still sent.
    window.setTimeout(() => {
      buttons.forEach(markBusy);
      window.setTimeout(() => buttons.forEach(restore), RESTORE_AFTER_MS);
    }, 0);
  });

  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      document.querySelectorAll("[data-busy]").forEach(restore);
    }
  });
})();
