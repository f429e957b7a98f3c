/* The project page: figures, participants located on a small map, provenance. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, stateUrl, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;

  // ---- project page ---------------------------------------------------------------------------------
  const ORG_TYPES = () => ({ HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other") });
  // Some sources (Horizon Europe) publish the contribution per participant only: then the
  // project's figure is their sum, and the page says so.
  function euContribution(p, money) {
    if (p.eu_contribution_eur !== null && p.eu_contribution_eur !== undefined) return money(p.eu_contribution_eur, p.eu_contribution_original);
    const shares = p.participants.map((x) => x.eu_contribution_eur).filter((v) => v !== null && v !== undefined);
    if (!shares.length) return _("not published");
    return [fmt.eur(shares.reduce((a, b) => a + b, 0)), el("span", { class: "note" }, " " + _("(sum of the participants' contributions)"))];
  }

  async function renderProject(main) {
    main.append(el("p", {}, _("Loading…")));
    const p = await api("/api/projects/" + encodeURIComponent(RA.state().project));
    const ds = RA.datasets().find((d) => d.id === p.dataset_id) || {};
    const money = (eur, orig) => p.currency && p.currency !== "EUR" && orig !== null ? fmt.eur(eur) + " (" + fmt.money(orig, p.currency) + ", " + _("rate") + " " + fmt.num(p.exchange_rate, 4) + " " + _("of") + " " + (p.rate_date || "") + ")" : fmt.eur(eur);
    const miniMap = el("div", { id: "project-map", class: "minimap", role: "region", "aria-label": _("Map of participants' regions") });
    fill(main, 
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, el("a", { href: "/", onclick: (e) => { e.preventDefault(); navigate({ view: "map" }); } }, _("Map")), " › " + (p.acronym || p.native_id)),
      el("h1", { id: "project-title" }, p.title || p.acronym || p.id),
      p.acronym ? el("p", { class: "muted" }, p.acronym + " · " + p.id) : el("p", { class: "muted" }, p.id),
      el("dl", { class: "figures" },
        el("dt", {}, _("Programme")), el("dd", {}, [p.programme, p.fund].filter(Boolean).join(" · ") || "–"),
        el("dt", {}, _("Period")), el("dd", {}, fmt.date(p.start_date) + " – " + fmt.date(p.end_date)),
        el("dt", {}, _("Budget")), el("dd", {}, money(p.total_cost_eur, p.total_cost_original)),
        el("dt", {}, _("EU contribution")), el("dd", { "data-field": "eu_contribution" }, euContribution(p, money)),
        p.topics && p.topics.length ? [el("dt", {}, _("Topics")), el("dd", {}, p.topics.join("; "))] : null),
      p.objective ? el("section", {}, el("h2", {}, _("Objective")), el("p", { class: "objective" }, p.objective)) : null,
      el("h2", {}, _("Participants")),
      miniMap,
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, [_("Name"), _("Role"), _("Organisation type"), _("Region"), _("Located by"), _("Confidence"), _("EU contribution")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, p.participants.map((x) => el("tr", {},
          el("td", {}, RA.organisationName(x)), el("td", {}, x.role || "–"), el("td", {}, ORG_TYPES()[x.org_type] || x.org_type || "–"),
          el("td", {}, x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0 ? el("a", { href: "/region/" + (x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0, page: 0 }); } }, x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0) : "–"),
          el("td", { title: x.loc_detail || "" }, methodLabel(x.loc_method)), el("td", { class: "num" }, fmt.num(x.loc_confidence, 2)),
          el("td", { class: "num" }, fmt.eur(x.eu_contribution_eur)))))),
      outputsSection(p, fmt, ds),
      el("section", { id: "similar" }),
      el("p", { class: "muted" }, _("Source:") + " " + (ds.publisher || p.source) + " · " + _("Licence:") + " " + (ds.licence || "–") + " · " + (ds.attribution || "")),
      RA.safeUrl(p.url) ? el("p", {}, el("a", { href: RA.safeUrl(p.url), rel: "noopener noreferrer" }, _("Original record"))) : null);
    RA.mapAfterPaint(() => drawProjectMap(miniMap, p));
    RA.hooks.project.forEach((hook) => hook(document.getElementById("similar"), p));
    RA.root.setAttribute("aria-busy", "false");
    RA.drawn({ view: "project" });
  }
  // What the project produced (CORDIS deliverables by type, periodic reports), newest first.
  // A document opens in a new tab that gets no handle on this page (rel noopener). Their
  // publisher is credited here unless the project's own credit below already says the same.
  function outputsSection(p, fmt, ds) {
    const same = (s) => s.publisher === ds.publisher && s.licence === ds.licence && s.attribution === ds.attribution;
    const items = p.outputs || [];
    if (!items.length) return null;
    const link = (o) => RA.safeUrl(o.url) ? el("a", { href: RA.safeUrl(o.url), target: "_blank", rel: "noopener noreferrer" }, o.title || o.id) : (o.title || o.id);
    const line = (o) => el("li", {}, link(o), o.date ? el("span", { class: "note" }, " · " + fmt.date(o.date)) : null);
    const deliverables = items.filter((o) => o.kind === "deliverable");
    const reports = items.filter((o) => o.kind === "periodic report");
    const types = Array.from(new Set(deliverables.map((o) => o.type || ""))).sort();
    return el("section", { id: "outputs" },
      el("h2", {}, _("What the project produced")),
      deliverables.length ? [el("h3", {}, _("Deliverables")), types.map((t) => [el("h4", {}, t || _("Type not given")), el("ul", {}, deliverables.filter((o) => (o.type || "") === t).map(line))])] : null,
      reports.length ? [el("h3", {}, _("Periodic reports")), el("ul", {}, reports.map(line))] : null,
      p.outputs_total > items.length ? el("p", { class: "muted" }, _("Shown:") + " " + fmt.num(items.length) + " / " + fmt.num(p.outputs_total)) : null,
      (p.outputs_sources || []).filter((s) => !same(s)).map((s) => el("p", { class: "muted" }, _("Source:") + " " + s.publisher + " · " + _("Licence:") + " " + s.licence + " · " + s.attribution)));
  }
  function methodLabel(m) {
    const labels = {
      nuts_code: _("NUTS code"), nuts_code_recoded: _("NUTS code (recoded)"), coordinates: _("coordinates"),
      postcode: _("postcode"), lau_code: _("municipality code"), municipality_name: _("municipality name"),
      geonames_place: _("place name"), intermediate_body: _("intermediate body"), country: _("country"),
      none: _("not located"),
    };
    return labels[m] || m || labels.none;
  }
  async function drawProjectMap(host, p) {
    const codes = Array.from(new Set(p.participants.map((x) => x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0).filter(Boolean))).slice(0, 60);
    const m = L.map(host, { preferCanvas: true, attributionControl: true, zoomControl: true, scrollWheelZoom: false });
    m.attributionControl.setPrefix(false);
    m.attributionControl.addAttribution(CONFIG.attributions[0]);
    m.setView([50, 10], 3);
    const feats = await Promise.all(codes.map((c) => api("/api/regions/" + c + "/geometry?zoom=6").catch(() => null)));
    const layer = L.geoJSON({ type: "FeatureCollection", features: feats.filter((f) => f && f.geometry) }, { style: { color: "#3b528b", weight: 1, fillColor: "#21918c", fillOpacity: 0.6 } }).addTo(m);
    if (layer.getLayers().length) m.fitBounds(layer.getBounds(), { maxZoom: 7 });
  }

  RA.registerView("project", {
    path: "/project/:project*", title: () => _("Project"), render: renderProject, menu: false, signalsReady: true,
    pageTitle: (st) => st.project,
    prefetch: (st) => { api("/api/projects/" + encodeURIComponent(st.project)).catch(() => null); },
  });
})();
