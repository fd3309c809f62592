/* Starts ReDoc on the API's schema (templates/api/redoc.html), in a file because the CSP forbids inline
   scripts. Search is left out: it runs in a worker made from a blob: URL, which the CSP refuses too. */
(function () {
  "use strict";
  var container = document.getElementById("redoc");
  window.Redoc.init(
    container.dataset.specUrl,
    { nonce: container.dataset.nonce, disableSearch: true },
    container
  );
})();
