/* The map's filter panel: what to show and the filters, built from the declared parameters. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, navigate } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;

  // ---- filters ---------------------------------------------------------------------------------
  function filterForm() {
    const f = RA.state().filters;
    const set = (name) => (e) => {
      const filters = Object.assign({}, RA.state().filters);
      if (e.target.value) filters[name] = e.target.value; else delete filters[name];
      navigate({ filters: filters, page: 0 });
    };
    const select = (name, label, values, labeller) => el("label", {}, el("span", {}, label),
      el("select", { name: name, onchange: set(name) }, el("option", { value: "" }, _("All")),
        values.map((v) => el("option", { value: v, selected: f[name] === String(v) }, labeller ? labeller(v) : String(v)))));
    const years = []; for (let y = 2014; y <= 2030; y++) years.push(y);
    const orgTypes = { HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other") };
    // a declared field offers its choices, or the values the data has (/api/facets)
    const FACETS = { source: "sources", programme: "programmes", fund: "funds", country: "countries" };
    const LABELLERS = { org_type: (k) => orgTypes[k] || k, country: (k) => RA.countryName(k) };
    let textTimer = null;
    const field = (d) => {
      if (d.kind === "years") return select(d.name, _(d.label), years);
      if (d.kind === "text") {
        return el("label", {}, el("span", {}, _(d.label)), el("input", {
          type: "text", name: d.name, value: f[d.name] || "", placeholder: _("e.g. hydrogen"),
          oninput: (e) => { clearTimeout(textTimer); const v = e.target.value; textTimer = setTimeout(() => set(d.name)({ target: { value: v } }), 400); },
        }));
      }
      const values = (d.choices && d.choices.length ? d.choices : (RA.facets()[FACETS[d.name]]) || []).slice();
      // countries by their name in the page's language, not by code; one collator for the
      // sort (localeCompare with a locale builds one per comparison: 70 ms on a slow CPU)
      if (d.name === "country") {
        const collator = RA.intl("Collator", {});
        values.sort((a, b) => collator.compare(RA.countryName(a), RA.countryName(b)));
      }
      return select(d.name, _(d.label), values, LABELLERS[d.name]);
    };
    const level = el("select", { id: "level", name: "level", onchange: (e) => navigate({ level: e.target.value }) },
      el("option", { value: "auto", selected: RA.state().level === "auto" }, _("Follow the zoom")),
      [0, 1, 2, 3].map((l) => el("option", { value: String(l), selected: RA.state().level === String(l) }, "NUTS " + l)));
    const metric = el("select", { id: "metric", name: "metric", onchange: (e) => navigate({ metric: e.target.value }) },
      Object.entries(METRICS).map(([k, label]) => el("option", { value: k, selected: RA.state().metric === k }, label())));
    const cls = RA.state().classes || "quantile";
    const classes = el("select", { id: "classes", name: "classes", onchange: (e) => navigate({ classes: e.target.value }) },
      [["quantile", _("Quantiles of the regions shown")], ["equal", _("Equal intervals of the regions shown")], ["fixed", _("Fixed EU-wide classes (all years)")]]
        .map(([k, label]) => el("option", { value: k, selected: cls === k }, label)));
    return el("form", { class: "filters", role: "search", "aria-label": _("Filters"), onsubmit: (e) => e.preventDefault() },
      el("label", {}, el("span", {}, _("Show")), metric),
      el("label", {}, el("span", {}, _("NUTS level")), level),
      el("label", {}, el("span", {}, _("Colour classes")), classes),
      (CONFIG.filters || []).map(field),
      el("button", { type: "button", id: "clear-filters", class: "link", hidden: !Object.keys(f).length,
        onclick: () => { navigate({ filters: {}, page: 0 }); RA.render(); } }, _("Clear filters")));
  }

  RA.filterForm = filterForm;
})();
