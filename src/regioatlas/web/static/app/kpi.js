/* RegioAtlas pages for common KPIs: the Digital Compass planner and air quality side by side.
 * Registered into the app's views (app.js exposes window.RA); strings go through _().
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, svg } = RA;
  // labels the API sends as words; listed here so that they are extracted and translated
  const label = (x) => ({
    "estimated from national": _("estimated from national"), observed: _("observed"),
    met: _("met"), "not met": _("not met"), "not assessable": _("not assessable"),
  })[x] || x;

  // The Digital Decade targets in the page's language, by target id (the API speaks English).
  const targetText = (t) => ({
    basic_digital_skills: _("At least 80 % of those aged 16–74 have at least basic digital skills"),
    gigabit_coverage: _("Gigabit network coverage for all households"),
    "5g_coverage": _("All populated areas covered by 5G"),
    cloud_takeup: _("75 % of enterprises use cloud computing services"),
    ai_takeup: _("75 % of enterprises use artificial intelligence"),
    big_data_takeup: _("75 % of enterprises use big data (data analytics)"),
    sme_digital_intensity: _("More than 90 % of SMEs reach at least a basic level of digital intensity"),
    public_services_citizens: _("100 % online provision of key public services for citizens"),
    public_services_business: _("100 % online provision of key public services for businesses"),
    ict_specialists: _("At least 20 million ICT specialists employed in the Union, with convergence between women and men"),
    ehealth_records: _("100 % of citizens have access to their electronic health records"),
    eid: _("Digital identity (eID) for citizens"),
    unicorns: _("Doubling the number of unicorns (about 500)"),
  })[t.id] || t.text;
  const gapNote = (t) => {
    if (!t.gap_note) return null;
    if (!t.gap) return _("Regional counts of enterprises are not published: the gap is given in percentage points.");
    if (t.id === "gigabit_coverage") return _("Households without coverage expressed as persons, assuming covered and uncovered households have the same average size.");
    return _("The uncovered share applied to the population.");
  };
  const whyNot = (x) => (/absolute number|EU-wide/.test(x.why) ? _("a target for the EU as a whole: it sets no country or regional share")
    : _("no country values are published for it yet"));
  const methodText = () => [
    [_("Current value"), _("The latest country value of the Digital Decade scoreboard; for a region it is the national value, labelled “estimated from national”, because no regional statistic with the target's definition exists.")],
    [_("Current pace per year"), _("The least-squares slope of the country series over its reference years.")],
    [_("Needed per year"), _("The gap to the target divided by the years left until 2030.")],
    [_("Target reached"), _("The first whole year in which the current value plus the current pace reaches the target.")],
    [_("Gap"), _("The missing share applied to the region's population; for people aged 16–74 a range from Eurostat's broad age groups.")],
  ];
  // a publication, not where a developer keeps its copy: drop "(… docs/X.md, ../shared/…csv …)"
  const readable = (text) => String(text || "").replace(/\s*\([^()]*(?:docs\/|\.\.\/|\.md\b|\.csv\b)[^()]*\)/g, "")
    .replace(/;[^;()]*(?:docs\/|\.md\b)[^;()]*(?=\)|$)/g, "")
    .replace(/\b(running|max_daily)_(\w+)/g, (m) => averaging(m));
  // bands, averaging periods and statistics of the air-quality indices and standards
  const band = (b) => ({
    Good: _("Good"), Fair: _("Fair"), Moderate: _("Moderate"), Poor: _("Poor"), "Very poor": _("Very poor"), "Extremely poor": _("Extremely poor"),
    "Very low": _("Very low"), Low: _("Low"), Medium: _("Medium"), High: _("High"), "Very high": _("Very high"),
  })[b] || String(b).replace(/ \(.*\)$/, "");
  const averaging = (a) => ({ hourly: _("hourly values"), running_8h: _("8-hour running mean"), running_24h: _("24-hour running mean"), daily: _("daily mean") })[a] || a;
  const statistic = (x) => ({ annual_mean: _("annual mean"), daily_mean: _("daily mean"), max_daily_8h_mean: _("highest daily 8-hour mean"), hourly: _("hourly value") })[x] || x.replace(/_/g, " ");

  // One chart per target: published points, the current pace (dashed), the path needed to 2030,
  // and the target line. A hidden table carries the same numbers for screen readers.
  function targetChart(t) {
    const w = 520, h = 200, pl = 36, pr = 22, pt = 10, pb = 24;
    const pts = (t.series || []).map((p) => [p.year, p.value]);
    const proj = (t.projection || []).map((p) => [p.year, p.value]);
    const need = (t.required_path || []).map((p) => [p.year, p.value]);
    const all = pts.concat(proj, need, [[2030, t.target]]);
    const x0 = Math.min(...all.map((p) => p[0])), x1 = Math.max(2030, ...all.map((p) => p[0]));
    const ymax = Math.max(t.target, ...all.map((p) => p[1])) * 1.05 || 1;
    const X = (x) => pl + ((x - x0) / Math.max(1, x1 - x0)) * (w - pl - pr);
    const Y = (y) => pt + (1 - y / ymax) * (h - pt - pb);
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": targetText(t) });
    const line = (data, attrs) => data.length > 1 && chart.appendChild(svg("polyline", Object.assign({ fill: "none", points: data.map((p) => X(p[0]) + "," + Y(p[1])).join(" ") }, attrs)));
    chart.appendChild(svg("line", { x1: pl, x2: w - pr, y1: Y(t.target), y2: Y(t.target), stroke: "#440154", "stroke-width": 1.5, "stroke-dasharray": "2 3" }));
    line(need, { stroke: "#e66100", "stroke-width": 2 });
    line(proj, { stroke: "#21918c", "stroke-width": 2, "stroke-dasharray": "6 4" });
    line(pts, { stroke: "#3b528b", "stroke-width": 2 });
    pts.forEach((p) => chart.appendChild(svg("circle", { cx: X(p[0]), cy: Y(p[1]), r: 3.5, fill: "#3b528b" })));
    for (let y = x0; y <= x1; y += Math.max(1, Math.round((x1 - x0) / 6))) {
      const tx = svg("text", { x: X(y), y: h - 6, "text-anchor": "middle", "font-size": 11 }); tx.textContent = String(y); chart.appendChild(tx);
    }
    [0, t.target].forEach((v) => { const tx = svg("text", { x: 2, y: Y(v) + 4, "font-size": 11 }); tx.textContent = fmt.num(v); chart.appendChild(tx); });
    const legend = el("p", { class: "muted small" },
      el("span", { class: "key", style: "border-color:#3b528b" }), _("published"), " ",
      el("span", { class: "key dashed", style: "border-color:#21918c" }), _("current pace"), " ",
      el("span", { class: "key", style: "border-color:#e66100" }), _("needed to reach the target"), " ",
      el("span", { class: "key dotted", style: "border-color:#440154" }), _("target"));
    const table = el("table", { class: "data sr-table" }, el("tbody", {}, pts.map((p) => el("tr", {}, el("th", {}, String(p[0])), el("td", {}, fmt.num(p[1], 1))))));
    return el("figure", { class: "chart" }, chart, legend, table);
  }

  function gapText(t) {
    if (!t.gap) return "–";
    const unit = t.gap.unit === "persons" ? _("persons") : t.gap.unit === "enterprises" ? _("enterprises") : t.gap.unit;
    if (t.gap.low === t.gap.high) return fmt.num(t.gap.low) + " " + unit;
    return fmt.num(t.gap.low) + "–" + fmt.num(t.gap.high) + " " + unit;
  }

  async function renderCompass(main, state) {
    const code = state.region || "FI1C6";
    fill(main, el("p", {}, _("Loading…")));
    const r = await api("/api/compass/" + encodeURIComponent(code));
    const cards = r.targets.map((t) => el("section", { class: "card target", "data-target": t.id },
      el("h3", {}, targetText(t)),
      el("dl", { class: "figures" },
        el("dt", {}, _("Current value")), el("dd", {}, t.current ? fmt.num(t.current.value, t.current.value > 99.9 && t.current.value < 100 ? 3 : 1) + " " + t.unit + " (" + t.current.year + ", " + label(t.current.label) + ")" : "–"),
        el("dt", {}, _("Target")), el("dd", {}, fmt.num(t.target, 0) + " " + t.unit + " " + _("by") + " " + t.target_year),
        el("dt", {}, _("Gap")), el("dd", { "data-field": "gap" }, (t.gap_points === null || t.gap_points === undefined ? "–" : fmt.num(t.gap_points, t.gap_points > 0 && t.gap_points < 0.1 ? 3 : 1) + " " + _("points")) + " · " + gapText(t)),
        el("dt", {}, _("Needed per year")), el("dd", {}, t.needed_per_year === null || t.needed_per_year === undefined ? "–" : fmt.num(t.needed_per_year, 2) + " " + _("points")),
        el("dt", {}, _("Current pace per year")), el("dd", {}, t.trend_per_year === null || t.trend_per_year === undefined ? "–" : fmt.num(t.trend_per_year, 2) + " " + _("points")),
        el("dt", {}, _("Target reached")), el("dd", { "data-field": "year_reached" }, t.year_reached === "reached" ? _("already reached") : t.year_reached ? _("expected in") + " " + t.year_reached + " " + _("at the current pace") : _("not at the current pace"))),
      targetChart(t),
      gapNote(t) ? el("p", { class: "muted small" }, gapNote(t)) : null,
      el("p", { class: "muted small" }, (t.current && t.current.source) || "")));
    fill(main,
      el("h1", {}, _("Digital Compass") + ": " + r.region.name + " (" + r.region.code + ")"),
      el("p", { class: "muted" }, _("Digital Decade 2030 targets in people for the region") + " · " + _("Population") + " " + fmt.num(r.population.groups.TOTAL) + " (" + r.population.year + ")"),
      el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); const v = RA.pickedCode(e.target.elements.code.value); if (v) RA.navigate({ view: "compass", region: v }); } },
        el("label", {}, _("Region") + " ", RA.regionPicker ? RA.regionPicker("code", r.region) : el("input", { name: "code", value: r.region.code, size: 8 })), " ", el("button", { type: "submit" }, _("Show"))),
      el("div", { class: "cards" }, cards),
      r.not_translated && r.not_translated.length ? el("section", {}, el("h2", {}, _("Targets that cannot be expressed for a region")),
        el("ul", {}, r.not_translated.map((x) => el("li", {}, targetText(x) + " — " + whyNot(x))))) : null,
      el("details", {}, el("summary", {}, _("Method")), el("dl", {}, methodText().map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]))),
      el("p", { class: "muted" }, _("Data:") + " " + (r.attribution || []).map((a) => String(a).replace(/^Source:\s*/, "")).join(" · ")));
  }

  const BAND_COLOURS = ["#50f0e6", "#50ccaa", "#f0e641", "#ff5050", "#960032", "#7d2181"];

  async function renderAirQuality(main) {
    fill(main, el("p", {}, _("Loading…")));
    const sets = await api("/api/air-quality/datasets");
    const id = sets.items[0].id;
    const [r, defs] = await Promise.all([api("/api/air-quality/datasets/" + id + "/side-by-side"), api("/api/air-quality/definitions")]);
    const indexDefs = Object.fromEntries(r.indices.map((d) => [d.id, d]));
    const stdDefs = Object.fromEntries(r.standards.map((d) => [d.id, d]));
    const indexIds = r.indices.map((d) => d.id);
    const stdIds = r.standards.map((d) => d.id);
    const bandCell = (ix) => {
      if (!ix) return el("td", {}, "–");
      const labels = (indexDefs[ix.index] && indexDefs[ix.index].labels) || [];
      const bar = el("span", { class: "bandbar", "aria-hidden": "true" }, labels.map((lab, i) => el("span", { style: `width:${((ix.share_by_band || {})[lab] || 0) * 100}%;background:${BAND_COLOURS[i] || "#999"}` })));
      return el("td", {}, bar, el("div", {}, _("most often") + ": " + band(ix.most_frequent)), el("div", {}, _("worst") + ": " + band(ix.worst)));
    };
    const stdCell = (s) => {
      if (!s) return el("td", {}, "–");
      const d = stdDefs[s.id] || {};
      const count = s.exceedances === null || s.exceedances === undefined ? "" : " · " + fmt.num(s.exceedances) + (d.allowed !== null && d.allowed !== undefined ? " / " + d.allowed : "") + " " + _("exceedances");
      const value = s.value !== null && s.value !== undefined ? fmt.num(s.value, 1) : s.period_mean !== undefined ? "(" + fmt.num(s.period_mean, 1) + ")" : "–";
      return el("td", { class: "status-" + String(s.status).replace(/\s/g, "-") }, value + count, el("div", {}, label(s.status)), s.attains ? el("div", { class: "muted" }, _("attains") + " " + s.attains) : null);
    };
    const rows = [];
    r.stations.forEach((st) => {
      const ix = Object.fromEntries(st.indices.map((x) => [x.index, x]));
      const sd = Object.fromEntries(st.standards.map((x) => [x.id, x]));
      rows.push(el("tr", {}, el("th", { scope: "row" }, st.name + " (" + st.station + ")", el("div", { class: "muted" }, st.nuts)), indexIds.map((i) => bandCell(ix[i])), stdIds.map((i) => stdCell(sd[i]))));
    });
    (r.regions || []).forEach((rg) => {
      const ix = Object.fromEntries(rg.indices.map((x) => [x.index, x]));
      const sd = Object.fromEntries((rg.standards || []).map((x) => [x.id, x]));
      rows.push(el("tr", { class: "region-row" }, el("th", { scope: "row" }, rg.code + " · " + _("worst station")), indexIds.map((i) => bandCell(ix[i])), stdIds.map((i) => stdCell(sd[i]))));
    });
    fill(main,
      el("h1", {}, _("Air quality side by side")),
      el("p", { class: "muted" }, sets.items[0].title + " · " + sets.items[0].placement),
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data aq", id: "aq-table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Station or region")),
          r.indices.map((d) => el("th", { scope: "col", title: d.convention }, d.short || d.name, el("div", { class: "muted" }, Array.from(new Set(Object.values(d.pollutants || {}).map((p) => averaging(p.averaging)))).join(", ")))),
          r.standards.map((d) => el("th", { scope: "col", title: d.note || "" }, d.body + " " + d.pollutant + " " + statistic(d.statistic), el("div", { class: "muted" }, d.level_as_published + (d.allowed !== null && d.allowed !== undefined ? " · " + _("allowed") + " " + d.allowed : "")))))),
        el("tbody", {}, rows))),
      el("h2", {}, _("Conventions")),
      el("ul", {}, r.indices.map((d) => el("li", {}, el("strong", {}, d.name + ": "), readable(d.convention) + " (" + readable(d.source) + ")"))),
      el("h2", {}, _("Data coverage rules")),
      el("ul", {}, Object.entries(r.coverage_rules).map(([k, v]) => el("li", {}, averaging(k) + ": " + readable(v)))),
      r.issues && r.issues.length ? el("details", {}, el("summary", {}, _("Flagged input") + " (" + r.issues.length + ")"),
        el("ul", {}, r.issues.map((x) => el("li", {}, x.station + " " + x.pollutant + ": " + x.count + " × " + x.kind + " — " + x.treated_as + " (" + x.reason + ")")))) : null,
      el("p", { class: "muted" }, [].concat(r.attribution || []).join(" · ")),
      defs && defs.conversion ? el("p", { class: "muted" }, defs.conversion) : null);
  }

  RA.registerView("compass", { path: "/compass/:region?", title: () => _("Digital Compass"), render: renderCompass, needsRegion: true, defaultRegion: "FI1C6",
    prefetch: (st) => { api("/api/compass/" + encodeURIComponent(st.region || "FI1C6")).catch(() => null); } });
  RA.registerView("air-quality", { path: "/air-quality/:region?", title: () => _("Air quality"), render: renderAirQuality,
    prefetch: () => { [api("/api/air-quality/datasets"), api("/api/air-quality/definitions")].forEach((r) => r.catch(() => null)); } });
})();
