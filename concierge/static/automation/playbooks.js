// The ticket page's procedures (automation). A file, because the Content-Security-Policy
// forbids inline script.
(function () {
  "use strict";

  // Which playbooks a ticket follows depends on its type and tags: when the properties
  // panel or the composer (a macro may add tags) was saved, the page asks whether they
  // changed. The server answers 204 (nothing to swap) while the same playbooks match, so
  // the checklist is only replaced when another one appears or goes, and never under a
  // tick that is on its way.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || (target.id !== "properties" && target.id !== "composer")) return;
    var playbooks = document.getElementById("playbooks");
    if (!playbooks || !window.htmx) return;
    var shown = playbooks.getAttribute("data-playbooks") || "";
    window.htmx.ajax("GET", playbooks.getAttribute("data-refresh-url") + "?shown=" +
      encodeURIComponent(shown), { target: "#playbooks", swap: "outerHTML" });
  });
})();
