/* The statement's print button (a file of its own: the Content-Security-Policy
   forbids inline handlers). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
