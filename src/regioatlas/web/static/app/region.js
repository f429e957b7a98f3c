/* The region page: key figures, charts, projects, neighbours and published figures. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, filterParams } = RA;

  // Published figures by series: a name and unit people read (the scorecard's indicator names
  // where a series is one, otherwise these), the latest value with its year and the trend.
  function seriesNames() {
    return {
      "demo_r_pjanaggr3/A.NR.T.TOTAL": _("Population"),
      "demo_r_pjanaggr3/A.NR.T.Y_LT15": _("Population under 15"),
      "demo_r_pjanaggr3/A.NR.T.Y15-64": _("Population aged 15 to 64"),
      "demo_r_pjanaggr3/A.NR.T.Y_GE65": _("Population aged 65 and over"),
      interreg_projects: _("Interreg projects (2014–2020)"),
      interreg_partners: _("Interreg partners (2014–2020)"),
      interreg_total_budget_eur: _("Interreg projects' total budget (2014–2020)"),
      interreg_erdf_eur: _("Interreg ERDF funding (2014–2020)"),
    };
  }
  function unitText(unit) {
    const units = { NR: _("persons"), PPS_EU27_2020_HAB: _("PPS per inhabitant"), PER_THS: _("per 1,000 inhabitants"), count: "", EUR: "" };
    return unit in units ? units[unit] : unit;
  }
  async function publishedFigures(figures) {
    if (!figures.length) return null;
    const lang = RA.state().lang;
    const indicators = await api("/api/indicators").then((r) => r.items).catch(() => []);
    const names = seriesNames();
    indicators.forEach((i) => { const d = i.derivation || {}; if (d.kind === "series" && !names[d.series]) names[d.series] = (i.names && i.names[lang]) || i.title; });
    const groups = new Map();
    figures.filter((f) => f.value !== null && f.value !== undefined).forEach((f) => { if (!groups.has(f.indicator)) groups.set(f.indicator, []); groups.get(f.indicator).push(f); });
    const value = (f) => (f.unit === "EUR" ? fmt.eur(f.value) : fmt.num(f.value, Math.abs(f.value) < 100 ? 1 : 0));
    const rows = Array.from(groups.entries()).filter(([id]) => names[id]).map(([id, fs]) => {
      fs.sort((x, y) => (x.year || 0) - (y.year || 0));
      const last = fs[fs.length - 1], first = fs[0];
      return el("tr", { "data-series": id },
        el("th", { scope: "row" }, names[id]),
        el("td", { class: "num" }, value(last) + (unitText(last.unit) ? " " + unitText(last.unit) : "")),
        el("td", { class: "num" }, last.year ? String(last.year) : "–"),
        el("td", {}, fs.length > 1 ? first.year + ": " + value(first) : "–"));
    });
    if (!rows.length) return null;
    return el("section", { id: "published" },
      el("h2", {}, _("Published figures")),
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, [_("Figure"), _("Latest value"), _("Year"), _("Earliest value")].map((h, i) => el("th", { scope: "col", class: i === 1 || i === 2 ? "num" : null }, h)))),
        el("tbody", {}, rows)),
      el("p", { class: "small muted" }, _("The scorecard compares these figures with the metropolis, the peers and the EU.")));
  }

  function sourceName(key) {
    const d = RA.datasets().find((x) => x.source === key);
    return ({
      "cordis-h2020": "Horizon 2020", "cordis-he-sample": "Horizon Europe", "keep-eu": "Interreg",
      "fi-rakennerahastot": _("Structural funds, Finland"), "at-efre": _("ERDF, Austria"), "pl-mapadotacji": _("EU funds, Poland"),
    })[key] || (d && d.publisher) || key;
  }

  // Projects by theme or intervention field: each project counts under the first theme its
  // list names (Finland's priority axes, Austria's intervention fields, Poland's themes, the
  // Horizon 2020 pillars), so the rows add up to the region's projects. A chart of the largest
  // and a table of all; a label cut for the chart is whole in the table.
  const THEME_ROWS = 15;
  function themeBreakdown(rows) {
    const themes = (rows || []).slice().sort((a, b) => b.projects - a.projects || String(a.key).localeCompare(String(b.key)));
    const label = (key) => (key === "unknown" ? _("Not given") : key);
    const short = (text) => (text.length > 32 ? text.slice(0, 30) + "…" : text);
    const title = _("Projects by theme or intervention field");
    if (!themes.length) return el("section", { id: "themes" }, el("h2", {}, title), el("p", { class: "muted" }, _("No data for this selection")));
    const shown = themes.slice(0, THEME_ROWS);
    const rest = themes.slice(THEME_ROWS);
    const sum = (list, key) => list.reduce((a, r) => a + (r[key] || 0), 0);
    const tableRows = shown.map((r) => [label(r.key), r.projects, r.participations, r.eu_contribution_eur]);
    if (rest.length) tableRows.push([_("Other themes") + " (" + fmt.num(rest.length) + ")", sum(rest, "projects"), sum(rest, "participations"), sum(rest, "eu_contribution_eur")]);
    return el("section", { id: "themes" },
      el("h2", {}, title),
      el("p", { class: "small muted" }, _("Each project counts once, under the first theme its list names: a priority axis, an intervention field or a part of the programme.")),
      RA.categoryChart(shown.slice(0, 8).map((r) => ({ label: short(label(r.key)), value: r.projects })), _("Projects by theme (largest)"), (v) => fmt.num(v)),
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data", id: "theme-table" },
        el("thead", {}, el("tr", {}, [_("Theme or intervention field"), _("Projects"), _("Participations"), _("EU contribution")].map((h, i) => el("th", { scope: "col", class: i ? "num" : null }, h)))),
        el("tbody", {}, tableRows.map(([name, projects, participations, eur]) => el("tr", {},
          el("th", { scope: "row" }, name), el("td", { class: "num" }, fmt.num(projects)),
          el("td", { class: "num" }, fmt.num(participations)), el("td", { class: "num" }, eur ? fmt.eur(eur) : "–")))))));
  }

  // A small map locating the region in its country.
  async function drawLocator(host, region) {
    const m = L.map(host, { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false });
    const [country, shape] = await Promise.all([
      api("/api/regions/" + region.country + "/geometry?zoom=4"),
      api("/api/regions/" + region.code + "/geometry?zoom=6"),
    ]);
    L.geoJSON(country, { interactive: false, style: { color: "#767676", weight: 1, fillColor: "#eeeeee", fillOpacity: 1 } }).addTo(m);
    const layer = L.geoJSON(shape, { interactive: false, style: { color: "#440154", weight: 1.5, fillColor: "#3b528b", fillOpacity: 0.85 } }).addTo(m);
    m.fitBounds(layer.getBounds().pad(region.level >= 2 ? 2.5 : 0.3));
  }

  // What the page asks the API for before it can draw; asked at start (prefetch) and on render.
  function regionRequests(st) {
    return [
      api("/api/regions/" + encodeURIComponent(st.region) + "/summary?" + filterParams()),
      api("/api/projects?" + filterParams({ region: st.region, limit: 20, offset: st.page * 20, sort: st.sort })),
    ];
  }

  async function renderRegion(main) {
    main.append(el("p", {}, _("Loading…")));
    const st = RA.state();
    const sortKey = st.sort;
    // a failure is shown by the router (heading, alert, loading state cleared)
    const [s, projects] = await Promise.all(regionRequests(st));
    const typeNames = { HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other"), unknown: _("Unknown") };
    const header = (key, label) => {
      const active = sortKey.replace("-", "") === key;
      const desc = sortKey.startsWith("-");
      const next = active && desc ? key : "-" + key;
      return el("th", { scope: "col", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
        el("button", { type: "button", class: "sort", onclick: () => navigate({ sort: next, page: 0 }) }, label, active ? (desc ? " ▼" : " ▲") : ""));
    };
    const pages = Math.max(1, Math.ceil(projects.total / 20));
    const csv = "/api/export/projects.csv?" + filterParams({ region: st.region });
    const geojson = "/api/export/regions.geojson?" + filterParams({ level: s.region.level, region: s.region.code });
    const code = s.region.code;
    const locator = el("div", { id: "locator", class: "locator", role: "img", "aria-label": _("Where the region lies in its country") });
    // organisation types are not published for lists of operations: one "Unknown" bar says nothing
    const types = s.by_org_type.filter((r) => r.key !== "unknown");
    const unknownTypes = s.by_org_type.find((r) => r.key === "unknown");
    const features = new Set(RA.config.features || []);
    fill(main,
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, RA.link({ view: "map", sel: code }, _("Map")), " › " + RA.countryName(s.region.country) + " › " + s.region.name_latin),
      el("h1", {}, s.region.name_latin),
      s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
      el("p", { class: "muted" }, code + " · NUTS " + s.region.level + " · " + RA.countryName(s.region.country)),
      el("nav", { class: "region-links", "aria-label": _("About this region") },
        RA.link({ view: "map", sel: code }, _("Show on the map"), { class: "button" }),
        features.has("scorecard") ? RA.link({ view: "scorecard", region: code }, _("Scorecard"), { class: "button" }) : null,
        features.has("kpi") ? RA.link({ view: "compass", region: code }, _("Digital Compass"), { class: "button" }) : null,
        features.has("similarity") ? RA.link({ view: "partners", region: code }, _("Partner search"), { class: "button" }) : null,
        RA.link({ view: "compare", regions: [code] }, _("Compare with other regions"), { class: "button" })),
      el("div", { class: "overview" }, el("section", { class: "card" }, RA.keyFigures(s)), locator),
      el("div", { class: "two" },
        RA.yearChart(s.by_year, "eu_contribution_eur", _("EU funding to the region's participants, by start year"), RA.eurShort),
        types.length
          ? RA.categoryChart(types.map((r) => ({ label: typeNames[r.key] || r.key, value: r.participations })), _("Participants by organisation type"), (v) => fmt.num(v))
          : el("figure", { class: "chart empty" }, el("figcaption", {}, _("Participants by organisation type")),
            el("p", { class: "muted" }, _("The lists of operations behind these projects do not publish the type of organisation.") + (unknownTypes ? " (" + fmt.num(unknownTypes.participations) + ")" : ""))),
        // a breakdown by programme: who funds the region's participants
        RA.categoryChart((s.by_source || []).map((r) => ({ label: sourceName(r.key), value: r.eu_contribution_eur })), _("EU funding by programme"), RA.eurShort)),
      themeBreakdown(s.by_theme),
      el("h2", {}, _("Projects") + " (" + fmt.num(projects.total) + ")"),
      el("p", { class: "small muted" }, _("Each project's whole EU contribution; the key figure above counts only the shares of this region's participants.")),
      el("p", {}, el("a", { class: "button", href: csv, download: "regioatlas-" + code + "-projects.csv" }, _("Download CSV")), " ",
        el("a", { class: "button", href: geojson, download: "regioatlas-" + code + ".geojson" }, _("Download GeoJSON"))),
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data", id: "projects" },
        el("thead", {}, el("tr", {}, header("title", _("Title")), header("start_date", _("Start")), header("end_date", _("End")), header("eu_contribution_eur", _("EU contribution (whole project)")))),
        el("tbody", {}, projects.items.map((p) => el("tr", {},
          el("td", {}, RA.link({ view: "project", project: p.id }, (p.acronym ? p.acronym + " – " : "") + (p.title || p.id))),
          el("td", { class: "date" }, fmt.date(p.start_date)), el("td", { class: "date" }, fmt.date(p.end_date)), el("td", { class: "num" }, fmt.eur(p.eu_contribution_eur))))))),
      el("nav", { class: "pager", "aria-label": _("Pages") },
        el("button", { type: "button", disabled: st.page <= 0, onclick: () => navigate({ page: st.page - 1 }) }, _("Previous")),
        " " + (st.page + 1) + " / " + pages + " ",
        el("button", { type: "button", disabled: st.page + 1 >= pages, onclick: () => navigate({ page: st.page + 1 }) }, _("Next"))),
      await publishedFigures(s.figures),
      el("h2", {}, _("Neighbouring regions")),
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, _("Projects")), el("th", { scope: "col", class: "num" }, _("EU contribution")))),
        el("tbody", {}, s.neighbours.map((n) => el("tr", {},
          el("td", {}, RA.link({ view: "region", region: n.code, page: 0 }, n.name_latin + " (" + n.code + ")")),
          el("td", { class: "num" }, fmt.num(n.projects)), el("td", { class: "num" }, fmt.eur(n.eu_contribution_eur)))))),
      el("section", { id: "region-extra" }),
      el("p", { class: "muted small" }, _("Data:") + " " + s.sources.map((x) => x.attribution.replace(/^Source:\s*/, "") + " (" + x.licence + ")").join(" · ")),
      // what the figures cover: each source, its years, when it was ingested, how much of it is located to this level
      el("p", { class: "small", id: "region-coverage" }, (s.coverage || []).map((c) => s.region.name_latin + ": " + fmt.num(c.projects) + " " + _("projects") + " · " + c.title + (c.period ? " " + c.period : "") +
        (c.published ? " · " + _("published") + " " + c.published : "") +
        (c.ingested_at ? " · " + _("Ingested") + " " + fmt.date(c.ingested_at.slice(0, 10)) : "") +
        (c.located_share !== null ? " · " + fmt.num(100 * c.located_share) + " % " + _("of the source's participations in the country located to NUTS") + " " + c.level : "")).join(" | ")));
    RA.mapAfterPaint(() => drawLocator(locator, s.region));
    // the page is read once its own figures are drawn; the features' sections follow
    RA.root.setAttribute("aria-busy", "false");
    RA.drawn({ view: "region" });
    await Promise.all(RA.hooks.region.map((hook) => hook(document.getElementById("region-extra"), s).catch(() => null)));
  }

  RA.registerView("region", {
    path: "/region/:region", title: () => _("Region"), render: renderRegion, menu: false, signalsReady: true,
    pageTitle: (st) => st.region,
    prefetch: (st) => { regionRequests(st).concat([api("/api/indicators")]).forEach((r) => r.catch(() => null)); },
    query: (st, p) => { if (st.sort !== "-eu_contribution_eur") p.set("sort", st.sort); if (st.page) p.set("page", String(st.page)); },
  });
})();
