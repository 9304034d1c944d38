/* Behaviour every staff page shares. No page carries inline script or style
   attributes (Content-Security-Policy), so what they did is done here. */
(function () {
  "use strict";
  // A progress bar's width comes from its data-percent, on the first load and on
  // every refresh htmx swaps in (htmx.onLoad runs for both).
  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  });
})();
