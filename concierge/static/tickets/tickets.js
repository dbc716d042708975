// The agent workspace's own behaviour (a file, because the CSP forbids inline script).
(function () {
  "use strict";

  // Controls that only matter without scripts (the properties panel's Save) hide.
  document.documentElement.classList.add("js");

  // The composer looks like a note while "Internal note" is chosen, so nobody sends a
  // note believing it is a reply, or the other way round.
  document.addEventListener("change", function (event) {
    var choice = event.target.closest("#composer input[name=mode]");
    if (!choice) return;
    var composer = document.getElementById("composer");
    composer.classList.toggle("note", choice.value === "note" && choice.checked);
  });

  // The properties panel saves each field as it changes; pressing Enter in the tags box
  // must not also submit the whole panel as a plain form (it would post twice).
  document.addEventListener("submit", function (event) {
    if (window.htmx && event.target.matches("form[data-inline-edit]")) {
      event.preventDefault();
    }
  });
})();
