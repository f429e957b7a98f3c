/* Pieces several views share: key figures of a region, charts. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fmt, svg } = RA;

  // The key figures of a region; a note under a figure says what it counts (the region's own
  // participants' shares, not the projects' whole EU contribution) and where it comes from.
  function keyFigures(s) {
    const pop = s.population;
    const note = (text) => el("dd", { class: "note" }, text);
    return el("dl", { class: "figures" },
      el("dt", {}, _("Projects")), el("dd", { "data-field": "projects" }, fmt.num(s.projects)),
      el("dt", {}, _("Participations")), el("dd", { "data-field": "participations" }, fmt.num(s.participations)),
      el("dt", {}, _("EU contribution")), el("dd", { "data-field": "eu_contribution_eur" }, fmt.eur(s.eu_contribution_eur)),
      note(_("to the participants located in this region (their shares, not the projects' whole contribution)")),
      el("dt", {}, _("Population")), el("dd", { "data-field": "population" }, pop ? fmt.num(pop.value) : "–"),
      pop ? note(pop.year + " · Eurostat") : null,
      el("dt", {}, _("EU contribution per inhabitant")), el("dd", { "data-field": "per_inhabitant" }, fmt.eur(s.eu_contribution_per_inhabitant, 2)));
  }


  // A column chart of values over years: every year from the first to the last (a year without
  // projects is a zero, not a gap), a value axis with gridlines, the value over each column.
  function yearChart(rows, valueKey, title, format) {
    const data = rows.filter((r) => r[valueKey] !== null && r[valueKey] !== undefined);
    if (!data.length) return emptyChart(title);
    const byYear = new Map(data.map((r) => [Number(r.key), r[valueKey]]));
    const years = [];
    for (let y = Math.min(...byYear.keys()); y <= Math.max(...byYear.keys()); y++) years.push(y);
    const w = 560, h = 200, pl = 64, pb = 22, pt = 18;
    const max = niceMax(Math.max(...byYear.values()));
    const bw = (w - pl) / years.length;
    const Y = (v) => pt + (h - pt - pb) * (1 - v / max);
    const chart = svg("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": title });
    [0, max / 2, max].forEach((v) => {
      chart.appendChild(svg("line", { x1: pl, x2: w, y1: Y(v), y2: Y(v), stroke: "#d0d0d0" }));
      chart.appendChild(text(pl - 6, Y(v) + 4, format(v), { "text-anchor": "end" }));
    });
    years.forEach((y, i) => {
      const v = byYear.get(y) || 0;
      const x = pl + i * bw;
      const rect = svg("rect", { x: x + bw * 0.15, y: Y(v), width: Math.max(1, bw * 0.7), height: Y(0) - Y(v), fill: "#21918c" });
      const tip = svg("title"); tip.textContent = y + ": " + format(v); rect.appendChild(tip);
      chart.append(rect, text(x + bw / 2, h - 6, String(y), { "text-anchor": "middle" }));
      if (years.length <= 12 && v) chart.appendChild(text(x + bw / 2, Y(v) - 4, format(v, true), { "text-anchor": "middle", "font-size": 10 }));
    });
    return figure(title, chart, years.map((y) => [String(y), format(byYear.get(y) || 0)]));
  }
  // Horizontal bars for categories: the label left of its bar, the value right of it, so
  // long names ("Research organisation") never run into each other.
  function categoryChart(rows, title, format) {
    const data = rows.filter((r) => r.value);
    if (!data.length) return emptyChart(title);
    const w = 560, row = 26, pl = 190, pr = 70;
    const h = data.length * row + 6;
    const max = Math.max(...data.map((r) => r.value));
    const chart = svg("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": title });
    data.forEach((r, i) => {
      const y = 3 + i * row;
      const bw = ((w - pl - pr) * r.value) / max;
      chart.append(text(pl - 8, y + 16, r.label, { "text-anchor": "end" }),
        svg("rect", { x: pl, y: y + 4, width: Math.max(1, bw), height: row - 8, fill: "#3b528b" }),
        text(pl + bw + 6, y + 16, format(r.value)));
    });
    return figure(title, chart, data.map((r) => [r.label, format(r.value)]));
  }
  function emptyChart(title) {
    return el("figure", { class: "chart empty" }, el("figcaption", {}, title), el("p", { class: "muted" }, _("No data for this selection")));
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
  }
  function text(x, y, content, attrs) {
    const t = svg("text", Object.assign({ x: x, y: y, "font-size": 11, fill: "#1b1b1b" }, attrs || {}));
    t.textContent = content;
    return t;
  }
  // the chart, and the same numbers as a table for screen readers
  function figure(title, chart, rows) {
    return el("figure", { class: "chart" }, el("figcaption", {}, title), chart,
      el("table", { class: "data sr-table" }, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", { class: "num" }, v))))));
  }
  // compact money for chart labels: €1.6M, 950k €, in the page's language
  function eurShort(v, compact) {
    return compact || v >= 1e5 ? RA.fmt.eurShort(v, v >= 1e5 ? 1 : 0) : RA.fmt.eur(v);
  }

  // A region picker instead of a typed NUTS code: the input suggests "name (code)" of every
  // NUTS 1-3 region; pickedCode() reads the code back from what was chosen or typed.
  function regionPicker(name, region) {
    const id = "picker-" + name;
    const list = el("datalist", { id: id });
    // the 1,500 choices are asked for once the page is drawn: they would hold back its figures
    RA.afterPaint().then(() => Promise.all([1, 2, 3].map((l) => RA.api("/api/regions?level=" + l)))).then((levels) => {
      levels.flatMap((r) => r.items).forEach((x) => list.appendChild(el("option", { value: x.name_latin + " (" + x.code + ")" })));
    }).catch(() => null);
    return [el("input", { name: name, list: id, autocomplete: "off", value: region ? region.name + " (" + region.code + ")" : "", size: 28 }), list];
  }
  function pickedCode(text) {
    const m = /\(([A-Za-z0-9]+)\)\s*$/.exec(text || "") || /^\s*([A-Za-z]{2}[A-Za-z0-9]{0,3})\s*$/.exec(text || "");
    return m ? m[1].toUpperCase() : null;
  }

  // A participant's or beneficiary's name: a link to its organisation page when the API gives
  // the organisation's id (organisation_id), plain text otherwise (an id is never made up).
  function organisationName(participant) {
    const name = participant.name || participant.org_id || "–";
    const id = participant.organisation_id;
    if (id === null || id === undefined || id === "") return document.createTextNode(name);
    return el("a", { href: "/organisation/" + encodeURIComponent(String(id)) + "?lang=" + RA.state().lang, class: "organisation" }, name);
  }

  RA.organisationName = organisationName;
  RA.regionPicker = regionPicker;
  RA.pickedCode = pickedCode;
  RA.keyFigures = keyFigures;
  RA.yearChart = yearChart;
  RA.categoryChart = categoryChart;
  RA.eurShort = eurShort;
})();
