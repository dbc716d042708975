// Small behaviours for the server-rendered pages. Loaded as a file because the
// Content-Security-Policy forbids inline script.
(function () {
  "use strict";

  // Buttons and links with data-confirm ask before they act.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // "Select all" checkbox for bulk actions in the inbox.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    var scope = document.querySelectorAll(all.getAttribute("data-select-all"));
    scope.forEach(function (box) { box.checked = all.checked; });
  });

  // Elements with data-autosubmit submit their form when changed (filters, inline edits
  // without htmx as a fallback).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form && !field.hasAttribute("hx-post")) field.form.requestSubmit();
  });

  // Keep the composer's draft when the server answers that the ticket changed.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409 || event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
