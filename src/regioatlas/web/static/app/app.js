/* RegioAtlas web app: map, filters, region and project pages, search, languages.
 *
 * No framework and no build step: DOM built with textContent only (data is never parsed as
 * HTML), state kept in the URL (path + query) so a copied URL restores the same view.
 * Every UI string goes through _() so that tools/i18n.sh can extract it.
 */
(function () {
  "use strict";

  const CONFIG = JSON.parse(document.getElementById("ra-config").textContent);
  // Every view registers here through registerView(): the map, region and project views below
  // and the feature pages (compass, air quality, scorecard, ...) from their own scripts.
  const VIEWS = {};
  // ... and add sections to the region and project pages: hook(host element, page data)
  const HOOKS = { region: [], project: [] };
  let CATALOG = CONFIG.catalog || {};
  const _ = (s) => CATALOG[s] || s;

  // ---- state <-> URL ------------------------------------------------------------------------
  // The filter panel's fields are declared once on the server (api/parameters.py) and sent in
  // the config; their labels are gettext msgids, listed here so that tools/i18n.sh extracts them.
  const FILTER_FIELDS = CONFIG.filters || [];
  const FILTERS = FILTER_FIELDS.map((f) => f.name);
  const FILTER_LABELS = [_("Source"), _("Programme"), _("Fund"), _("Country"), _("Organisation type"), _("From year"), _("To year"), _("Topic")];
  const METRICS = {
    projects: () => _("Projects"),
    participations: () => _("Participations"),
    eu_contribution_eur: () => _("EU contribution"),
    eu_contribution_per_inhabitant: () => _("EU contribution per inhabitant"),
  };
  // Colour-blind-safe sequential palette (viridis, 5 classes), light = low.
  const PALETTE = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  const NO_DATA = "#d9d9d9";

  function readState() {
    const url = new URL(window.location.href);
    const p = url.searchParams;
    const path = url.pathname.replace(/^\/embed/, "");
    const st = {
      view: "map", region: null, project: null,
      level: p.get("level") || "auto",
      metric: METRICS[p.get("metric")] ? p.get("metric") : "projects",
      z: parseFloat(p.get("z")) || 4, lat: parseFloat(p.get("lat")) || 54.5, lon: parseFloat(p.get("lon")) || 15,
      sel: p.get("sel"), lang: CONFIG.lang, table: p.get("table") === "1",
      sort: p.get("sort") || "-eu_contribution_eur", page: parseInt(p.get("page") || "0", 10) || 0,
      filters: {},
    };
    FILTERS.forEach((f) => { if (p.get(f)) st.filters[f] = p.get(f); });
    for (const view of Object.values(VIEWS)) {
      const m = path.match(view.pattern);
      if (!m) continue;
      st.view = view.name;
      view.keys.forEach((key, i) => {
        if (m[i + 1] === undefined) return;
        st[key] = key === "project" ? decodeURIComponent(m[i + 1]) : m[i + 1].toUpperCase();
      });
      break;
    }
    return st;
  }

  function stateUrl(st) {
    const prefix = CONFIG.embed ? "/embed" : "";
    const view = VIEWS[st.view] || VIEWS.map;
    const path = view.path.replace(/\/:(\w+)[*?]?/g, (_m, key) => (st[key] ? "/" + encodeURIComponent(st[key]) : ""));
    const p = new URLSearchParams();
    p.set("lang", st.lang);
    if (st.level !== "auto") p.set("level", st.level);
    if (st.metric !== "projects") p.set("metric", st.metric);
    FILTERS.forEach((f) => { if (st.filters[f]) p.set(f, st.filters[f]); });
    if (view.query) view.query(st, p);
    return prefix + (path || "/") + "?" + p.toString();
  }

  // A view: { path: "/compass/:region?" (":key" a path part, "?" optional, "*" the rest),
  //   title(), render(main, state), query(state, params) adding its own URL parameters,
  //   menu (a link in the header), needsRegion/defaultRegion (the link opens a region),
  //   pageTitle(state), signalsReady (it sets window.__ra itself when drawn) }
  function registerView(name, view) {
    const keys = [];
    const source = view.path.replace(/\/:(\w+)([*?]?)/g, (_m, key, mod) => {
      keys.push(key);
      return mod === "*" ? "/(.+)" : mod === "?" ? "(?:/([A-Za-z0-9]+))?" : "/([A-Za-z0-9]+)";
    });
    VIEWS[name] = Object.assign({ menu: true }, view, { name: name, keys: keys, pattern: new RegExp("^" + source.replace(/\/$/, "") + "/?$") });
  }

  let state = readState();
  let mapRendered = false;
  // A change that stays on the map view (filter, metric, level, selection, pan) updates the map,
  // legend, list and panel in place, so the form keeps focus; anything else redraws the view.
  function navigate(changes, replace) {
    const prev = state;
    state = Object.assign({}, state, changes);
    const url = stateUrl(state);
    if (url !== window.location.pathname + window.location.search) {
      if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    }
    const soft = mapRendered && prev.view === "map" && state.view === "map" && prev.lang === state.lang && prev.table === state.table;
    if (soft) updateMap(); else render();
  }
  window.addEventListener("popstate", () => {
    state = readState();
    if (map && state.view === "map") map.setView([state.lat, state.lon], state.z, { animate: false });
    render();
  });

  // ---- helpers ----------------------------------------------------------------------------------
  // replaceChildren() would print a null child as the text "null": drop empty children first
  function fill(node, ...children) { node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)); }
  function round(x, n) { const f = Math.pow(10, n); return Math.round(x * f) / f; }
  // The one door for links built from data: only http(s) URLs become links ("javascript:",
  // "data:" ... would run or show content under our origin); anything else gives null.
  function safeUrl(value) {
    if (typeof value !== "string" || !value.trim()) return null;
    try {
      const url = new URL(value.trim(), window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "style") node.style.cssText = v; // CSSOM: allowed by the CSP, a style attribute is not
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  const fmt = {
    num: (v, d) => (v === null || v === undefined) ? "–" : new Intl.NumberFormat(state.lang, { maximumFractionDigits: d === undefined ? 0 : d }).format(v),
    eur: (v, d) => (v === null || v === undefined) ? "–" : new Intl.NumberFormat(state.lang, { style: "currency", currency: "EUR", maximumFractionDigits: d === undefined ? 0 : d }).format(v),
    money: (v, cur) => (v === null || v === undefined) ? "–" : new Intl.NumberFormat(state.lang, { style: "currency", currency: cur || "EUR", maximumFractionDigits: 0 }).format(v),
    date: (iso) => iso ? new Intl.DateTimeFormat(state.lang, { year: "numeric", month: "short", day: "numeric" }).format(new Date(iso + "T00:00:00")) : "–",
  };
  function metricValue(item, metric) { return item ? item[metric] : null; }
  function formatMetric(v, metric) {
    if (metric === "eu_contribution_eur") return fmt.eur(v);
    if (metric === "eu_contribution_per_inhabitant") return fmt.eur(v, 2);
    return fmt.num(v);
  }
  function filterParams(extra) {
    const p = new URLSearchParams();
    FILTERS.forEach((f) => { if (state.filters[f]) p.set(f, state.filters[f]); });
    for (const [k, v] of Object.entries(extra || {})) if (v !== null && v !== undefined) p.set(k, v);
    return p.toString();
  }
  const cache = new Map();
  async function api(path, opts) {
    const useCache = !(opts && opts.nocache);
    if (useCache && cache.has(path)) return cache.get(path);
    const promise = fetch(path, { headers: { Accept: "application/json" } }).then(async (r) => {
      const body = await r.json().catch(() => ({}));
      if (!r.ok) { const e = new Error(body.detail || r.statusText); e.status = r.status; throw e; }
      return body;
    });
    if (useCache) { cache.set(path, promise); promise.catch(() => cache.delete(path)); }
    return promise;
  }
  function announce(text) { const live = document.getElementById("live"); if (live) live.textContent = text; }

  // ---- layout -----------------------------------------------------------------------------------
  const root = document.getElementById("app");
  let facets = null;
  let datasets = null;

  function header() {
    const langSel = el("select", { id: "lang", "aria-label": _("Language"), onchange: (e) => switchLanguage(e.target.value) },
      Object.entries(CONFIG.languages).map(([code, name]) => el("option", { value: code, selected: code === state.lang }, name)));
    return el("header", { class: "top" },
      el("a", { class: "brand", href: stateUrl(Object.assign({}, state, { view: "map" })), onclick: (e) => { e.preventDefault(); navigate({ view: "map" }); } }, "RegioAtlas"),
      searchBox(),
      el("nav", { class: "views", "aria-label": _("Sections") },
        link({ view: "map" }, _("Map")),
        Object.entries(VIEWS).filter(([, v]) => v.menu).map(([name, v]) => [" ", link({ view: name, region: v.needsRegion ? (state.region || state.sel || v.defaultRegion) : null }, v.title())])),
      el("label", { class: "lang" }, el("span", { class: "sr" }, _("Language")), langSel));
  }

  function searchBox() {
    const list = el("ul", { id: "search-list", role: "listbox", class: "suggest", hidden: true });
    const input = el("input", {
      id: "search", type: "search", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": "search-list", placeholder: _("Search a region, project or organisation"), "aria-label": _("Search"),
      autocomplete: "off",
    });
    let timer = null, items = [], active = -1;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(item) { close(); input.value = ""; item.go(); }
    function paint() {
      fill(list, ...items.map((it, i) => el("li", {
        role: "option", id: "opt-" + i, class: i === active ? "active" : null, "aria-selected": i === active ? "true" : "false",
        onmousedown: (e) => { e.preventDefault(); choose(it); },
      }, el("span", { class: "kind", text: it.kind }), " ", it.label)));
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", "opt-" + active); else input.removeAttribute("aria-activedescendant");
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { items = []; paint(); return; }
      timer = setTimeout(async () => {
        try {
          const r = await api("/api/search?limit=6&q=" + encodeURIComponent(q));
          items = [
            ...r.regions.map((x) => ({ kind: _("Region"), label: x.name_latin + " (" + x.code + ")", go: () => navigate({ view: "region", region: x.code, page: 0 }) })),
            ...r.projects.map((x) => ({ kind: _("Project"), label: (x.acronym ? x.acronym + " – " : "") + (x.title || x.id), go: () => navigate({ view: "project", project: x.id }) })),
            ...r.organisations.map((x) => ({ kind: _("Organisation"), label: x.name + (x.country ? " (" + x.country + ")" : ""), go: () => x.nuts3 ? navigate({ view: "region", region: x.nuts3, page: 0 }) : navigate({ view: "map", filters: Object.assign({}, state.filters, { q: x.name }) }) })),
          ];
          active = -1; paint();
        } catch (e) { items = []; paint(); }
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; paint(); e.preventDefault(); }
      else if (e.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; paint(); e.preventDefault(); }
      else if (e.key === "Enter" && items.length) { choose(items[Math.max(active, 0)]); e.preventDefault(); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
    return el("div", { class: "search" }, input, list);
  }

  function footer() {
    const attributions = new Set(CONFIG.attributions);
    (datasets || []).forEach((d) => d.attribution && attributions.add(d.attribution));
    return el("footer", { class: "bottom" },
      el("p", {}, _("Data:"), " ", Array.from(attributions).join(" · ")),
      el("p", {}, el("a", { href: "/docs" }, _("API documentation")), " · ",
        link({ view: "data" }, _("Datasets and licences")), " · RegioAtlas " + CONFIG.version));
  }

  async function switchLanguage(lang) {
    if (lang !== "en") CATALOG = await api("/i18n/" + lang + ".json"); else CATALOG = {};
    document.documentElement.lang = lang;
    navigate({ lang: lang }, false);
  }

  // ---- filters ---------------------------------------------------------------------------------
  function filterForm() {
    const f = state.filters;
    const set = (name) => (e) => {
      const filters = Object.assign({}, state.filters);
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
      const values = d.choices && d.choices.length ? d.choices : (facets && facets[FACETS[d.name]]) || [];
      return select(d.name, _(d.label), values, LABELLERS[d.name]);
    };
    const level = el("select", { id: "level", name: "level", onchange: (e) => navigate({ level: e.target.value }) },
      el("option", { value: "auto", selected: state.level === "auto" }, _("Follow the zoom")),
      [0, 1, 2, 3].map((l) => el("option", { value: String(l), selected: state.level === String(l) }, "NUTS " + l)));
    const metric = el("select", { id: "metric", name: "metric", onchange: (e) => navigate({ metric: e.target.value }) },
      Object.entries(METRICS).map(([k, label]) => el("option", { value: k, selected: state.metric === k }, label())));
    return el("form", { class: "filters", role: "search", "aria-label": _("Filters"), onsubmit: (e) => e.preventDefault() },
      el("label", {}, el("span", {}, _("Show")), metric),
      el("label", {}, el("span", {}, _("NUTS level")), level),
      FILTER_FIELDS.map(field),
      el("button", { type: "button", id: "clear-filters", class: "link", hidden: !Object.keys(f).length,
        onclick: () => { navigate({ filters: {}, page: 0 }); render(); } }, _("Clear filters")));
  }

  // ---- map view --------------------------------------------------------------------------------
  let map = null, baseLayer = null, regionLayer = null, legend = null, mapHost = null;
  let drawnKey = null, aggregate = { items: [] }, firstDrawn = false;

  function levelForZoom(z) { return z < 4.5 ? 0 : z < 5.5 ? 1 : z < 6.5 ? 2 : 3; }
  function currentLevel() { return state.level === "auto" ? levelForZoom(state.z) : parseInt(state.level, 10); }
  function zoomBand(z) { return z < 5 ? 4 : z < 7 ? 6 : 8; }

  function ensureMap(host) {
    if (!map) {
      // attached before Leaflet sees it, so Leaflet keeps the stylesheet's absolute position
      mapHost = el("div", { id: "map", role: "region", "aria-label": _("Map of regions") });
      host.appendChild(mapHost);
      map = L.map(mapHost, { preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 10, worldCopyJump: false, attributionControl: true });
      map.attributionControl.setPrefix(false);
      map.setView([state.lat, state.lon], state.z);
      map.on("moveend", () => {
        const c = map.getCenter();
        if (state.view !== "map") return;
        const z = map.getZoom();
        if (z === state.z && Math.abs(c.lat - state.lat) < 1e-3 && Math.abs(c.lng - state.lon) < 1e-3) return;
        navigate({ z: z, lat: c.lat, lon: c.lng }, true);
      });
    }
    host.appendChild(mapHost);
    map.invalidateSize();
    const c = map.getCenter();
    if (Math.abs(c.lat - state.lat) > 1e-3 || Math.abs(c.lng - state.lon) > 1e-3 || map.getZoom() !== state.z) {
      map.setView([state.lat, state.lon], state.z, { animate: false });
    }
    map.attributionControl._attributions = {};
    new Set(CONFIG.attributions.concat((datasets || []).map((d) => d.attribution))).forEach((a) => a && map.attributionControl.addAttribution(a.replace(/</g, "&lt;")));
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
    const band = zoomBand(state.z);
    const t0 = performance.now();
    const [geo, agg, base] = await Promise.all([
      api("/api/geometries?level=" + level + "&zoom=" + band),
      api("/api/aggregates?" + filterParams({ level: level })),
      api("/api/geometries?level=0&zoom=" + band),
    ]);
    aggregate = agg;
    const byCode = new Map(agg.items.map((i) => [i.code, i]));
    const br = breaks(agg.items.map((i) => metricValue(i, state.metric)));
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
              METRICS[state.metric]() + ": " + formatMetric(metricValue(item, state.metric), state.metric));
          }, { sticky: true });
        },
      }).addTo(map);
      drawnKey = key;
    }
    regionLayer.eachLayer((layer) => {
      const item = byCode.get(layer.feature.id);
      const selected = state.sel === layer.feature.id;
      layer.setStyle({ fillColor: colour(metricValue(item, state.metric), br), color: selected ? "#000000" : "#ffffff", weight: selected ? 2.5 : 0.6 });
      if (selected) layer.bringToFront();
    });
    drawLegend(br, level);
    drawList();
    if (!firstDrawn) { firstDrawn = true; performance.mark("choropleth-drawn"); }
    // read by the browser tests and the benchmark: what is drawn, how fast, and the map itself
    window.__ra = { ready: true, level: level, drawMs: performance.now() - t0, regions: agg.items.length, map: map };
    root.setAttribute("aria-busy", "false");
    announce(METRICS[state.metric]() + " · NUTS " + level + " · " + agg.items.length + " " + _("regions"));
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
        const text = lo === null ? "≤ " + formatMetric(hi, state.metric) : hi === undefined ? "> " + formatMetric(lo, state.metric) : formatMetric(lo, state.metric) + " – " + formatMetric(hi, state.metric);
        rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + PALETTE[Math.min(i, PALETTE.length - 1)] }), text));
      }
      rows.push(el("li", {}, el("span", { class: "swatch", style: "background:" + NO_DATA }), _("No data")));
      return el("div", { class: "legend", id: "legend", role: "group", "aria-label": _("Legend") },
        el("strong", {}, METRICS[state.metric]() + " · NUTS " + level), el("ul", {}, rows));
    };
    legend.addTo(map);
  }

  function drawList() {
    const host = document.getElementById("region-list");
    if (!host) return;
    const items = aggregate.items.slice().sort((a, b) => (metricValue(b, state.metric) || 0) - (metricValue(a, state.metric) || 0));
    const shown = state.table ? items : items.slice(0, 25);
    fill(host, el("table", { class: "data" },
      el("caption", {}, _("Regions ranked by") + " " + METRICS[state.metric]().toLowerCase() + " (" + items.length + ")"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, METRICS[state.metric]()))),
      el("tbody", {}, shown.map((i) => el("tr", {},
        el("td", {}, el("a", { href: stateUrl(Object.assign({}, state, { view: "region", region: i.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: i.code, page: 0 }); } }, (i.name || i.code) + " (" + i.code + ")")),
        el("td", { class: "num" }, formatMetric(metricValue(i, state.metric), state.metric)))))));
  }

  async function selectRegion(code) {
    navigate({ sel: code });
  }

  async function drawPanel() {
    const host = document.getElementById("panel");
    if (!host) return;
    if (!state.sel) { fill(host, ); host.hidden = true; return; }
    host.hidden = false;
    fill(host, el("p", {}, _("Loading…")));
    try {
      const s = await api("/api/regions/" + encodeURIComponent(state.sel) + "/summary?" + filterParams());
      fill(host, 
        el("button", { type: "button", class: "close", "aria-label": _("Close"), onclick: () => navigate({ sel: null }) }, "×"),
        el("h2", { id: "panel-title" }, s.region.name_latin),
        s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
        el("p", { class: "muted" }, s.region.code + " · NUTS " + s.region.level + " · " + _("version") + " " + s.region.version),
        keyFigures(s),
        el("p", {}, el("a", { class: "button", href: stateUrl(Object.assign({}, state, { view: "region", region: s.region.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: s.region.code, page: 0 }); } }, _("Open region page"))));
      host.setAttribute("aria-labelledby", "panel-title");
    } catch (e) {
      fill(host, el("p", { class: "error" }, e.message));
    }
  }

  function keyFigures(s) {
    const pop = s.population;
    return el("dl", { class: "figures" },
      el("dt", {}, _("Projects")), el("dd", { "data-field": "projects" }, fmt.num(s.projects)),
      el("dt", {}, _("Participations")), el("dd", { "data-field": "participations" }, fmt.num(s.participations)),
      el("dt", {}, _("EU contribution")), el("dd", { "data-field": "eu_contribution_eur" }, fmt.eur(s.eu_contribution_eur)),
      el("dt", {}, _("Population")), el("dd", { "data-field": "population" }, pop ? fmt.num(pop.value) + " (" + pop.year + ", " + _("Source: Eurostat") + ")" : "–"),
      el("dt", {}, _("EU contribution per inhabitant")), el("dd", { "data-field": "per_inhabitant" }, fmt.eur(s.eu_contribution_per_inhabitant, 2)));
  }

  function updateMap() {
    drawChoropleth().catch((e) => announce(e.message));
    drawPanel();
    for (const a of document.querySelectorAll("a[data-export]")) {
      a.href = a.dataset.export === "geojson" ? "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }) : "/api/export/projects.csv?" + filterParams();
    }
    const clear = document.getElementById("clear-filters");
    if (clear) clear.hidden = !Object.keys(state.filters).length;
  }

  function renderMap(main) {
    const side = el("aside", { class: "side" },
      filterForm(),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "toggle-table", "aria-pressed": state.table ? "true" : "false", onclick: () => navigate({ table: !state.table }) }, state.table ? _("Show the map") : _("Show as table")),
        el("a", { class: "button", "data-export": "geojson", href: "/api/export/regions.geojson?" + filterParams({ level: currentLevel(), zoom: 6 }), download: "regioatlas-regions.geojson" }, _("Download GeoJSON")),
        el("a", { class: "button", "data-export": "csv", href: "/api/export/projects.csv?" + filterParams(), download: "regioatlas-projects.csv" }, _("Download CSV"))),
      el("div", { id: "region-list" }));
    const mapWrap = el("div", { class: "mapwrap" + (state.table ? " hidden-map" : "") });
    const panel = el("section", { id: "panel", class: "panel", hidden: true, "aria-live": "polite" });
    main.append(el("h1", { class: "sr" }, _("EU-funded projects by region")), CONFIG.embed ? null : side, mapWrap, panel);
    ensureMap(mapWrap);
    drawChoropleth().catch((e) => announce(e.message));
    drawPanel();
  }

  // ---- region page --------------------------------------------------------------------------------
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

  async function renderRegion(main) {
    main.append(el("p", {}, _("Loading…")));
    let s, projects;
    const sortKey = state.sort;
    try {
      [s, projects] = await Promise.all([
        api("/api/regions/" + encodeURIComponent(state.region) + "/summary?" + filterParams()),
        api("/api/projects?" + filterParams({ region: state.region, limit: 20, offset: state.page * 20, sort: sortKey })),
      ]);
    } catch (e) {
      fill(main, el("h1", {}, state.region), el("p", { class: "error", role: "alert" }, e.message));
      return;
    }
    const typeNames = { HES: _("Higher education"), PRC: _("Private company"), REC: _("Research organisation"), PUB: _("Public body"), OTH: _("Other"), unknown: _("Unknown") };
    const header = (key, label) => {
      const active = sortKey.replace("-", "") === key;
      const desc = sortKey.startsWith("-");
      const next = active && desc ? key : "-" + key;
      return el("th", { scope: "col", "aria-sort": active ? (desc ? "descending" : "ascending") : "none" },
        el("button", { type: "button", class: "sort", onclick: () => navigate({ sort: next, page: 0 }) }, label, active ? (desc ? " ▼" : " ▲") : ""));
    };
    const pages = Math.max(1, Math.ceil(projects.total / 20));
    const csv = "/api/export/projects.csv?" + filterParams({ region: state.region });
    const geojson = "/api/export/regions.geojson?" + filterParams({ level: s.region.level, region: s.region.code });
    fill(main, 
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, el("a", { href: stateUrl(Object.assign({}, state, { view: "map" })), onclick: (e) => { e.preventDefault(); navigate({ view: "map", sel: s.region.code }); } }, _("Map")), " › " + s.region.code),
      el("h1", {}, s.region.name_latin),
      s.region.name_national && s.region.name_national !== s.region.name_latin ? el("p", { class: "muted", lang: "" }, s.region.name_national) : null,
      el("p", { class: "muted" }, s.region.code + " · NUTS " + s.region.level + " · " + _("version") + " " + s.region.version),
      el("section", { class: "cards" }, keyFigures(s)),
      el("div", { class: "two" },
        barChart(s.by_year.map((r) => ({ year: r.key, eu_contribution_eur: r.eu_contribution_eur })), "eu_contribution_eur", "year", _("EU funding by start year")),
        barChart(s.by_org_type.map((r) => ({ type: typeNames[r.key] || r.key, participations: r.participations })), "participations", "type", _("Participants by organisation type"))),
      el("h2", {}, _("Projects") + " (" + fmt.num(projects.total) + ")"),
      el("p", {}, el("a", { class: "button", href: csv, download: "regioatlas-" + s.region.code + "-projects.csv" }, _("Download CSV")), " ",
        el("a", { class: "button", href: geojson, download: "regioatlas-" + s.region.code + ".geojson" }, _("Download GeoJSON"))),
      el("table", { class: "data", id: "projects" },
        el("thead", {}, el("tr", {}, header("title", _("Title")), header("start_date", _("Start")), header("end_date", _("End")), header("eu_contribution_eur", _("EU contribution")))),
        el("tbody", {}, projects.items.map((p) => el("tr", {},
          el("td", {}, el("a", { href: stateUrl(Object.assign({}, state, { view: "project", project: p.id })), onclick: (e) => { e.preventDefault(); navigate({ view: "project", project: p.id }); } }, (p.acronym ? p.acronym + " – " : "") + (p.title || p.id))),
          el("td", {}, fmt.date(p.start_date)), el("td", {}, fmt.date(p.end_date)), el("td", { class: "num" }, fmt.eur(p.eu_contribution_eur)))))),
      el("nav", { class: "pager", "aria-label": _("Pages") },
        el("button", { type: "button", disabled: state.page <= 0, onclick: () => navigate({ page: state.page - 1 }) }, _("Previous")),
        " " + (state.page + 1) + " / " + pages + " ",
        el("button", { type: "button", disabled: state.page + 1 >= pages, onclick: () => navigate({ page: state.page + 1 }) }, _("Next"))),
      el("h2", {}, _("Neighbouring regions")),
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Region")), el("th", { scope: "col", class: "num" }, _("Projects")), el("th", { scope: "col", class: "num" }, _("EU contribution")))),
        el("tbody", {}, s.neighbours.map((n) => el("tr", {},
          el("td", {}, el("a", { href: stateUrl(Object.assign({}, state, { view: "region", region: n.code })), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: n.code, page: 0 }); } }, n.name_latin + " (" + n.code + ")")),
          el("td", { class: "num" }, fmt.num(n.projects)), el("td", { class: "num" }, fmt.eur(n.eu_contribution_eur)))))),
      s.figures.length ? el("section", {}, el("h2", {}, _("Other published figures")), el("ul", {}, s.figures.map((f) => el("li", {}, f.indicator + ": " + fmt.num(f.value) + " " + f.unit + " (" + f.nuts_code + ", NUTS " + f.nuts_version + ")")))) : null,
      el("section", { id: "region-extra" }),
      el("p", { class: "muted" }, _("Sources:") + " " + s.sources.map((x) => x.attribution + " (" + x.licence + ")").join(" · ")));
    await Promise.all(HOOKS.region.map((hook) => hook(document.getElementById("region-extra"), s).catch(() => null)));
    root.setAttribute("aria-busy", "false");
    window.__ra = { ready: true, view: "region" };
  }

  // ---- project page ---------------------------------------------------------------------------------
  async function renderProject(main) {
    main.append(el("p", {}, _("Loading…")));
    let p;
    try { p = await api("/api/projects/" + encodeURIComponent(state.project)); }
    catch (e) { fill(main, el("h1", {}, _("Project")), el("p", { class: "error", role: "alert" }, e.message)); return; }
    const ds = (datasets || []).find((d) => d.id === p.dataset_id) || {};
    const money = (eur, orig) => p.currency && p.currency !== "EUR" && orig !== null ? fmt.eur(eur) + " (" + fmt.money(orig, p.currency) + ", " + _("rate") + " " + fmt.num(p.exchange_rate, 4) + " " + _("of") + " " + (p.rate_date || "") + ")" : fmt.eur(eur);
    const miniMap = el("div", { id: "project-map", class: "minimap", role: "img", "aria-label": _("Map of participants' regions") });
    fill(main, 
      el("nav", { class: "crumbs", "aria-label": _("Breadcrumb") }, el("a", { href: "/", onclick: (e) => { e.preventDefault(); navigate({ view: "map" }); } }, _("Map")), " › " + (p.acronym || p.native_id)),
      el("h1", { id: "project-title" }, p.title || p.acronym || p.id),
      p.acronym ? el("p", { class: "muted" }, p.acronym + " · " + p.id) : el("p", { class: "muted" }, p.id),
      el("dl", { class: "figures" },
        el("dt", {}, _("Programme")), el("dd", {}, [p.programme, p.fund].filter(Boolean).join(" · ") || "–"),
        el("dt", {}, _("Period")), el("dd", {}, fmt.date(p.start_date) + " – " + fmt.date(p.end_date)),
        el("dt", {}, _("Budget")), el("dd", {}, money(p.total_cost_eur, p.total_cost_original)),
        el("dt", {}, _("EU contribution")), el("dd", {}, money(p.eu_contribution_eur, p.eu_contribution_original)),
        p.topics && p.topics.length ? [el("dt", {}, _("Topics")), el("dd", {}, p.topics.join("; "))] : null),
      p.objective ? el("section", {}, el("h2", {}, _("Objective")), el("p", { class: "objective" }, p.objective)) : null,
      el("h2", {}, _("Participants")),
      miniMap,
      el("table", { class: "data" },
        el("thead", {}, el("tr", {}, [_("Name"), _("Role"), _("Organisation type"), _("Region"), _("Located by"), _("Confidence"), _("EU contribution")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, p.participants.map((x) => el("tr", {},
          el("td", {}, x.name || x.org_id || "–"), el("td", {}, x.role || "–"), el("td", {}, x.org_type || "–"),
          el("td", {}, x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0 ? el("a", { href: "/region/" + (x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0), onclick: (e) => { e.preventDefault(); navigate({ view: "region", region: x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0, page: 0 }); } }, x.nuts3 || x.nuts2 || x.nuts1 || x.nuts0) : "–"),
          el("td", { title: x.loc_detail || "" }, methodLabel(x.loc_method)), el("td", { class: "num" }, fmt.num(x.loc_confidence, 2)),
          el("td", { class: "num" }, fmt.eur(x.eu_contribution_eur)))))),
      el("section", { id: "similar" }),
      el("p", { class: "muted" }, _("Source:") + " " + (ds.publisher || p.source) + " · " + _("Licence:") + " " + (ds.licence || "–") + " · " + (ds.attribution || "")),
      safeUrl(p.url) ? el("p", {}, el("a", { href: safeUrl(p.url), rel: "noopener noreferrer" }, _("Original record"))) : null);
    drawProjectMap(miniMap, p);
    HOOKS.project.forEach((hook) => hook(document.getElementById("similar"), p));
    root.setAttribute("aria-busy", "false");
    window.__ra = { ready: true, view: "project" };
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
  // ---- render -----------------------------------------------------------------------------------
  async function render() {
    document.documentElement.lang = state.lang;
    root.setAttribute("aria-busy", "true");
    const main = el("main", { id: "main", class: "view-" + state.view, tabindex: "-1" });
    const skip = document.querySelector(".skip"); if (skip) skip.textContent = _("Skip to content");
    fill(root, ...(CONFIG.embed ? [main] : [header(), main, footer()]),
      el("div", { id: "live", class: "sr", "aria-live": "polite" }));
    mapRendered = false;
    const view = VIEWS[state.view] || VIEWS.map;
    try { await view.render(main, state); }
    catch (e) { fill(main, el("h1", {}, view.title()), el("p", { class: "error", role: "alert" }, e.message)); }
    mapRendered = view.name === "map";
    if (!view.signalsReady) {
      root.setAttribute("aria-busy", "false");
      window.__ra = { ready: true, view: state.view };
    }
    document.title = "RegioAtlas" + (view.pageTitle ? " – " + view.pageTitle(state) : "");
  }

  // ---- data page: every dataset with its provenance, licence and how well it was located ----------
  async function renderData(main) {
    const items = (await api("/api/datasets", { nocache: true })).items;
    const share = (d, key) => d.location_report && d.location_report.by_level && d.location_report.by_level[key] !== undefined
      ? fmt.num(100 * d.location_report.by_level[key], 1) + " %" : "–";
    fill(main,
      el("h1", {}, _("Data and licences")),
      el("p", { class: "muted" }, CONFIG.attributions[0]),
      el("div", { class: "scroll" }, el("table", { class: "data", id: "datasets" },
        el("thead", {}, el("tr", {}, [_("Source"), _("Files"), _("Publisher"), _("Licence"), _("Attribution"), _("Projects"),
          _("Participations"), _("Located to NUTS 3"), _("Ingested")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, items.map((d) => el("tr", {},
          el("td", {}, d.source), el("td", {}, d.files.join(", ")), el("td", {}, d.publisher || "–"),
          el("td", {}, d.licence || "–"), el("td", {}, d.attribution || "–"),
          el("td", { class: "num" }, fmt.num(d.project_count)), el("td", { class: "num" }, fmt.num(d.participant_count)),
          el("td", { class: "num" }, d.participant_count ? share(d, "3") : "–"),
          el("td", {}, fmt.date((d.ingested_at || "").slice(0, 10)))))))));
  }
  // ---- the atlas's views; the feature scripts register theirs the same way --------------------
  registerView("map", {
    path: "/", title: () => _("Map"), render: renderMap, menu: false, signalsReady: true,
    query: (st, p) => {
      p.set("z", String(round(st.z, 2))); p.set("lat", String(round(st.lat, 3))); p.set("lon", String(round(st.lon, 3)));
      if (st.sel) p.set("sel", st.sel);
      if (st.table) p.set("table", "1");
    },
  });
  registerView("region", {
    path: "/region/:region", title: () => _("Region"), render: renderRegion, menu: false, signalsReady: true,
    pageTitle: (st) => st.region,
    query: (st, p) => { if (st.sort !== "-eu_contribution_eur") p.set("sort", st.sort); if (st.page) p.set("page", String(st.page)); },
  });
  registerView("project", {
    path: "/project/:project*", title: () => _("Project"), render: renderProject, menu: false, signalsReady: true,
    pageTitle: (st) => st.project,
  });
  registerView("data", { path: "/data/:region?", title: () => _("Data and licences"), render: renderData });

  // The one preamble of every page script: DOM, SVG and formatting helpers, the API, views,
  // navigation and state (a page script starts with `const { el, fill, ... } = window.RA;`).
  const SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  window.RA = {
    _: (x) => _(x), el: el, safeUrl: safeUrl, fill: fill, svg: svg, fmt: fmt, api: api, registerView: registerView, hooks: HOOKS, config: CONFIG,
    navigate: (changes) => navigate(changes), state: () => state, link: (changes, text) => link(changes, text),
  };
  function link(changes, text) {
    const target = Object.assign({}, state, changes);
    return el("a", { href: stateUrl(target), onclick: (e) => { e.preventDefault(); navigate(changes); } }, text);
  }

  async function start() {
    state = readState();  // now every page script has registered its views
    try {
      [facets, datasets] = await Promise.all([api("/api/facets"), api("/api/datasets").then((d) => d.items)]);
    } catch (e) { facets = {}; datasets = []; }
    await render();
  }
  // the page scripts after this one register their views before the first render
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
