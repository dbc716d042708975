// The composer's macro picker. A file, because the Content-Security-Policy forbids
// inline script.
(function () {
  "use strict";

  // A macro may switch the composer between a public reply and an internal note: the
  // composer then takes the look of that mode, as if the agent had clicked it, and the
  // cursor goes to the end of the filled-in text.
  document.addEventListener("htmx:load", function (event) {
    if (!event.target || event.target.id !== "macro-picker") return;
    var mode = document.querySelector("#composer input[name=mode]:checked");
    if (mode) mode.dispatchEvent(new Event("change", { bubbles: true }));
    var body = document.getElementById("reply_body");
    if (body) {
      body.focus();
      body.setSelectionRange(body.value.length, body.value.length);
    }
  });
})();
