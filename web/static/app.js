// Small enhancements of our own; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Print button on result pages.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // After a failed submission, move focus to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
