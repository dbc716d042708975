/* The article search in a ticket's composer. htmx fetches the results (debounced); this
   file shows the search (it needs scripts), keeps Enter in the search box from sending the
   reply, and puts an article's link or text into the message at the cursor. An internal
   article goes only into an internal note: its link would not open for the customer. */
(function () {
  "use strict";

  if (window.conciergeArticlePicker) return; // the composer is swapped in again after a send
  window.conciergeArticlePicker = true;

  function reveal(root) {
    var pickers = (root && root.querySelectorAll) ? root.querySelectorAll("[data-article-picker]") : [];
    Array.prototype.forEach.call(pickers, function (picker) { picker.hidden = false; });
    if (root && root.matches && root.matches("[data-article-picker]")) root.hidden = false;
  }

  function writingNote() {
    var chosen = document.querySelector("#composer input[name=mode]:checked")
      || document.querySelector("#composer input[type=hidden][name=mode]");
    return Boolean(chosen && chosen.value === "note");
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    // Keep the inserted text apart from what is already written around it.
    var lead = before && !/\s$/.test(before) ? (text.indexOf("\n") >= 0 ? "\n\n" : " ") : "";
    var inserted = lead + text;
    textarea.value = before + inserted + after;
    var cursor = before.length + inserted.length;
    textarea.focus();
    textarea.setSelectionRange(cursor, cursor);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  reveal(document);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest("#article-search")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-article-insert]");
    if (!button) return;
    event.preventDefault();
    var picker = button.closest("[data-article-picker]");
    var notice = picker && picker.querySelector("[data-article-notice]");
    var body = document.getElementById("reply_body");
    if (!body) return;
    if (button.dataset.internal && !writingNote()) {
      if (notice) notice.textContent = picker.dataset.internalMessage;
      return;
    }
    insertAtCursor(body, button.dataset.value || "");
    if (notice) notice.textContent = picker.dataset.insertedMessage;
  });
})();
