/* Pieces several views share: key figures of a region, charts. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, stateUrl, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;

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


  function barChart(rows, valueKey, labelKey, title) {
    const data = rows.filter((r) => r[valueKey] !== null && r[valueKey] !== undefined);
    const w = 560, h = 180, pad = 28;
    const max = Math.max(1, ...data.map((r) => r[valueKey]));
    const bw = data.length ? Math.min(80, (w - pad) / data.length) : 0;
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + (h + 24));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", title);
    data.forEach((r, i) => {
      const bh = (r[valueKey] / max) * h;
      const rect = document.createElementNS(NS, "rect");
      rect.setAttribute("x", String(pad + i * bw + 2)); rect.setAttribute("y", String(h - bh));
      rect.setAttribute("width", String(Math.max(1, bw - 4))); rect.setAttribute("height", String(bh));
      rect.setAttribute("fill", "#21918c");
      const tip = document.createElementNS(NS, "title"); tip.textContent = r[labelKey] + ": " + formatMetric(r[valueKey], valueKey); rect.appendChild(tip);
      const label = document.createElementNS(NS, "text");
      label.setAttribute("x", String(pad + i * bw + bw / 2)); label.setAttribute("y", String(h + 16));
      label.setAttribute("text-anchor", "middle"); label.setAttribute("font-size", "11"); label.textContent = String(r[labelKey]);
      svg.append(rect, label);
    });
    return el("figure", { class: "chart" }, el("figcaption", {}, title), svg,
      el("table", { class: "data sr-table" }, el("tbody", {}, data.map((r) => el("tr", {}, el("th", { scope: "row" }, String(r[labelKey])), el("td", { class: "num" }, formatMetric(r[valueKey], valueKey)))))));
  }

  RA.keyFigures = keyFigures;
  RA.barChart = barChart;
})();
