// The live preview's refusals (a text over the length limit comes back as 413 with a message)
// are shown in the preview too: htmx leaves error responses out by default.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target && target.id === "section-preview" && event.detail.xhr.status === 413) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
