/* The map view: the choropleth with colour classes over the regions shown, its legend, place
 * names to orient by, the ranked list (or the full table) and the panel of a selected region.
 * Its first picture is drawn without Leaflet (sketch.js); the map replaces it once Leaflet ran.
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, navigate, filterParams, formatMetric } = RA;
  const METRICS = RA.metrics;
  const CONFIG = RA.config;
  const S = () => RA.state();
  // Colour-blind-safe sequential palette (viridis, 5 classes), light = low.
  const PALETTE = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  const NO_DATA = "#d9d9d9";
  const COUNTS = new Set(["projects", "participations"]);
  const FIRST_ROWS = 50;  // the table's rows drawn first: more than a tall screen shows
  const metricValue = (item, metric) => (item ? item[metric] : null);
  const finite = (v) => v !== null && v !== undefined && isFinite(v);

  const BASE_STYLE = { color: "#ffffff", weight: 0.8, fillColor: "#eeeeee", fillOpacity: 1 };
  let map = null, baseLayer = null, regionLayer = null, mapHost = null, placeLayer = null;
  let drawnKey = null, aggregate = { items: [] }, firstDrawn = false, resizing = false;
  // the host of the map; until Leaflet ran, the picture drawn in it (canvas and controls)
  let wrap = null, sketch = null, upgrading = null;
  let controls = [];  // the legend and time slider drawn: how to take each away

  function levelForZoom(z) { return z < 4.5 ? 0 : z < 5.5 ? 1 : z < 6.5 ? 2 : 3; }
  function currentLevel() { return S().level === "auto" ? levelForZoom(S().z) : parseInt(S().level, 10); }
  function zoomBand(z) { return z < 5 ? 4 : z < 7 ? 6 : 8; }

  function ensureMap(host) {
    const created = !map;
    if (created) {
      // attached before Leaflet sees it, so Leaflet keeps the stylesheet's absolute position
      mapHost = el("div", { id: "map", role: "region", "aria-label": _("Map of regions") });
      host.appendChild(mapHost);
      map = L.map(mapHost, { preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 10, worldCopyJump: false, attributionControl: true });
      map.attributionControl.setPrefix(false);
      map.setView([S().lat, S().lon], S().z);
      placeLayer = L.layerGroup().addTo(map);
      map.on("moveend", () => {
        const c = map.getCenter();
        if (resizing || S().view !== "map") return;
        const z = map.getZoom();
        if (z === S().z && Math.abs(c.lat - S().lat) < 1e-3 && Math.abs(c.lng - S().lon) < 1e-3) return;
        navigate({ z: z, lat: c.lat, lon: c.lng }, true);
      });
    }
    // A map drawn again in a new view: its host and size may have changed. (A map just made
    // was measured by its setView; measuring again would force the page's layout once more,
    // 60-70 ms on a slow CPU.)
    if (!created) {
      host.appendChild(mapHost);
      // a new size is no move of the reader's: the view is set back to the URL's just below,
      // instead of the URL following the resize and the map being drawn twice before it is ready
      resizing = true;
      map.invalidateSize();
      resizing = false;
      const c = map.getCenter();
      if (Math.abs(c.lat - S().lat) > 1e-3 || Math.abs(c.lng - S().lon) > 1e-3 || map.getZoom() !== S().z) {
        map.setView([S().lat, S().lon], S().z, { animate: false });
      }
    }
    map.attributionControl._attributions = {};
    map.attributionControl.addAttribution(attribution().innerHTML);
  }
  // One short line over the map; every dataset's attribution is in the footer and the data page.
  function attribution() {
    const sources = el("a", { href: "/data?lang=" + S().lang, target: CONFIG.embed ? "_blank" : null }, _("Data sources"));
    return el("div", { class: "leaflet-control-attribution leaflet-control" }, CONFIG.attributions[0] + " · ", sources);
  }

  // ---- colour classes -----------------------------------------------------------------------
  function quantileBreaks(values) {
    const v = values.filter(finite).sort((a, b) => a - b);
    if (!v.length) return [];
    const out = [];
    for (let i = 1; i < PALETTE.length; i++) out.push(v[Math.max(0, Math.ceil((i * v.length) / PALETTE.length) - 1)]);
    return Array.from(new Set(out)).filter((b) => b < v[v.length - 1]);
  }
  function equalBreaks(values) {
    const v = values.filter(finite);
    if (!v.length) return [];
    const lo = Math.min(...v), hi = Math.max(...v);
    if (lo === hi) return [];
    const step = (hi - lo) / PALETTE.length;
    return [1, 2, 3, 4].map((i) => lo + i * step);
  }
  function colour(value, br) {
    if (!finite(value)) return NO_DATA;
    let i = 0; while (i < br.length && value > br[i]) i++;
    return PALETTE[Math.min(i, PALETTE.length - 1)];
  }
  // The classes: over the regions in view (quantiles or equal intervals), or fixed over every
  // region of Europe and every year, so maps of two periods can be compared.
  async function classesFor(level, items, geo, view) {
    const metric = S().metric;
    const kind = S().classes || "quantile";
    let values, note;
    if (kind === "fixed") {
      values = (await api("/api/aggregates?level=" + level)).items.map((i) => metricValue(i, metric)).filter(finite);
      note = _("Fixed classes: quantiles of every region of Europe, all years") + " (" + fmt.num(values.length) + ")";
    } else {
      const boxes = RA.sketch.boxes(geo);
      values = items.filter((i) => RA.sketch.inBox(boxes.get(i.code), view.box)).map((i) => metricValue(i, metric)).filter(finite);
      note = (kind === "equal" ? _("Equal intervals over the regions in view") : _("Quantiles of the regions in view")) + " (" + fmt.num(values.length) + ")";
    }
    const br = kind === "equal" ? equalBreaks(values) : quantileBreaks(values);
    return { breaks: br, min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null, note: note, count: values.length };
  }

  // ---- drawing ------------------------------------------------------------------------------
  // What the choropleth of a view asks the API for; asked once at start (prefetch) and on each draw.
  // The table asks for the figures alone: no map is drawn under it. The first picture asks for
  // the regions around the view alone (sketch.js around()), the map for all of the level's.
  function choroplethRequests() {
    const level = currentLevel();
    const band = zoomBand(S().z);
    const figures = api("/api/aggregates?" + filterParams({ level: level }));
    if (S().table) return [null, figures, null];
    const box = !map && level > 0 ? RA.sketch.around(S()) : null;
    return [
      api("/api/geometries?level=" + level + "&zoom=" + band + (box ? "&bbox=" + box : "")),
      figures,
      // the countries under the regions; at NUTS 0 the regions are the countries
      level === 0 ? null : api("/api/geometries?level=0&zoom=" + band),
    ];
  }

  // The table of every region: the choropleth's figures without a hidden map to build
  // (Leaflet is read and the map drawn when the reader asks for the map).
  async function drawTable() {
    const t0 = performance.now();
    aggregate = await choroplethRequests()[1];
    drawList();
    drawn(t0);
  }
  const drawFigures = () => (S().table ? drawTable() : drawChoropleth());
  // read by the browser tests and the benchmark: what is drawn, how fast (and the map itself)
  function drawn(t0, info) {
    const level = currentLevel();
    RA.drawn(Object.assign({ level: level, drawMs: performance.now() - t0, regions: aggregate.items.length }, info));
    RA.root.setAttribute("aria-busy", "false");
    // said once: the map taking over from its first picture changes nothing to say
    const said = METRICS[S().metric]() + " · NUTS " + level + " · " + aggregate.items.length + " " + _("regions");
    const live = document.getElementById("live");
    if (!live || live.textContent !== said) RA.announce(said);
  }

  async function drawChoropleth() {
    const level = currentLevel();
    const band = zoomBand(S().z);
    const t0 = performance.now();
    const [geo, agg, base] = await Promise.all(choroplethRequests());
    aggregate = agg;
    const byCode = new Map(agg.items.map((i) => [i.code, i]));
    const view = RA.sketch.view(wrap.clientWidth, wrap.clientHeight, S());
    const classes = await classesFor(level, agg.items, geo, view);
    const style = (id) => {
      const selected = S().sel === id;
      return { fillColor: colour(metricValue(byCode.get(id), S().metric), classes.breaks), fillOpacity: 0.9, color: selected ? "#000000" : "#ffffff", weight: selected ? 2.5 : 0.6 };
    };
    if (map) drawLayers(geo, base, level, band, style); else drawSketch(geo, base, view, style);
    drawLegend(classes, level);
    drawList();
    if (!firstDrawn) { firstDrawn = true; performance.mark("choropleth-drawn"); }
    drawn(t0, { map: map, classes: classes });
    if (map) drawPlaces().catch(() => null); else interactive();
  }

  // The picture of the choropleth, until Leaflet ran: the same colours, view and controls.
  function drawSketch(geo, base, view, style) {
    if (sketch) sketch.remove();
    const selected = (f) => f.id === S().sel;
    // Leaflet's classes: its stylesheet places and dresses the controls as on the map
    sketch = el("div", { class: "sketch leaflet-container" },
      el("div", { class: "leaflet-bottom leaflet-left" }),
      el("div", { class: "leaflet-bottom leaflet-right" }, attribution()));
    RA.sketch.draw(sketch, view, [
      base ? { geo: base, style: () => BASE_STYLE } : null,
      { geo: geo, style: (f) => style(f.id), only: (f) => !selected(f) },
      { geo: geo, style: (f) => style(f.id), only: selected },  // on top, as Leaflet's bringToFront
    ].filter(Boolean));
    wrap.appendChild(sketch);
  }
  // The map to pan, zoom, hover and click: built once the picture is painted, then it replaces it.
  function interactive() {
    if (!upgrading) {
      upgrading = RA.mapAfterPaint(() => {
        if (map || !wrap.isConnected || S().table) return null;
        ensureMap(wrap);
        return drawFigures();
      }).finally(() => { upgrading = null; });
    }
    return upgrading;
  }

  function drawLayers(geo, base, level, band, style) {
    if (!base && baseLayer) { baseLayer.remove(); baseLayer = null; }
    if (base && (!baseLayer || baseLayer._band !== band)) {
      if (baseLayer) baseLayer.remove();
      baseLayer = L.geoJSON(base, { interactive: false, style: BASE_STYLE }).addTo(map);
      baseLayer._band = band;
      baseLayer.bringToBack();
    }
    const key = level + ":" + band;
    if (drawnKey !== key) {
      if (regionLayer) regionLayer.remove();
      regionLayer = L.geoJSON(geo, {
        style: () => ({ color: "#ffffff", weight: 0.6, fillOpacity: 0.9 }),
        onEachFeature: (feat, layer) => {
          layer.on("click", () => navigate({ sel: feat.id }));
          layer.bindTooltip(() => {
            const item = new Map(aggregate.items.map((i) => [i.code, i])).get(feat.id);
            return el("div", {}, el("strong", {}, feat.properties.name_latin + " (" + feat.id + ")"), el("br"),
              METRICS[S().metric]() + ": " + formatMetric(metricValue(item, S().metric), S().metric));
          }, { sticky: true });
        },
      }).addTo(map);
      drawnKey = key;
    }
    regionLayer.eachLayer((layer) => {
      layer.setStyle(style(layer.feature.id));
      if (S().sel === layer.feature.id) layer.bringToFront();
    });
    // the picture goes once the map's first frame is drawn (Leaflet draws in the frame too)
    if (sketch) { const old = sketch; sketch = null; requestAnimationFrame(() => old.remove()); }
    if (!performance.getEntriesByName("map-interactive").length) performance.mark("map-interactive");
  }

  function legendRows(c) {
    const metric = S().metric;
    const f = (v) => formatMetric(v, metric);
    const edges = [c.min].concat(c.breaks, [c.max]);
    const rows = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      // counts are whole numbers: the next class starts one above the previous class's top
      const lo = i === 0 ? edges[0] : COUNTS.has(metric) ? Math.floor(edges[i]) + 1 : edges[i];
      const hi = edges[i + 1];
      rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + PALETTE[Math.min(i, PALETTE.length - 1)] }), lo >= hi ? f(hi) : f(lo) + " – " + f(hi)));
    }
    return rows;
  }
  // What the colours cover: each source shown, its years and publication, and the share of its
  // participations located at the level drawn (the rest are counted only at coarser levels).
  async function legendCoverage(box, level) {
    const chosen = String(S().filters.source || "").split(",").filter(Boolean);
    // the datasets inlined in the page (no request before the map is drawn); asked only if absent
    const all = RA.datasets().length ? RA.datasets() : (await api("/api/datasets")).items;
    const shown = all.filter((d) => d.project_count && (!chosen.length || chosen.includes(d.source)));
    box.textContent = _("Sources shown:") + " " + shown.map((d) => d.title + (d.period ? " " + d.period : "") +
      (d.published ? " (" + _("published") + " " + d.published + ")" : "") +
      (d.located_share_by_level[level] !== undefined ? " · " + fmt.num(100 * d.located_share_by_level[level]) + " % " + _("located at this level") : "")).join("; ");
  }
  // A control in a corner of the map, or of its picture while Leaflet is on its way.
  function place(box, position) {
    if (map) {
      const ctl = L.control({ position: position });
      ctl.onAdd = () => { L.DomEvent.disableClickPropagation(box); return box; };
      ctl.addTo(map);
      controls.push(() => ctl.remove());
      return;
    }
    box.classList.add("leaflet-control");
    const corner = sketch.querySelector(position === "bottomright" ? ".leaflet-right" : ".leaflet-left");
    corner.insertBefore(box, corner.firstChild);  // above the attribution, as Leaflet places it
    controls.push(() => box.remove());
  }
  function drawLegend(classes, level) {
    controls.forEach((remove) => remove());
    controls = [];
    const rows = classes.count ? legendRows(classes) : [el("li", {}, _("No data for this selection"))];
    rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + NO_DATA }), _("No data")));
    const box = el("details", { class: "legend", id: "legend", open: window.matchMedia("(min-width: 761px)").matches },
      el("summary", {}, el("strong", {}, METRICS[S().metric]() + " · NUTS " + level)),
      el("ul", {}, rows),
      el("p", { class: "small", id: "legend-classes" }, classes.note),
      el("p", { class: "small", id: "legend-coverage" }));
    legendCoverage(box.querySelector("#legend-coverage"), level).catch(() => null);
    place(box, "bottomright");
    place(yearSlider(), "bottomleft");
  }

  // A time slider: the projects running in one year (with fixed classes, years compare).
  function setYear(year) {
    const filters = Object.assign({}, S().filters);
    if (year) { filters.from = String(year); filters.to = String(year); } else { delete filters.from; delete filters.to; }
    navigate({ filters: filters, page: 0 });
  }
  function yearSlider() {
    const f = S().filters;
    const year = f.from && f.from === f.to ? parseInt(f.from, 10) : null;
    const out = el("output", { id: "year-out", for: "year" }, year ? String(year) : _("all years"));
    const input = el("input", { type: "range", id: "year", min: "2014", max: "2029", step: "1", value: String(year || 2014),
      oninput: (e) => { out.textContent = e.target.value; }, onchange: (e) => setYear(e.target.value) });
    return el("div", { class: "legend timebar" },
      el("label", { for: "year" }, _("Projects running in"), " ", el("strong", {}, out)), input,
      year ? el("button", { type: "button", class: "link", onclick: () => setYear(null) }, _("All years")) : null);
  }

  // Place names to orient by: more and smaller places as one zooms in, at most 30 in view.
  function placeFloor(z) { return z < 5 ? 1500000 : z < 6 ? 500000 : z < 7 ? 150000 : z < 8 ? 60000 : 20000; }
  async function drawPlaces() {
    const places = (await api("/api/places?min_population=" + placeFloor(map.getZoom()))).items;
    const view = map.getBounds().pad(-0.03);
    placeLayer.clearLayers();
    // largest first; a place whose label would overlap one already placed is left out
    const taken = [];
    const free = (p) => {
      const pt = map.latLngToContainerPoint([p.lat, p.lon]);
      const box = { x0: pt.x - 4 * p.name.length - 8, x1: pt.x + 4 * p.name.length + 8, y0: pt.y - 10, y1: pt.y + 10 };
      if (taken.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1)) return false;
      taken.push(box);
      return true;
    };
    places.filter((p) => view.contains([p.lat, p.lon])).filter(free).slice(0, 30).forEach((p) => {
      const icon = L.divIcon({ className: "place", html: el("span", {}, p.name), iconSize: null });
      L.marker([p.lat, p.lon], { icon: icon, interactive: false, keyboard: false }).addTo(placeLayer);
    });
  }

  // The country chosen in the filter fills the map (its main landmass: overseas parts and
  // far islands would zoom out to half the globe).
  async function zoomToCountry(code) {
    const base = await api("/api/geometries?level=0&zoom=4");
    const feat = base.features.find((f) => f.id === code);
    if (!feat) return;
    const polys = feat.geometry.type === "MultiPolygon" ? feat.geometry.coordinates : [feat.geometry.coordinates];
    const boxes = polys.map((poly) => L.geoJSON({ type: "Polygon", coordinates: poly }).getBounds());
    const area = (b) => (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    const main = boxes.reduce((a, b) => (area(b) > area(a) ? b : a));
    const near = main.pad(0.5);
    const box = L.latLngBounds(main.getSouthWest(), main.getNorthEast());
    boxes.forEach((b) => { if (near.contains(b.getCenter())) box.extend(b); });
    map.fitBounds(box, { padding: [16, 16], animate: false });
  }

  function regionLink(i) {
    return RA.link({ view: "region", region: i.code, page: 0 }, (i.name || i.code) + " (" + i.code + ")");
  }
  function drawList() {
    const host = document.getElementById("region-list");
    if (!host) return;
    const metric = S().metric;
    const items = aggregate.items.slice().sort((a, b) => (metricValue(b, metric) || 0) - (metricValue(a, metric) || 0));
    const caption = el("caption", {}, _("Regions ranked by") + ": " + METRICS[metric]() + " (" + fmt.num(items.length) + ")");
    if (!S().table) {
      fill(host, el("table", { class: "data" }, caption,
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, METRICS[metric]()))),
        el("tbody", {}, items.slice(0, 25).map((i) => el("tr", {},
          el("td", {}, regionLink(i)), el("td", { class: "num" }, formatMetric(metricValue(i, metric), metric)))))));
      return;
    }
    const cols = ["projects", "participations", "eu_contribution_eur", "eu_contribution_per_inhabitant"];
    const row = (i, n) => el("tr", {},
      el("td", { class: "num" }, String(n + 1)), el("td", {}, regionLink(i)), el("td", {}, RA.countryName(i.code.slice(0, 2))),
      cols.map((c) => el("td", { class: "num" }, formatMetric(metricValue(i, c), c))),
      el("td", { class: "num" }, fmt.num(i.population)));
    const body = el("tbody", {}, items.slice(0, FIRST_ROWS).map(row));
    fill(host, el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": _("Table, scrolls sideways") }, el("table", { class: "data wide", id: "region-table" }, caption,
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, _("Region")), el("th", { scope: "col" }, _("Country")),
        cols.map((c) => el("th", { scope: "col", class: "num" + (c === metric ? " sorted" : "") }, METRICS[c]())), el("th", { scope: "col", class: "num" }, _("Population")))),
      body)));
    // the rows below the first screen once it is painted: building a row per region was most of
    // the table page's drawing on a slow laptop (299 regions at NUTS 2, 1,345 at NUTS 3)
    if (items.length > FIRST_ROWS) {
      RA.afterPaint().then(() => { if (body.isConnected) body.append(...items.slice(FIRST_ROWS).map((i, n) => row(i, FIRST_ROWS + n))); });
    }
  }

  async function drawPanel() {
    const host = document.getElementById("panel");
    if (!host) return;
    if (!S().sel) { fill(host); host.hidden = true; return; }
    host.hidden = false;
    fill(host, el("p", {}, _("Loading…")));
    try {
      const s = await api("/api/regions/" + encodeURIComponent(S().sel) + "/summary?" + filterParams());
      fill(host,
        el("button", { type: "button", class: "close", "aria-label": _("Close"), onclick: () => navigate({ sel: null }) }, "×"),
        el("h2", { id: "panel-title" }, s.region.name_latin),
        s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
        el("p", { class: "muted" }, s.region.code + " · NUTS " + s.region.level + " · " + RA.countryName(s.region.country)),
        RA.keyFigures(s),
        el("p", { class: "actions" }, RA.link({ view: "region", region: s.region.code, page: 0 }, _("Open region page"), { class: "button" })));
      host.setAttribute("aria-labelledby", "panel-title");
    } catch (e) {
      fill(host, el("p", { class: "error", role: "alert" }, e.message));
    }
  }

  function updateMap(prev) {
    const country = S().filters.country;
    if (prev && country && country !== (prev.filters || {}).country && !S().table) {
      (map ? Promise.resolve() : interactive()).then(() => zoomToCountry(country)).catch(() => null);
    }
    drawFigures().catch((e) => RA.announce(e.message));
    drawPanel();
    for (const a of document.querySelectorAll("a[data-export]")) {
      a.href = a.dataset.export === "geojson" ? "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }) : "/api/export/projects.csv?" + filterParams();
    }
    const clear = document.getElementById("clear-filters");
    if (clear) clear.hidden = !Object.keys(S().filters).length;
  }

  function renderMap(main) {
    const table = S().table;
    main.classList.toggle("as-table", table);
    const filterBox = el("details", { class: "filter-box", open: table || window.matchMedia("(min-width: 761px)").matches },
      el("summary", {}, _("Filters")));
    const side = el("aside", { class: "side", "aria-label": _("Filters and regions") },
      filterBox,
      el("div", { class: "actions" },
        el("button", { type: "button", id: "toggle-table", "aria-pressed": table ? "true" : "false", onclick: () => navigate({ table: !table }) }, table ? _("Show the map") : _("Show as table")),
        el("a", { class: "button", "data-export": "geojson", href: "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }), download: "regioatlas-regions.geojson" }, _("Download GeoJSON")),
        el("a", { class: "button", "data-export": "csv", href: "/api/export/projects.csv?" + filterParams(), download: "regioatlas-projects.csv" }, _("Download CSV"))),
      el("div", { id: "region-list" }));
    const mapWrap = el("div", { class: "mapwrap" + (table ? " hidden-map" : "") });
    const panel = el("section", { id: "panel", class: "panel", hidden: true, "aria-live": "polite" });
    // map first in the document: on a phone it comes first, the filters and list below it
    fill(main, el("h1", { class: "sr" }, _("EU-funded projects by region")), mapWrap, panel, CONFIG.embed ? null : side);
    wrap = mapWrap;
    if (!table && window.L) ensureMap(mapWrap);  // else its picture first: drawChoropleth
    const figures = drawFigures().catch((e) => RA.announce(e.message));
    drawPanel();
    // The form once the choropleth is painted: its fields (the countries sorted by a collator,
    // a few hundred nodes to lay out) are not what the reader waits for, and on a slow CPU
    // they cost 100-200 ms before the map could be drawn.
    figures.then(RA.afterPaint).then(() => { if (filterBox.isConnected) filterBox.append(RA.filterForm()); });
  }

  RA.registerView("map", {
    path: "/", title: () => _("Map"), render: renderMap, menu: false, signalsReady: true,
    update: (prev) => { if (prev.table !== S().table) return false; updateMap(prev); return true; },
    prefetch: () => {
      choroplethRequests().forEach((r) => r && r.catch(() => null));
      if (S().sel) api("/api/regions/" + encodeURIComponent(S().sel) + "/summary?" + filterParams()).catch(() => null);
    },
    read: (st, p) => { st.classes = ["equal", "fixed"].includes(p.get("classes")) ? p.get("classes") : "quantile"; },
    query: (st, p) => {
      p.set("z", String(RA.round(st.z, 2))); p.set("lat", String(RA.round(st.lat, 3))); p.set("lon", String(RA.round(st.lon, 3)));
      if (st.sel) p.set("sel", st.sel);
      if (st.table) p.set("table", "1");
      if (st.classes && st.classes !== "quantile") p.set("classes", st.classes);
    },
  });
})();
