/* As-you-type suggestions for the help center search box (a combobox with a listbox)
   and for the contact form (a list of articles that may answer the question).
   The server renders the suggestions (escaped, highlighted); this file only fetches,
   shows them and handles the keyboard. */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var CONTACT_DELAY_MS = 450;
  var MIN_LENGTH = 2;

  function debounce(fn, delay) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, delay);
    };
  }

  /* Fetches the suggestions for a text; an answer to an older text is dropped. */
  function Fetcher(url, source) {
    var latest = 0;
    return function (text, show) {
      var mine = ++latest;
      var address = url + "?source=" + encodeURIComponent(source) + "&q=" + encodeURIComponent(text);
      fetch(address, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (mine === latest) show(html); })
        .catch(function () { if (mine === latest) show(""); });
    };
  }

  function setUpCombobox(input) {
    var listbox = document.getElementById(input.dataset.suggestTarget);
    if (!listbox) return;
    var load = Fetcher(input.dataset.suggestUrl, input.dataset.suggestSource || "suggestion");
    var active = -1;

    function options() { return listbox.querySelectorAll("[role=option]"); }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function show(html) {
      listbox.innerHTML = html;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options().length && document.activeElement === input) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    var refresh = debounce(function () {
      var text = input.value;
      if (text.trim().length < MIN_LENGTH) { close(); return; }
      load(text, show);
    }, DELAY_MS);

    input.addEventListener("input", refresh);
    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded && options().length) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && expanded && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].href);
      } else if (event.key === "Escape" && expanded) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      // Let a click on an option land before the list goes away.
      setTimeout(function () { if (!listbox.contains(document.activeElement)) close(); }, 150);
    });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
  }

  function setUpContactForm(panel) {
    var fields = (panel.dataset.suggestFields || "").split(" ")
      .map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    if (!fields.length) return;
    var list = panel.querySelector(".contact-suggestion-list");
    var load = Fetcher(panel.dataset.suggestUrl, panel.dataset.suggestSource || "contact");
    var lastText = "";

    var refresh = debounce(function () {
      var text = fields.map(function (field) { return field.value; }).join(" ")
        .replace(/\s+/g, " ").trim().slice(0, 200);
      if (text === lastText) return;
      lastText = text;
      if (text.length < MIN_LENGTH) { panel.hidden = true; list.innerHTML = ""; return; }
      load(text, function (html) {
        list.innerHTML = html;
        panel.hidden = !list.querySelector("a");
      });
    }, CONTACT_DELAY_MS);

    fields.forEach(function (field) { field.addEventListener("input", refresh); });
    if (fields.some(function (field) { return field.value.trim(); })) refresh();
  }

  function start() {
    document.querySelectorAll("input[data-suggest-url]").forEach(setUpCombobox);
    document.querySelectorAll("[data-contact-suggest]").forEach(setUpContactForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
