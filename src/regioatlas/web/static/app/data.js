/* The data page: every dataset with its provenance, licence and how well it was located. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, stateUrl, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;

  // ---- data page: every dataset with its provenance, licence and how well it was located ----------
  // the first page opened shows the datasets inlined in the page; a later visit asks afresh
  // (an upload may have added one)
  let inlined = true;
  async function renderData(main) {
    const items = inlined && RA.config.datasets ? RA.config.datasets : (await api("/api/datasets", { nocache: true })).items;
    inlined = false;
    const share = (d, key) => d.location_report && d.location_report.by_level && d.location_report.by_level[key] !== undefined
      ? fmt.num(100 * d.location_report.by_level[key], 1) + " %" : "–";
    // file names only: where the files lay on the machine that ingested them is nobody's business
    const base = (f) => String(f).split(/[\\/]/).pop();
    fill(main,
      el("h1", {}, _("Data and licences")),
      el("p", {}, _("Every figure in the atlas comes from one of these published datasets; each is used under its licence.")),
      el("p", { class: "muted" }, CONFIG.attributions[0]),
      el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data", id: "datasets" },
        el("thead", {}, el("tr", {}, [_("Publisher"), _("Files"), _("Licence"), _("Attribution"), _("Projects"),
          _("Participations"), _("Located to NUTS 3"), _("Period"), _("Published"), _("Ingested")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, items.map((d) => el("tr", { "data-source": d.source },
          el("td", {}, d.publisher || d.source), el("td", { class: "small" }, d.files.map(base).join(", ")),
          el("td", {}, d.licence || "–"), el("td", {}, d.attribution || "–"),
          el("td", { class: "num" }, fmt.num(d.project_count)), el("td", { class: "num" }, fmt.num(d.participant_count)),
          el("td", { class: "num" }, d.participant_count ? share(d, "3") : "–"),
          el("td", { class: "period" }, d.period || "–"), el("td", {}, d.published || "–"),
          el("td", {}, fmt.date((d.ingested_at || "").slice(0, 10)) +
            (d.fetched_at ? " (" + _("fetched") + " " + fmt.date(d.fetched_at.slice(0, 10)) + ")" : ""))))))));
  }

  RA.registerView("data", { path: "/data/:region?", title: () => _("Data and licences"), render: renderData });
})();
