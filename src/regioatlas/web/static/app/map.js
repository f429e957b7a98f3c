/* The map view: filters, choropleth, legend, ranked list and the region panel. */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, stateUrl, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;
  // Colour-blind-safe sequential palette (viridis, 5 classes), light = low.
  const PALETTE = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  const NO_DATA = "#d9d9d9";
  const metricValue = (item, metric) => (item ? item[metric] : null);

  // ---- filters ---------------------------------------------------------------------------------
  function filterForm() {
    const f = RA.state().filters;
    const set = (name) => (e) => {
      const filters = Object.assign({}, RA.state().filters);
      if (e.target.value) filters[name] = e.target.value; else delete filters[name];
      navigate({ filters: filters, page: 0 });
    };
    const select = (name, label, values, labeller) => el("label", {}, el("span", {}, label),
      el("select", { name: name, onchange: set(name) }, el("option", { value: "" }, _("All")),
        values.map((v) => el("option", { value: v, selected: f[name] === String(v) }, labeller ? labeller(v) : String(v)))));
    const years = []; for (let y = 2014; y <= 2030; y++) years.push(y);
    const orgTypes = { HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other") };
    // a declared field offers its choices, or the values the data has (/api/facets)
    const FACETS = { source: "sources", programme: "programmes", fund: "funds", country: "countries" };
    const LABELLERS = { org_type: (k) => orgTypes[k] || k };
    let textTimer = null;
    const field = (d) => {
      if (d.kind === "years") return select(d.name, _(d.label), years);
      if (d.kind === "text") {
        return el("label", {}, el("span", {}, _(d.label)), el("input", {
          type: "text", name: d.name, value: f[d.name] || "", placeholder: _("e.g. hydrogen"),
          oninput: (e) => { clearTimeout(textTimer); const v = e.target.value; textTimer = setTimeout(() => set(d.name)({ target: { value: v } }), 400); },
        }));
      }
      const values = d.choices && d.choices.length ? d.choices : (RA.facets()[FACETS[d.name]]) || [];
      return select(d.name, _(d.label), values, LABELLERS[d.name]);
    };
    const level = el("select", { id: "level", name: "level", onchange: (e) => navigate({ level: e.target.value }) },
      el("option", { value: "auto", selected: RA.state().level === "auto" }, _("Follow the zoom")),
      [0, 1, 2, 3].map((l) => el("option", { value: String(l), selected: RA.state().level === String(l) }, "NUTS " + l)));
    const metric = el("select", { id: "metric", name: "metric", onchange: (e) => navigate({ metric: e.target.value }) },
      Object.entries(METRICS).map(([k, label]) => el("option", { value: k, selected: RA.state().metric === k }, label())));
    return el("form", { class: "filters", role: "search", "aria-label": _("Filters"), onsubmit: (e) => e.preventDefault() },
      el("label", {}, el("span", {}, _("Show")), metric),
      el("label", {}, el("span", {}, _("NUTS level")), level),
      (CONFIG.filters || []).map(field),
      el("button", { type: "button", id: "clear-filters", class: "link", hidden: !Object.keys(f).length,
        onclick: () => { navigate({ filters: {}, page: 0 }); RA.render(); } }, _("Clear filters")));
  }

  // ---- map view --------------------------------------------------------------------------------
  let map = null, baseLayer = null, regionLayer = null, legend = null, mapHost = null;
  let drawnKey = null, aggregate = { items: [] }, firstDrawn = false;

  function levelForZoom(z) { return z < 4.5 ? 0 : z < 5.5 ? 1 : z < 6.5 ? 2 : 3; }
  function currentLevel() { return RA.state().level === "auto" ? levelForZoom(RA.state().z) : parseInt(RA.state().level, 10); }
  function zoomBand(z) { return z < 5 ? 4 : z < 7 ? 6 : 8; }

  function ensureMap(host) {
    if (!map) {
      // attached before Leaflet sees it, so Leaflet keeps the stylesheet's absolute position
      mapHost = el("div", { id: "map", role: "region", "aria-label": _("Map of regions") });
      host.appendChild(mapHost);
      map = L.map(mapHost, { preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 10, worldCopyJump: false, attributionControl: true });
      map.attributionControl.setPrefix(false);
      map.setView([RA.state().lat, RA.state().lon], RA.state().z);
      map.on("moveend", () => {
        const c = map.getCenter();
        if (RA.state().view !== "map") return;
        const z = map.getZoom();
        if (z === RA.state().z && Math.abs(c.lat - RA.state().lat) < 1e-3 && Math.abs(c.lng - RA.state().lon) < 1e-3) return;
        navigate({ z: z, lat: c.lat, lon: c.lng }, true);
      });
    }
    host.appendChild(mapHost);
    map.invalidateSize();
    const c = map.getCenter();
    if (Math.abs(c.lat - RA.state().lat) > 1e-3 || Math.abs(c.lng - RA.state().lon) > 1e-3 || map.getZoom() !== RA.state().z) {
      map.setView([RA.state().lat, RA.state().lon], RA.state().z, { animate: false });
    }
    map.attributionControl._attributions = {};
    new Set(CONFIG.attributions.concat(RA.datasets().map((d) => d.attribution))).forEach((a) => a && map.attributionControl.addAttribution(a.replace(/</g, "&lt;")));
  }

  function breaks(values) {
    const v = values.filter((x) => x !== null && x !== undefined && isFinite(x)).sort((a, b) => a - b);
    if (!v.length) return [];
    const out = [];
    for (let i = 1; i < PALETTE.length; i++) out.push(v[Math.min(v.length - 1, Math.floor((i * v.length) / PALETTE.length))]);
    return Array.from(new Set(out));
  }
  function colour(value, br) {
    if (value === null || value === undefined) return NO_DATA;
    let i = 0; while (i < br.length && value > br[i]) i++;
    return PALETTE[Math.min(i, PALETTE.length - 1)];
  }

  async function drawChoropleth() {
    const level = currentLevel();
    const band = zoomBand(RA.state().z);
    const t0 = performance.now();
    const [geo, agg, base] = await Promise.all([
      api("/api/geometries?level=" + level + "&zoom=" + band),
      api("/api/aggregates?" + filterParams({ level: level })),
      api("/api/geometries?level=0&zoom=" + band),
    ]);
    aggregate = agg;
    const byCode = new Map(agg.items.map((i) => [i.code, i]));
    const br = breaks(agg.items.map((i) => metricValue(i, RA.state().metric)));
    const key = level + ":" + band;
    if (!baseLayer || baseLayer._band !== band) {
      if (baseLayer) baseLayer.remove();
      baseLayer = L.geoJSON(base, { interactive: false, style: { color: "#ffffff", weight: 0.8, fillColor: "#eeeeee", fillOpacity: 1 } }).addTo(map);
      baseLayer._band = band;
    }
    if (drawnKey !== key) {
      if (regionLayer) regionLayer.remove();
      regionLayer = L.geoJSON(geo, {
        style: () => ({ color: "#ffffff", weight: 0.6, fillOpacity: 0.9 }),
        onEachFeature: (feat, layer) => {
          layer.on("click", () => selectRegion(feat.id));
          layer.bindTooltip(() => {
            const item = byCodeNow().get(feat.id);
            return el("div", {}, el("strong", {}, feat.properties.name_latin + " (" + feat.id + ")"), el("br"),
              METRICS[RA.state().metric]() + ": " + formatMetric(metricValue(item, RA.state().metric), RA.state().metric));
          }, { sticky: true });
        },
      }).addTo(map);
      drawnKey = key;
    }
    regionLayer.eachLayer((layer) => {
      const item = byCode.get(layer.feature.id);
      const selected = RA.state().sel === layer.feature.id;
      layer.setStyle({ fillColor: colour(metricValue(item, RA.state().metric), br), color: selected ? "#000000" : "#ffffff", weight: selected ? 2.5 : 0.6 });
      if (selected) layer.bringToFront();
    });
    drawLegend(br, level);
    drawList();
    if (!firstDrawn) { firstDrawn = true; performance.mark("choropleth-drawn"); }
    // read by the browser tests and the benchmark: what is drawn, how fast, and the map itself
    window.__ra = { ready: true, level: level, drawMs: performance.now() - t0, regions: agg.items.length, map: map };
    RA.root.setAttribute("aria-busy", "false");
    RA.announce(METRICS[RA.state().metric]() + " · NUTS " + level + " · " + agg.items.length + " " + _("regions"));
  }
  function byCodeNow() { return new Map(aggregate.items.map((i) => [i.code, i])); }

  function drawLegend(br, level) {
    if (legend) legend.remove();
    legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const rows = [];
      const lows = [null].concat(br);
      for (let i = 0; i < lows.length; i++) {
        const lo = lows[i], hi = br[i];
        const text = lo === null ? "≤ " + formatMetric(hi, RA.state().metric) : hi === undefined ? "> " + formatMetric(lo, RA.state().metric) : formatMetric(lo, RA.state().metric) + " – " + formatMetric(hi, RA.state().metric);
        rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + PALETTE[Math.min(i, PALETTE.length - 1)] }), text));
      }
      rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + NO_DATA }), _("No data")));
      return el("div", { class: "legend", id: "legend", role: "group", "aria-label": _("Legend") },
        el("strong", {}, METRICS[RA.state().metric]() + " · NUTS " + level), el("ul", {}, rows));
    };
    legend.addTo(map);
  }

  function drawList() {
    const host = document.getElementById("region-list");
    if (!host) return;
    const items = aggregate.items.slice().sort((a, b) => (metricValue(b, RA.state().metric) || 0) - (metricValue(a, RA.state().metric) || 0));
    const shown = RA.state().table ? items : items.slice(0, 25);
    fill(host, el("table", { class: "data" },
      el("caption", {}, _("Regions ranked by") + " " + METRICS[RA.state().metric]().toLowerCase() + " (" + items.length + ")"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, METRICS[RA.state().metric]()))),
      el("tbody", {}, shown.map((i) => el("tr", {},
        el("td", {}, el("a", { href: stateUrl(Object.assign({}, RA.state(), { view: "region", region: i.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: i.code, page: 0 }); } }, (i.name || i.code) + " (" + i.code + ")")),
        el("td", { class: "num" }, formatMetric(metricValue(i, RA.state().metric), RA.state().metric)))))));
  }

  async function selectRegion(code) {
    navigate({ sel: code });
  }

  async function drawPanel() {
    const host = document.getElementById("panel");
    if (!host) return;
    if (!RA.state().sel) { fill(host, ); host.hidden = true; return; }
    host.hidden = false;
    fill(host, el("p", {}, _("Loading…")));
    try {
      const s = await api("/api/regions/" + encodeURIComponent(RA.state().sel) + "/summary?" + filterParams());
      fill(host, 
        el("button", { type: "button", class: "close", "aria-label": _("Close"), onclick: () => navigate({ sel: null }) }, "×"),
        el("h2", { id: "panel-title" }, s.region.name_latin),
        s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
        el("p", { class: "muted" }, s.region.code + " · NUTS " + s.region.level + " · " + _("version") + " " + s.region.version),
        RA.keyFigures(s),
        el("p", {}, el("a", { class: "button", href: stateUrl(Object.assign({}, RA.state(), { view: "region", region: s.region.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: s.region.code, page: 0 }); } }, _("Open region page"))));
      host.setAttribute("aria-labelledby", "panel-title");
    } catch (e) {
      fill(host, el("p", { class: "error" }, e.message));
    }
  }

  function updateMap() {
    drawChoropleth().catch((e) => RA.announce(e.message));
    drawPanel();
    for (const a of document.querySelectorAll("a[data-export]")) {
      a.href = a.dataset.export === "geojson" ? "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }) : "/api/export/projects.csv?" + filterParams();
    }
    const clear = document.getElementById("clear-filters");
    if (clear) clear.hidden = !Object.keys(RA.state().filters).length;
  }

  function renderMap(main) {
    const side = el("aside", { class: "side" },
      filterForm(),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "toggle-table", "aria-pressed": RA.state().table ? "true" : "false", onclick: () => navigate({ table: !RA.state().table }) }, RA.state().table ? _("Show the map") : _("Show as table")),
        el("a", { class: "button", "data-export": "geojson", href: "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }), download: "regioatlas-regions.geojson" }, _("Download GeoJSON")),
        el("a", { class: "button", "data-export": "csv", href: "/api/export/projects.csv?" + filterParams(), download: "regioatlas-projects.csv" }, _("Download CSV"))),
      el("div", { id: "region-list" }));
    const mapWrap = el("div", { class: "mapwrap" + (RA.state().table ? " hidden-map" : "") });
    const panel = el("section", { id: "panel", class: "panel", hidden: true, "aria-live": "polite" });
    main.append(el("h1", { class: "sr" }, _("EU-funded projects by region")), CONFIG.embed ? null : side, mapWrap, panel);
    ensureMap(mapWrap);
    drawChoropleth().catch((e) => RA.announce(e.message));
    drawPanel();
  }

  RA.registerView("map", {
    path: "/", title: () => _("Map"), render: renderMap, menu: false, signalsReady: true,
    update: (prev) => { if (prev.table !== RA.state().table) return false; updateMap(); return true; },
    query: (st, p) => {
      p.set("z", String(RA.round(st.z, 2))); p.set("lat", String(RA.round(st.lat, 3))); p.set("lon", String(RA.round(st.lon, 3)));
      if (st.sel) p.set("sel", st.sel);
      if (st.table) p.set("table", "1");
    },
  });
})();
