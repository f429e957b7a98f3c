/* RegioAtlas scorecard page: people, competence and capital against the metropolis and peers.
 * Registered into the app's views (app.js exposes window.RA); strings go through _().
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, svg } = RA;
  const COLOURS = { region: "#3b528b", metropolis: "#e66100", peers_median: "#21918c" };

  const pillarName = (p) => ({ people: _("People"), competence: _("Competence"), capital: _("Capital") })[p] || p;
  const typeName = (t) => ({ metropolis: _("metropolis"), next_to_metropolis: _("next to a metropolis"), other: _("other") })[t] || t;

  // Units as the indicators declare them, in the page's language.
  const unitName = (u) => ({
    persons: _("persons"), "% over 5 years": _("% over 5 years"), "% of population": _("% of population"),
    "per 1,000 inhabitants per year": _("per 1,000 inhabitants per year"), "% of persons aged 25-64": _("% of persons aged 25–64"),
    "% of persons aged 25-64 with ISCED 5-8": _("% of persons aged 25–64 with tertiary education"), "% of GDP": _("% of GDP"),
    "FTE per 1,000 inhabitants": _("FTE per 1,000 inhabitants"), "per million inhabitants": _("per million inhabitants"),
    "PPS per inhabitant": _("PPS per inhabitant"), "% of persons aged 15-64": _("% of persons aged 15–64"),
    "EUR per inhabitant": _("EUR per inhabitant"),
  })[u] || u;
  let NAMES = {};  // indicator id → its name in the page's language (the measure catalogue's names)
  const indicatorName = (i) => NAMES[i.id] || i.title;

  function value(v, unit, digits) {
    if (v === null || v === undefined) return "–";
    if (unit === "EUR" || unit === "EUR per inhabitant") return fmt.eur(v, digits === undefined ? 0 : digits);
    return fmt.num(v, digits === undefined ? (Math.abs(v) < 100 ? 1 : 0) : digits) + (unit && unit !== "persons" ? " " + unitName(unit) : "");
  }

  function trend(t) {
    if (!t) return "–";
    if (t.value === null || t.value === undefined) {
      const year = /no value for (\d{4})/.exec(t.reason || "");
      return year ? "– (" + _("no value for") + " " + year[1] + ")" : "–";
    }
    const sign = t.value > 0 ? "+" : "";
    return sign + fmt.num(t.value, 1) + (t.kind === "pct" ? " %" : " " + _("points")) + (t.break_in_series ? " (" + _("break in series") + ")" : "");
  }

  // EU position as a bar: 100 % = first of n. Region, metropolis and peer median side by side.
  function position(rank, n, colour, label) {
    if (!rank || !n) return el("span", { class: "muted" }, "–");
    const share = n > 1 ? 1 - (rank - 1) / (n - 1) : 1;
    return el("span", { class: "pos", title: label + ": " + rank + " / " + n },
      el("span", { class: "posbar" }, el("span", { style: `width:${Math.round(share * 100)}%;background:${colour}` })),
      " " + rank + "/" + n);
  }

  function lineChart(name, s, unit) {
    const w = 360, h = 140, pl = 44, pr = 8, pt = 8, pb = 20;
    const lines = ["region", "metropolis", "peers_median"].filter((k) => s[k] && s[k].some((v) => v !== null));
    const values = lines.flatMap((k) => s[k]).filter((v) => v !== null && v !== undefined);
    if (!values.length) return null;
    const years = s.years.filter((y, i) => lines.some((k) => s[k][i] !== null && s[k][i] !== undefined));
    if (years.length < 2) {  // one year is a figure, not a line
      return el("figure", { class: "chart small-chart" }, el("figcaption", {}, name + (unit ? " (" + unitName(unit) + ")" : "")),
        el("p", { class: "muted" }, _("Published for one year only:") + " " + years.join(", ")),
        el("ul", {}, lines.map((k) => el("li", {}, el("span", { class: "key", style: "border-color:" + COLOURS[k] }), fmt.num(s[k].find((v) => v !== null), 1)))));
    }
    // a span of a few tenths drawn over the full height would look like a cliff: keep at least
    // a tenth of the value's size between the bottom and the top of the axis
    let lo = Math.min(...values), hi = Math.max(...values);
    const least = Math.abs(hi || lo) * 0.1;
    if (hi - lo < least) { const mid = (hi + lo) / 2; lo = mid - least / 2; hi = mid + least / 2; }
    const X = (i) => pl + (i / Math.max(1, s.years.length - 1)) * (w - pl - pr);
    const Y = (v) => pt + (1 - (v - lo) / ((hi - lo) || 1)) * (h - pt - pb);
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": name });
    lines.forEach((k) => {
      const pts = s[k].map((v, i) => v === null ? null : X(i) + "," + Y(v)).filter(Boolean);
      chart.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: COLOURS[k], "stroke-width": 2 }));
      if (s.years.length <= 3) {  // one or two years: a line alone would be invisible
        s[k].forEach((v, i) => v !== null && chart.appendChild(svg("circle", { cx: X(i), cy: Y(v), r: 3.5, fill: COLOURS[k] })));
      }
    });
    [[lo, h - pb], [hi, pt + 8]].forEach(([v, y]) => { const t = svg("text", { x: 2, y: y, "font-size": 10 }); t.textContent = fmt.num(v, Math.abs(v) < 100 ? 1 : 0); chart.appendChild(t); });
    [0, s.years.length - 1].forEach((i) => { const t = svg("text", { x: X(i), y: h - 4, "font-size": 10, "text-anchor": i ? "end" : "start" }); t.textContent = String(s.years[i]); chart.appendChild(t); });
    const table = el("table", { class: "data sr-table" }, el("tbody", {}, s.years.map((y, i) => el("tr", {}, el("th", {}, String(y)), lines.map((k) => el("td", {}, s[k][i] === null ? "–" : fmt.num(s[k][i], 2)))))));
    return el("figure", { class: "chart small-chart" }, el("figcaption", {}, name + (unit ? " (" + unitName(unit) + ")" : "")), chart, table);
  }

  // Why the region has its type, said from the typology's facts in the page's language.
  function typeReason(t) {
    const parts = [];
    if (t.relation === "adjacent" && t.metropolises && t.metropolises.length) parts.push(_("borders the metropolis") + " " + t.metropolises.join(", "));
    if (t.metro_region && t.metro_region.name) parts.push(_("part of the metropolitan region of") + " " + t.metro_region.name);
    return parts.length ? " — " + parts.join("; ") : "";
  }
  // The peers are found by their figures, not by geography: say so, so five German regions for
  // an Austrian one are no surprise.
  function peerMethod(r) {
    const p = r.peers || {};
    const n = (p.items || []).length ? Math.max(...p.items.map((x) => x.indicators_compared || 0)) : 0;
    return _("Peers are the regions of the EU whose figures are closest to this region's on the indicators both publish") + (n ? " (" + n + ")" : "") + "; " + _("they can lie in any country.");
  }

  // the regions of the scorecard's country and level, ranked; a NUTS code says both, so the
  // ranking is asked for with the scorecard, not after it (the answer's region decides)
  const rankingUrl = (level, country) => "/api/composite?level=" + level + "&country=" + country;
  const reads = (code) => [api("/api/scorecard/" + encodeURIComponent(code)), api("/api/indicators"), api(rankingUrl(code.length - 2, code.slice(0, 2)))];

  async function renderScorecard(main, state) {
    const code = state.region || "FI1C6";
    fill(main, el("p", {}, _("Loading…")));
    const [scorecard, indicators] = reads(code);
    const [r, catalogue] = await Promise.all([scorecard, indicators.catch(() => ({ items: [] }))]);
    NAMES = Object.fromEntries(catalogue.items.map((i) => [i.id, (i.names && i.names[state.lang]) || i.title]));
    const ranking = await api(rankingUrl(r.region.level, r.region.country)).catch(() => null);
    const metro = r.metropolis || {};
    const comp = r.composite || {};
    const byPillar = {};
    r.indicators.forEach((i) => { (byPillar[i.pillar] = byPillar[i.pillar] || []).push(i); });
    const profile = el("table", { class: "data", id: "profile" },
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, _("Indicator")), el("th", { scope: "col", class: "num" }, r.region.name),
        el("th", { scope: "col" }, _("Year")), el("th", { scope: "col" }, _("5-year trend")), el("th", { scope: "col" }, _("10-year trend")),
        el("th", { scope: "col" }, _("Rank in country")), el("th", { scope: "col", id: "eu-position" }, _("EU position"), el("br"), el("span", { class: "small muted" }, _("a longer bar is better"))),
        el("th", { scope: "col", class: "num" }, (metro.name || _("Metropolis"))), el("th", { scope: "col", class: "num" }, _("Peer median")))),
      Object.entries(byPillar).map(([pillar, items]) => el("tbody", {},
        el("tr", { class: "pillar" }, el("th", { colspan: 9, scope: "rowgroup" }, pillarName(pillar))),
        items.map((i) => {
          const rg = i.region || {}, mt = i.metropolis || {}, pe = i.peers || {};
          const peerRanks = (pe.items || []).map((x) => x.rank_eu).filter(Boolean).sort((a, b) => a - b);
          const peerRank = peerRanks.length ? peerRanks[Math.floor(peerRanks.length / 2)] : null;
          return el("tr", { "data-indicator": i.id },
            el("th", { scope: "row", title: i.source }, indicatorName(i), i.level !== r.region.level ? el("span", { class: "badge" }, "NUTS " + i.level) : null),
            el("td", { class: "num" }, rg.status === "ok" ? value(rg.value, i.unit) : el("span", { class: "muted" }, !rg.status || rg.status === "no data" ? _("no data") : rg.status), rg.flag ? el("sup", {}, rg.flag) : null),
            el("td", {}, rg.year ? String(rg.year) : "–"),
            el("td", {}, trend(rg.trend_5y)), el("td", {}, trend(rg.trend_10y)),
            el("td", {}, rg.rank_country ? rg.rank_country + "/" + rg.n_country : "–"),
            el("td", {}, position(rg.rank_eu, rg.n_eu, COLOURS.region, r.region.name), el("br"),
              position(mt.rank_eu, mt.n_eu, COLOURS.metropolis, metro.name || ""), el("br"),
              position(peerRank, rg.n_eu, COLOURS.peers_median, _("Peer median"))),
            el("td", { class: "num" }, value(mt.value, i.unit)),
            el("td", { class: "num" }, value(pe.median, i.unit)));
        }))));
    const charts = () => Object.entries(r.series || {}).map(([id, s]) => {
      const ind = r.indicators.find((x) => x.id === id) || { title: id, unit: "" };
      return lineChart(indicatorName(ind), s, ind.unit);
    });
    const rankingTable = () => ranking ? el("section", {},
      el("h2", {}, _("Composite ranking") + " · " + r.region.country + " · NUTS " + r.region.level),
      el("p", { class: "muted" }, _("Score 0–100, rank among all EU regions of the level; the bar is the 5–95 % rank interval over 1,000 perturbed runs.")),
      el("table", { class: "data", id: "ranking" },
        el("thead", {}, el("tr", {}, [_("Region"), _("Type"), _("Score"), _("Rank"), _("Median rank"), _("5–95 % interval")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ranking.items.map((x) => el("tr", { class: x.code === r.region.code ? "current" : null },
          el("td", {}, RA.link({ view: "scorecard", region: x.code }, x.name + " (" + x.code + ")")),
          el("td", {}, typeName(x.type)), el("td", { class: "num" }, fmt.num(x.score, 1)),
          el("td", { class: "num" }, String(x.rank)), el("td", { class: "num" }, fmt.num(x.median_rank, 0)),
          el("td", {}, el("span", { class: "interval", title: x.rank_p05 + "–" + x.rank_p95 },
            el("span", { style: `left:${(x.rank_p05 / ranking.regions) * 100}%;width:${Math.max(1, ((x.rank_p95 - x.rank_p05) / ranking.regions) * 100)}%` })),
            " " + x.rank_p05 + "–" + x.rank_p95))))),
      ranking.not_scored && ranking.not_scored.length ? el("p", { class: "muted" }, _("Not scored:") + " " + ranking.not_scored.map((x) => x.code + " (" + x.reason + ")").join("; ")) : null) : null;
    // The charts over time and the country's ranking lie two screens down: drawn once the
    // figures above them are painted (on a slow laptop they were half of the page's drawing).
    const below = el("div", { id: "over-time" });
    RA.afterPaint().then(() => fill(below, el("h2", {}, _("Over time")), el("div", { class: "charts" }, charts()), rankingTable()));
    fill(main,
      el("h1", {}, _("Scorecard") + ": " + r.region.name + " (" + r.region.code + ")"),
      el("p", { class: "muted" }, "NUTS " + r.region.version + (r.region.asked && r.region.asked.code !== r.region.code ? " · " + _("asked as") + " " + r.region.asked.code + " (NUTS " + r.region.asked.version + ")" : "")),
      el("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); const v = RA.pickedCode(e.target.elements.code.value); if (v) RA.navigate({ view: "scorecard", region: v }); } },
        el("label", {}, _("Region") + " ", RA.regionPicker("code", r.region)), " ", el("button", { type: "submit" }, _("Show"))),
      el("dl", { class: "figures" },
        el("dt", {}, _("Type")), el("dd", { "data-field": "type" }, typeName(r.typology.type) + typeReason(r.typology)),
        el("dt", {}, _("Metropolis")), el("dd", {}, metro.code ? RA.link({ view: "scorecard", region: metro.code }, metro.name + " (" + metro.code + ")") : "–"),
        el("dt", {}, _("Peers")), el("dd", { "data-field": "peers" }, (r.peers.items || []).map((p, i) => [i ? ", " : "", RA.link({ view: "scorecard", region: p.code }, p.name + " (" + p.code + ")")])),
        el("dd", { class: "note", "data-field": "peer-method" }, peerMethod(r)),
        el("dt", {}, _("Composite rank")), el("dd", { "data-field": "composite" }, comp.status === "ok" ? comp.rank + " / " + comp.of + " (" + _("5–95 %") + ": " + comp.rank_p05 + "–" + comp.rank_p95 + ")" : (comp.reason || "–"))),
      el("p", {}, el("a", { class: "button", href: "/api/scorecard/" + r.region.code + "/csv", download: "scorecard-" + r.region.code + ".csv" }, _("Download CSV")), " ",
        el("a", { class: "button", href: "/api/scorecard/" + r.region.code + "/report.pdf" }, _("One-page report (PDF)")), " ",
        el("a", { class: "button", href: "/api/scorecard/" + r.region.code + "/report.png" }, _("One-page report (PNG)"))),
      el("h2", {}, _("People, competence and capital")),
      el("p", { class: "muted small" }, el("span", { class: "key", style: "border-color:" + COLOURS.region }), r.region.name,
        el("span", { class: "key", style: "border-color:" + COLOURS.metropolis }), metro.name || _("Metropolis"),
        el("span", { class: "key", style: "border-color:" + COLOURS.peers_median }), _("Peer median")),
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, profile),
      below,
      el("p", { class: "muted" }, _("Data:") + " " + (r.sources || []).map((x) => String(x).replace(/^Source:\s*/, "").replace(/\s*\(see \/api\/[^)]*\)/, "")).join(" · ")));
  }

  RA.registerView("scorecard", { path: "/scorecard/:region?", title: () => _("Scorecard"), render: renderScorecard, needsRegion: true, defaultRegion: "FI1C6",
    prefetch: (st) => { reads(st.region || "FI1C6").forEach((r) => r.catch(() => null)); } });
})();
