/* The organisation page: one organisation matched across sources, its projects, funding by
   year, places, and how each of its records was matched (method, confidence, evidence). */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate } = RA;

  function methodLabel(m) {
    const labels = {
      pic: _("same PIC"), vat: _("same VAT number"), name_place: _("same name and place"),
      name_country: _("same name and country, place unknown"), own: _("only record"),
    };
    return labels[m] || m;
  }
  function projectLink(x) {
    return el("a", { href: "/project/" + x.project_id, onclick: (e) => { e.preventDefault(); navigate({ view: "project", project: x.project_id }); } }, x.acronym || x.project_id);
  }
  function regionLink(code) {
    return el("a", { href: "/region/" + code, onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: code, page: 0 }); } }, code);
  }

  async function renderOrganisation(main) {
    main.append(el("p", {}, _("Loading…")));
    const o = await api("/api/organisations/" + encodeURIComponent(RA.state().organisation));
    const miniMap = el("div", { id: "organisation-map", class: "minimap", role: "region", "aria-label": _("Map of the organisation's places") });
    const years = o.funding_by_year.filter((y) => y.year !== null);
    const methods = Object.entries(o.match_methods).map(([m, n]) => methodLabel(m) + ": " + fmt.num(n)).join(" · ");
    fill(main,
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, el("a", { href: "/", onclick: (e) => { e.preventDefault(); navigate({ view: "map" }); } }, _("Map")), " › " + o.name),
      el("h1", { id: "organisation-name" }, o.name),
      el("p", { class: "muted" }, [o.id, o.country ? RA.countryName(o.country) : null].filter(Boolean).join(" · ")),
      el("dl", { class: "figures" },
        el("dt", {}, _("Projects")), el("dd", { "data-field": "projects" }, fmt.num(o.projects)),
        el("dt", {}, _("Participations")), el("dd", { "data-field": "participations" }, fmt.num(o.participations)),
        el("dt", {}, _("EU contribution")), el("dd", { "data-field": "eu_contribution_eur" }, fmt.eur(o.eu_contribution_eur)),
        o.pics.length ? [el("dt", {}, "PIC"), el("dd", {}, o.pics.join(", "))] : null,
        o.vats.length ? [el("dt", {}, _("VAT number")), el("dd", {}, o.vats.join(", "))] : null,
        o.names.length > 1 ? [el("dt", {}, _("Also written")), el("dd", {}, o.names.slice(1, 6).join("; "))] : null,
        el("dt", {}, _("Matched by")), el("dd", { "data-field": "match_methods" }, methods)),
      el("h2", {}, _("Funding over time")),
      RA.yearChart(years.map((y) => ({ key: y.year, value: y.eu_contribution_eur })), "value", _("EU contribution by project start year"), RA.eurShort),
      el("table", { class: "data", id: "organisation-funding" },
        el("thead", {}, el("tr", {}, [_("Year"), _("Projects"), _("EU contribution")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, o.funding_by_year.map((y) => el("tr", {},
          el("td", {}, y.year === null ? _("unknown") : String(y.year)), el("td", { class: "num" }, fmt.num(y.projects)), el("td", { class: "num" }, fmt.eur(y.eu_contribution_eur)))))),
      el("h2", {}, _("Places")),
      miniMap,
      el("p", {}, o.regions.length ? o.regions.slice(0, 20).map((c, i) => [i ? ", " : "", regionLink(c)]) : _("not located to a NUTS 3 region")),
      el("h2", {}, _("Projects across programmes")),
      el("table", { class: "data", id: "organisation-projects" },
        el("thead", {}, el("tr", {}, [_("Project"), _("Programme"), _("Start"), _("Role"), _("Name in the record"), _("Region"), _("EU contribution"), _("Matched by"), _("Confidence")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, o.participations.map((x) => el("tr", {},
          el("td", { title: x.title || "" }, projectLink(x)), el("td", {}, x.programme || x.source || "–"), el("td", {}, fmt.date(x.start_date)),
          el("td", {}, x.role || "–"), el("td", {}, x.name || "–"), el("td", {}, x.nuts3 ? regionLink(x.nuts3) : x.nuts0 || "–"),
          el("td", { class: "num" }, fmt.eur(x.eu_contribution_eur)),
          el("td", { title: x.evidence, "data-method": x.method }, methodLabel(x.method)), el("td", { class: "num" }, fmt.num(x.confidence, 2)))))));
    RA.mapAfterPaint(() => drawPlaces(miniMap, o));
    RA.root.setAttribute("aria-busy", "false");
    RA.drawn({ view: "organisation" });
  }
  async function drawPlaces(host, o) {
    const codes = o.regions.length ? o.regions.slice(0, 30) : (o.country ? [o.country] : []);
    const m = L.map(host, { preferCanvas: true, attributionControl: true, zoomControl: true, scrollWheelZoom: false });
    m.attributionControl.setPrefix(false);
    m.attributionControl.addAttribution(RA.config.attributions[0]);
    m.setView([50, 10], 3);
    const feats = await Promise.all(codes.map((c) => api("/api/regions/" + c + "/geometry?zoom=6").catch(() => null)));
    const layer = L.geoJSON({ type: "FeatureCollection", features: feats.filter((f) => f && f.geometry) }, { style: { color: "#3b528b", weight: 1, fillColor: "#21918c", fillOpacity: 0.6 } }).addTo(m);
    if (layer.getLayers().length) m.fitBounds(layer.getBounds(), { maxZoom: 7 });
  }

  RA.registerView("organisation", {
    path: "/organisation/:organisation*", title: () => _("Organisation"), render: renderOrganisation, menu: false, signalsReady: true,
    pageTitle: (st) => st.organisation,
  });
})();
