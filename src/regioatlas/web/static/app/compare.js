/* The compare view: two to four regions side by side (key figures, funding by year, largest
 * projects), chosen with a region picker; the URL (/compare?regions=FI1C6,AT127) is shareable.
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, filterParams } = RA;
  const MAX = 4;

  // every NUTS 1-3 region as "name (code)" for the picker, loaded once
  let choices = null;
  async function regionChoices() {
    if (!choices) {
      const levels = await Promise.all([1, 2, 3].map((l) => api("/api/regions?level=" + l)));
      choices = levels.flatMap((r) => r.items).map((x) => ({ code: x.code, label: x.name_latin + " (" + x.code + ")" }));
    }
    return choices;
  }
  function picked(text, list) {
    const m = /\(([A-Z0-9]+)\)\s*$/.exec(text) || /^\s*([A-Za-z]{2}[A-Za-z0-9]{0,3})\s*$/.exec(text);
    const code = m ? m[1].toUpperCase() : null;
    const exact = list.find((c) => c.label.toLowerCase() === text.trim().toLowerCase());
    return exact ? exact.code : code && list.some((c) => c.code === code) ? code : null;
  }

  // each compared region's figures and largest projects
  function regionRows(codes) {
    return Promise.all(codes.map((c) => Promise.all([
      api("/api/regions/" + c + "/summary?" + filterParams()),
      api("/api/projects?" + filterParams({ region: c, limit: 5, sort: "-eu_contribution_eur" })),
    ])));
  }

  async function renderCompare(main, st) {
    const codes = st.regions || [];
    const pending = regionRows(codes);
    // The picker's 1,500 choices are asked for once the regions' figures are drawn: asked
    // with them, they held them back
    const choices = el("datalist", { id: "compare-choices" });
    pending.catch(() => null).then(RA.afterPaint).then(regionChoices).then((list) => {
      fill(choices, list.map((c) => el("option", { value: c.label })));
    }).catch(() => null);
    const input = el("input", { id: "compare-add", type: "search", list: "compare-choices", autocomplete: "off", placeholder: _("e.g. Lower Austria or FI1C6") });
    const message = el("p", { class: "error", role: "alert", hidden: true });
    const form = el("form", { class: "inline picker", onsubmit: async (e) => {
      e.preventDefault();
      const code = picked(input.value, await regionChoices().catch(() => []));
      if (!code) { message.hidden = false; message.textContent = _("Choose a region from the list."); return; }
      if (!codes.includes(code)) navigate({ regions: codes.concat([code]).slice(-MAX) });
    } },
    el("label", { for: "compare-add" }, _("Add a region")), " ", input, " ",
    el("button", { type: "submit", disabled: codes.length >= MAX }, _("Add")),
    choices);
    const head = [el("h1", {}, _("Compare regions")), el("p", { class: "muted" }, _("Two to four regions side by side; copy the address to share the comparison.")), form, message];
    if (!codes.length) { fill(main, head); return; }
    const rows = await pending;
    const figures = [
      [_("Projects"), (s) => fmt.num(s.projects), (s) => s.projects],
      [_("Participations"), (s) => fmt.num(s.participations), (s) => s.participations],
      [_("EU contribution"), (s) => fmt.eur(s.eu_contribution_eur), (s) => s.eu_contribution_eur],
      [_("Population"), (s) => (s.population ? fmt.num(s.population.value) : "–"), (s) => (s.population ? s.population.value : null)],
      [_("EU contribution per inhabitant"), (s) => fmt.eur(s.eu_contribution_per_inhabitant, 2), (s) => s.eu_contribution_per_inhabitant],
    ];
    const remove = (code) => el("button", { type: "button", class: "link", "aria-label": _("Remove") + " " + code, onclick: () => navigate({ regions: codes.filter((c) => c !== code) }) }, _("Remove"));
    fill(main, head,
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data compare", id: "compare-table" },
        el("thead", {}, el("tr", {}, el("td", {}), rows.map(([s]) => el("th", { scope: "col", "data-code": s.region.code },
          RA.link({ view: "region", region: s.region.code, page: 0 }, s.region.name_latin), el("br"),
          el("span", { class: "muted small" }, s.region.code + " · " + RA.countryName(s.region.country)), " ", remove(s.region.code))))),
        el("tbody", {}, figures.map(([label, show, raw]) => {
          const values = rows.map(([s]) => raw(s)).filter((v) => v !== null && v !== undefined);
          const top = Math.max(...values, 0);
          return el("tr", {}, el("th", { scope: "row" }, label), rows.map(([s]) => el("td", { class: "num" }, show(s),
            el("span", { class: "meter", role: "img", "aria-label": show(s) }, el("span", { style: "width:" + (top ? (100 * (raw(s) || 0)) / top : 0) + "%" })))));
        })))),
      el("p", { class: "small muted" }, _("EU contribution: to the participants located in each region (their shares).")),
      el("div", { class: "compare-charts" }, rows.map(([s]) => RA.yearChart(s.by_year, "eu_contribution_eur", s.region.name_latin + ": " + _("EU funding by start year"), RA.eurShort))),
      el("h2", {}, _("Largest projects")),
      el("div", { class: "compare-charts" }, rows.map(([s, p]) => el("section", {},
        el("h3", {}, s.region.name_latin),
        p.items.length ? el("ol", {}, p.items.map((x) => el("li", {}, RA.link({ view: "project", project: x.id }, x.acronym || x.title || x.id), " ", el("span", { class: "muted small" }, fmt.eur(x.eu_contribution_eur)))))
          : el("p", { class: "muted" }, _("None found."))))));
  }

  RA.registerView("compare", {
    path: "/compare", title: () => _("Compare regions"), render: renderCompare,
    read: (st, p) => { st.regions = (p.get("regions") || "").split(",").map((c) => c.trim().toUpperCase()).filter((c) => /^[A-Z]{2}[A-Z0-9]{0,3}$/.test(c)).slice(0, MAX); },
    query: (st, p) => { if (st.regions && st.regions.length) p.set("regions", st.regions.join(",")); },
    // the picker's 1,500 choices (250 KB) are asked once the regions are drawn, not with them
    prefetch: (st) => { regionRows(st.regions || []).catch(() => null); },
  });
})();
