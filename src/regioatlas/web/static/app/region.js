/* The region page: key figures, charts, projects, neighbours and published figures. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, stateUrl, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;

  // ---- region page --------------------------------------------------------------------------------
  async function renderRegion(main) {
    main.append(el("p", {}, _("Loading…")));
    const sortKey = RA.state().sort;
    // a failure is shown by the router (heading, alert, loading state cleared)
    const [s, projects] = await Promise.all([
      api("/api/regions/" + encodeURIComponent(RA.state().region) + "/summary?" + filterParams()),
      api("/api/projects?" + filterParams({ region: RA.state().region, limit: 20, offset: RA.state().page * 20, sort: sortKey })),
    ]);
    const typeNames = { HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other"), unknown: _("Unknown") };
    const header = (key, label) => {
      const active = sortKey.replace("-", "") === key;
      const desc = sortKey.startsWith("-");
      const next = active && desc ? key : "-" + key;
      return el("th", { scope: "col", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
        el("button", { type: "button", class: "sort", onclick: () => navigate({ sort: next, page: 0 }) }, label, active ? (desc ? " ▼" : " ▲") : ""));
    };
    const pages = Math.max(1, Math.ceil(projects.total / 20));
    const csv = "/api/export/projects.csv?" + filterParams({ region: RA.state().region });
    const geojson = "/api/export/regions.geojson?" + filterParams({ level: s.region.level, region: s.region.code });
    fill(main, 
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, el("a", { href: stateUrl(Object.assign({}, RA.state(), { view: "map" })), onclick: (e) => { e.preventDefault(); navigate({ view: "map", sel: s.region.code }); } }, _("Map")), " › " + s.region.code),
      el("h1", {}, s.region.name_latin),
      s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
      el("p", { class: "muted" }, s.region.code + " · NUTS " + s.region.level + " · " + _("version") + " " + s.region.version),
      el("section", { class: "cards" }, RA.keyFigures(s)),
      el("div", { class: "two" },
        RA.barChart(s.by_year.map((r) => ({ year: r.key, eu_contribution_eur: r.eu_contribution_eur })), "eu_contribution_eur", "year", _("EU funding by start year")),
        RA.barChart(s.by_org_type.map((r) => ({ type: typeNames[r.key] || r.key, participations: r.participations })), "participations", "type", _("Participants by organisation type"))),
      el("h2", {}, _("Projects") + " (" + fmt.num(projects.total) + ")"),
      el("p", {}, el("a", { class: "button", href: csv, download: "regioatlas-" + s.region.code + "-projects.csv" }, _("Download CSV")), " ",
        el("a", { class: "button", href: geojson, download: "regioatlas-" + s.region.code + ".geojson" }, _("Download GeoJSON"))),
      el("table", { class: "data", id: "projects" },
        el("thead", {}, el("tr", {}, header("title", _("Title")), header("start_date", _("Start")), header("end_date", _("End")), header("eu_contribution_eur", _("EU contribution")))),
        el("tbody", {}, projects.items.map((p) => el("tr", {},
          el("td", {}, el("a", { href: stateUrl(Object.assign({}, RA.state(), { view: "project", project: p.id })), onclick: (e) => { e.preventDefault(); navigate({ view: "project", project: p.id }); } }, (p.acronym ? p.acronym + " – " : "") + (p.title || p.id))),
          el("td", {}, fmt.date(p.start_date)), el("td", {}, fmt.date(p.end_date)), el("td", { class: "num" }, fmt.eur(p.eu_contribution_eur)))))),
      el("nav", { class: "pager", "aria-label": _("Pages") },
        el("button", { type: "button", disabled: RA.state().page <= 0, onclick: () => navigate({ page: RA.state().page - 1 }) }, _("Previous")),
        " " + (RA.state().page + 1) + " / " + pages + " ",
        el("button", { type: "button", disabled: RA.state().page + 1 >= pages, onclick: () => navigate({ page: RA.state().page + 1 }) }, _("Next"))),
      el("h2", {}, _("Neighbouring regions")),
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, _("Projects")), el("th", { scope: "col", class: "num" }, _("EU contribution")))),
        el("tbody", {}, s.neighbours.map((n) => el("tr", {},
          el("td", {}, el("a", { href: stateUrl(Object.assign({}, RA.state(), { view: "region", region: n.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: n.code, page: 0 }); } }, n.name_latin + " (" + n.code + ")")),
          el("td", { class: "num" }, fmt.num(n.projects)), el("td", { class: "num" }, fmt.eur(n.eu_contribution_eur)))))),
      s.figures.length ? el("section", {}, el("h2", {}, _("Other published figures")), el("ul", {}, s.figures.map((f) => el("li", {}, f.indicator + ": " + fmt.num(f.value) + " " + f.unit + " (" + f.nuts_code + ", NUTS " + f.nuts_version + ")")))) : null,
      el("section", { id: "region-extra" }),
      el("p", { class: "muted" }, _("Sources:") + " " + s.sources.map((x) => x.attribution + " (" + x.licence + ")").join(" · ")));
    await Promise.all(RA.hooks.region.map((hook) => hook(document.getElementById("region-extra"), s).catch(() => null)));
    RA.root.setAttribute("aria-busy", "false");
    window.__ra = { ready: true, view: "region" };
  }

  RA.registerView("region", {
    path: "/region/:region", title: () => _("Region"), render: renderRegion, menu: false, signalsReady: true,
    pageTitle: (st) => st.region,
    query: (st, p) => { if (st.sort !== "-eu_contribution_eur") p.set("sort", st.sort); if (st.page) p.set("page", String(st.page)); },
  });
})();
