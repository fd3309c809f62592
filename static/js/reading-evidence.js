// Reading evidence: which sections of the text were on screen and for how long, and whether the end of the
// text was. Reported to the page's data-reading-url in batches, every 15 seconds and when the page is left;
// nothing is sent while the page is hidden and nothing is counted for it. The server caps each report's
// seconds by the time since the previous one and refuses reports closer than 5 seconds apart (429).
// Without this script, only the first opening of the page is recorded.
(function () {
  "use strict";

  const REPORT_EVERY_MS = 15000;
  // The server refuses reports closer than 5 seconds apart; a second more allows for the network's delays.
  const REPORT_SPACING_MS = 6000;
  const root = document.querySelector("[data-reading-url]");
  if (!root || !("IntersectionObserver" in window)) {
    return;
  }
  const url = root.dataset.readingUrl;
  // The signing form's token: the page has one whenever it reports.
  const tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!tokenInput) {
    return;
  }
  const token = tokenInput.value;
  const sections = document.querySelectorAll("[data-testid=text] .code-section[id^='section-']");
  const end = root; // the marker after the text

  const onScreen = new Set(); // positions of the sections now intersecting the viewport
  const visibleSince = new Map(); // position -> time it has been counted from
  const unsentMs = new Map(); // position -> milliseconds counted and not yet reported
  let endSeen = false;
  let endReported = false;
  let stopped = false;
  // No report before then. The previous page's last report may still be on its way (a refused signature shows
  // this page again at once), so a page waits the spacing from its opening; or longer, when the page says the
  // server waits longer after a report it has already recorded.
  let nextReportAt = performance.now() + Math.max(REPORT_SPACING_MS, Number(root.dataset.readingWaitMs || 0));

  const positionOf = (section) => section.id.slice("section-".length);

  // Moves the time counted so far into unsentMs; the sections on screen go on counting from now.
  const settle = () => {
    const now = performance.now();
    visibleSince.forEach((since, position) => {
      unsentMs.set(position, (unsentMs.get(position) || 0) + now - since);
      visibleSince.set(position, now);
    });
  };

  const resume = () => {
    const now = performance.now();
    visibleSince.clear();
    if (!document.hidden) {
      onScreen.forEach((position) => visibleSince.set(position, now));
    }
  };

  // The whole seconds to report; the fractions left over wait for the next report.
  const takeSeconds = () => {
    settle();
    const seconds = {};
    unsentMs.forEach((ms, position) => {
      const whole = Math.floor(ms / 1000);
      if (whole > 0) {
        seconds[position] = whole;
        unsentMs.set(position, ms - whole * 1000);
      }
    });
    return seconds;
  };

  const putBack = (seconds) => {
    Object.entries(seconds).forEach(([position, whole]) => {
      unsentMs.set(position, (unsentMs.get(position) || 0) + whole * 1000);
    });
  };

  const report = (leaving) => {
    if (stopped || performance.now() < nextReportAt) {
      return; // what was counted goes with a later report
    }
    const seconds = takeSeconds();
    const newEnd = endSeen && !endReported;
    if (Object.keys(seconds).length === 0 && !newEnd) {
      return;
    }
    // A beacon cannot carry a header: the CSRF token goes in the form data.
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("seconds", JSON.stringify(seconds));
    if (endSeen) {
      data.append("end", "on");
    }
    nextReportAt = performance.now() + REPORT_SPACING_MS;
    if (leaving && navigator.sendBeacon) {
      if (navigator.sendBeacon(url, data)) {
        endReported = endSeen;
      } else {
        putBack(seconds);
      }
      return;
    }
    fetch(url, { method: "POST", body: data, keepalive: true, credentials: "same-origin" })
      .then((response) => {
        if (response.ok) {
          endReported = endReported || newEnd;
        } else if (response.status === 409 || response.status === 404) {
          stopped = true; // signed, closed or gone: nothing more is recorded
        } else {
          putBack(seconds);
        }
      })
      .catch(() => putBack(seconds));
  };

  const observer = new IntersectionObserver((entries) => {
    settle();
    const now = performance.now();
    entries.forEach((entry) => {
      if (entry.target === end) {
        endSeen = endSeen || entry.isIntersecting;
        return;
      }
      const position = positionOf(entry.target);
      if (entry.isIntersecting) {
        onScreen.add(position);
        if (!document.hidden) {
          visibleSince.set(position, now);
        }
      } else {
        onScreen.delete(position);
        visibleSince.delete(position);
      }
    });
  });
  sections.forEach((section) => observer.observe(section));
  if (end) {
    observer.observe(end);
  }

  document.addEventListener("visibilitychange", () => {
    settle();
    resume();
  });
  window.addEventListener("pagehide", () => report(true));
  // Signing may need every section reported on screen: what is not yet reported goes ahead of the signature.
  const signForm = document.querySelector("form[data-sign-form]");
  if (signForm) {
    signForm.addEventListener("submit", () => report(true));
  }
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      resume(); // back from the back-forward cache: the time away was not reading
    }
  });
  window.setInterval(() => report(false), REPORT_EVERY_MS);
})();
