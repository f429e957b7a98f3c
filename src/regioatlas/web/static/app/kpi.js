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
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": t.text });
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
      el("h3", {}, t.text),
      el("dl", { class: "figures" },
        el("dt", {}, _("Current value")), el("dd", {}, t.current ? fmt.num(t.current.value, 1) + " " + t.unit + " (" + t.current.year + ", " + label(t.current.label) + ")" : "–"),
        el("dt", {}, _("Target")), el("dd", {}, fmt.num(t.target, 0) + " " + t.unit + " " + _("by") + " " + t.target_year),
        el("dt", {}, _("Gap")), el("dd", { "data-field": "gap" }, (t.gap_points === null || t.gap_points === undefined ? "–" : fmt.num(t.gap_points, 1) + " " + _("points")) + " · " + gapText(t)),
        el("dt", {}, _("Needed per year")), el("dd", {}, t.needed_per_year === null || t.needed_per_year === undefined ? "–" : fmt.num(t.needed_per_year, 2) + " " + _("points")),
        el("dt", {}, _("Current pace per year")), el("dd", {}, t.trend_per_year === null || t.trend_per_year === undefined ? "–" : fmt.num(t.trend_per_year, 2) + " " + _("points")),
        el("dt", {}, _("Target reached")), el("dd", { "data-field": "year_reached" }, t.year_reached === "reached" ? _("already reached") : t.year_reached ? String(t.year_reached) : _("not at the current pace"))),
      targetChart(t),
      t.gap_note ? el("p", { class: "muted small" }, t.gap_note) : null,
      el("p", { class: "muted small" }, (t.current && t.current.source) || "")));
    fill(main,
      el("h1", {}, _("Digital Compass") + ": " + r.region.name + " (" + r.region.code + ")"),
      el("p", { class: "muted" }, _("Digital Decade 2030 targets in people for the region") + " · " + _("Population") + " " + fmt.num(r.population.groups.TOTAL) + " (" + r.population.year + ")"),
      el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); const v = e.target.elements.code.value.trim(); if (v) RA.navigate({ view: "compass", region: v.toUpperCase() }); } },
        el("label", {}, _("Region code") + " ", el("input", { name: "code", value: r.region.code, size: 8 })), " ", el("button", { type: "submit" }, _("Show"))),
      el("div", { class: "cards" }, cards),
      r.not_translated && r.not_translated.length ? el("section", {}, el("h2", {}, _("Targets that cannot be expressed for a region")),
        el("ul", {}, r.not_translated.map((x) => el("li", {}, x.text + " — " + x.why)))) : null,
      el("details", {}, el("summary", {}, _("Method")), el("dl", {}, Object.entries(r.method).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]))),
      el("p", { class: "muted" }, (r.attribution || []).join(" · ")));
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
      return el("td", {}, bar, el("div", {}, _("most often") + ": " + ix.most_frequent), el("div", {}, _("worst") + ": " + ix.worst));
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
          r.indices.map((d) => el("th", { scope: "col", title: d.convention }, d.short || d.name, el("div", { class: "muted" }, Object.values(d.pollutants || {}).map((p) => p.averaging).join(", ")))),
          r.standards.map((d) => el("th", { scope: "col", title: d.note || "" }, d.body + " " + d.pollutant + " " + d.statistic.replace(/_/g, " "), el("div", { class: "muted" }, d.level_as_published + (d.allowed !== null && d.allowed !== undefined ? " · " + _("allowed") + " " + d.allowed : "")))))),
        el("tbody", {}, rows))),
      el("h2", {}, _("Conventions")),
      el("ul", {}, r.indices.map((d) => el("li", {}, el("strong", {}, d.name + ": "), d.convention + " (" + d.source + ")"))),
      el("h2", {}, _("Data coverage rules")),
      el("ul", {}, Object.entries(r.coverage_rules).map(([k, v]) => el("li", {}, k + ": " + v))),
      r.issues && r.issues.length ? el("details", {}, el("summary", {}, _("Flagged input") + " (" + r.issues.length + ")"),
        el("ul", {}, r.issues.map((x) => el("li", {}, x.station + " " + x.pollutant + ": " + x.count + " × " + x.kind + " — " + x.treated_as + " (" + x.reason + ")")))) : null,
      el("p", { class: "muted" }, [].concat(r.attribution || []).join(" · ")),
      defs && defs.conversion ? el("p", { class: "muted" }, defs.conversion) : null);
  }

  RA.registerView("compass", { path: "/compass/:region?", title: () => _("Digital Compass"), render: renderCompass, needsRegion: true, defaultRegion: "FI1C6" });
  RA.registerView("air-quality", { path: "/air-quality/:region?", title: () => _("Air quality"), render: renderAirQuality });
})();
