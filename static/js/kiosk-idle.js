// The kiosk lets go of a person who walked away: after data-kiosk-person-idle-seconds without a touch, a key
// or a scroll, the page posts the kiosk's "done" (the person is cleared, nothing of them stays on the screen)
// and the kiosk, still open, asks who is next. The server does the same at the next request after as long
// without one (acknowledgements/kiosk.py), for a browser without this script.
(function () {
  "use strict";

  const form = document.querySelector("form[data-kiosk-person-idle-seconds]");
  if (!form) {
    return;
  }
  const idleMs = Number(form.dataset.kioskPersonIdleSeconds) * 1000;
  let timer = 0;
  const restart = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => form.submit(), idleMs);
  };
  ["pointerdown", "keydown", "scroll", "touchstart", "input"].forEach((name) =>
    document.addEventListener(name, restart, { capture: true, passive: true }),
  );
  restart();
})();
