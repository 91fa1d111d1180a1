// Type-ahead for fields that take team slugs or people's e-mail addresses, separated by
// commas (`data-suggest="teams"` or `"people"`, with a <datalist>). The suggestions come from
// /api/v1/suggest/...; the value put in the field is still a slug or an address, so the form
// works the same without this script.
(function () {
  "use strict";

  function optionsFor(kind, entries, kept) {
    return entries.map(function (entry) {
      var option = document.createElement("option");
      var value = kind === "teams" ? entry.slug : entry.email;
      option.value = kept.concat([value]).join(", ");
      option.label = kind === "teams" ? entry.name + " (" + entry.countryCode + ")"
        : entry.name + (entry.team ? " (" + entry.team + ")" : "");
      return option;
    });
  }

  function attach(input) {
    var kind = input.getAttribute("data-suggest");
    var url = input.getAttribute("data-suggest-url");
    var list = document.getElementById(input.getAttribute("list") || "");
    if (!list || !url || (kind !== "teams" && kind !== "people") || !window.fetch) return;
    var timer = null;
    var asked = null;

    function update() {
      var parts = input.value.split(",");
      var typed = parts.pop().trim();
      var kept = parts.map(function (part) { return part.trim(); }).filter(Boolean);
      if (typed === asked) return;
      asked = typed;
      if (!typed) { list.replaceChildren(); return; }
      fetch(url + "?q=" + encodeURIComponent(typed), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || typed !== asked) return;
          list.replaceChildren.apply(list, optionsFor(kind, body[kind] || [], kept));
        })
        .catch(function () { /* no suggestions; the field still takes what is typed */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
