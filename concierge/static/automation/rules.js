// Rule editors (triggers, time rules, routing): each condition or action row shows only
// the inputs its chosen field needs. Without this script every input is shown and the
// server takes the one that fits, so the page works either way.
(function () {
  "use strict";

  const PICKED = ["status", "priority", "ticket_type", "channel", "language", "author",
    "support_plan", "team", "agent", "calendar"];
  const PICKED_BY_ACTIONS = ["status", "priority", "ticket_type", "agent", "team"];

  function parse(select) {
    const specs = {};
    (select.dataset.fields || "").split(";").forEach(function (item) {
      const [key, source, extra] = item.split("=");
      if (key) specs[key] = { source: source, extra: extra ? extra.split(",") : [] };
    });
    return specs;
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function fitOptions(select, allowed) {
    if (!select) return;
    const current = select.options[select.selectedIndex];
    Array.from(select.options).forEach(function (option) {
      const fits = option.value === "" || allowed(option);
      option.hidden = !fits;
      option.disabled = !fits;
    });
    if (current && current.disabled) select.value = "";
    Array.from(select.querySelectorAll("optgroup")).forEach(function (group) {
      group.hidden = !Array.from(group.children).some(function (o) { return !o.hidden; });
    });
  }

  function update(select) {
    const row = select.closest(".rule-row");
    if (!row) return;
    const isCondition = select.dataset.ruleField === "condition";
    const spec = parse(select)[select.value];
    const choice = row.querySelector("[data-rule-choice]");
    const text = row.querySelector("[data-rule-text]");
    const template = row.querySelector("[data-rule-template]");
    const operator = isCondition ? row.querySelector("select[name$='-operator']") : null;
    if (!spec) {
      [choice, text, template, operator].forEach(function (e) { show(e, false); });
      return;
    }
    const picked = (isCondition ? PICKED : PICKED_BY_ACTIONS).indexOf(spec.source) >= 0;
    show(choice, picked);
    show(text, !picked && spec.source !== "-" && spec.source !== "");
    fitOptions(choice, function (option) { return option.dataset.source === spec.source; });
    if (isCondition) {
      show(operator, true);
      fitOptions(operator, function (option) { return spec.extra.indexOf(option.value) >= 0; });
      if (operator && operator.value === "") {
        const first = Array.from(operator.options).find(function (o) { return !o.disabled && o.value; });
        if (first) operator.value = first.value;
      }
    } else {
      show(template, spec.extra.indexOf("template") >= 0);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-rule-field]").forEach(function (select) {
      update(select);
      select.addEventListener("change", function () { update(select); });
    });
  });
})();
