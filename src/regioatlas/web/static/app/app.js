/* RegioAtlas web app, the shared core: config, state <-> URL, the view registry, the router,
 * the shell (header, search, footer) and the helpers every view uses (window.RA).
 *
 * No framework and no build step: DOM built with textContent only (data is never parsed as
 * HTML), state kept in the URL (path + query) so a copied URL restores the same view.
 * Every UI string goes through _() so that tools/i18n.sh can extract it. The atlas's own views
 * (map.js, region.js, project.js, data.js, compare.js) and the feature pages register through
 * RA.registerView like any other page script.
 */
(function () {
  "use strict";

  const CONFIG = JSON.parse(document.getElementById("ra-config").textContent);
  // Every view registers here through registerView(): the atlas's views and the feature pages
  // (compass, air quality, scorecard, ...) from their own scripts.
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
      if (view.read) view.read(st, p);
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
  //   title(), render(main, state), query(state, params) adding its own URL parameters and
  //   read(state, params) reading them back, update(prev) redrawing in place (true when done),
  //   menu (a link in the header), needsRegion/defaultRegion (the link opens a region),
  //   pageTitle(state), signalsReady (it calls RA.drawn(info) itself when drawn),
  //   map (it draws a Leaflet map: it is drawn once Leaflet is read, see leaflet(); a function
  //   of the state when only some of its states do; a view that draws a small map after its
  //   figures asks for Leaflet itself: RA.mapAfterPaint(draw)) }
  const drawsMap = (view, st) => (typeof view.map === "function" ? view.map(st) : !!view.map);
  function registerView(name, view) {
    const keys = [];
    const source = view.path.replace(/\/:(\w+)([*?]?)/g, (_m, key, mod) => {
      keys.push(key);
      return mod === "*" ? "/(.+)" : mod === "?" ? "(?:/([A-Za-z0-9]+))?" : "/([A-Za-z0-9]+)";
    });
    VIEWS[name] = Object.assign({ menu: true }, view, { name: name, keys: keys, pattern: new RegExp("^" + source.replace(/\/$/, "") + "/?$") });
    // The view this URL opens asks for its data now, while the other scripts are still being
    // read: under a slow CPU the server answers in parallel instead of after the first render.
    if (started && !relinkQueued) { relinkQueued = true; queueMicrotask(relink); }
    const path = window.location.pathname.replace(/^\/embed/, "");
    if ((view.prefetch || view.map) && VIEWS[name].pattern.test(path)) {
      const st = readState();
      if (st.view === name) {
        state = st;
        try { if (view.prefetch) view.prefetch(st); } catch (e) { /* render asks again and shows the error */ }
        if (drawsMap(view, st)) leaflet();  // run while the view's data is on its way
      }
    }
  }

  let state = readState();
  let started = false;  // the first render has begun: a view registered later updates the menu
  let rendered = null;  // the view drawn now
  // A view with update(prev) redraws in place what a change touches (the map keeps its form
  // focus on a filter change) and returns true; otherwise the whole view is drawn again.
  function navigate(changes, replace) {
    const prev = state;
    state = Object.assign({}, state, changes);
    const url = stateUrl(state);
    if (url !== window.location.pathname + window.location.search) {
      if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    }
    const view = VIEWS[state.view] || VIEWS.map;
    if (rendered === view && prev.view === state.view && prev.lang === state.lang && view.update && view.update(prev)) return;
    render();
  }
  window.addEventListener("popstate", () => { state = readState(); render(); });
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
  // Building an Intl formatter loads locale data: a page of 25 rows built hundreds of them and
  // spent most of its time there on a slow CPU. One formatter per language and options.
  const formatters = new Map();
  function intl(kind, options) {
    const key = kind + "|" + state.lang + "|" + JSON.stringify(options);
    if (!formatters.has(key)) formatters.set(key, new Intl[kind](state.lang, options));
    return formatters.get(key);
  }
  // Numbers, euro amounts and dates in the page's language are written by the rules CLDR gives
  // for it, which the server sends (CONFIG.formats, i18n.py number_formats): Intl writes the
  // same text, but its first formatter sets up ICU's data for the language, 80-200 ms of a slow
  // CPU's main thread before the first figure. A language switched to in the page, another
  // currency, and what toFixed cannot write (NaN, 1e21 and more) go through Intl.
  const OWN = CONFIG.formats;
  const own = (v) => OWN && state.lang === CONFIG.lang && typeof v === "number" && Math.abs(v) < 1e21;
  // Intl rounds the shortest decimal that JS writes for a number (99999.995, not the binary
  // value just below it, which toFixed rounds), half away from zero
  function rounded(x, max) {
    const text = String(x);
    if (text.includes("e")) return x.toFixed(max);  // below 1e-6: 0 at the few decimals shown
    const [int, frac = ""] = text.split(".");
    if (frac.length <= max) return int + (max ? "." + frac.padEnd(max, "0") : "");
    let digits = int + frac.slice(0, max);
    // one up in the last digit kept: exact as a Number below 2^53 (BigInt is slower, and only
    // needed for longer digit strings)
    if (frac[max] >= "5") digits = (digits.length < 16 ? String(Number(digits) + 1) : (BigInt(digits) + 1n).toString()).padStart(digits.length, "0");
    const cut = digits.length - max;
    return digits.slice(0, cut) + (max ? "." + digits.slice(cut) : "");
  }
  function ownNumber(v, max, min, affixes, minGrouping = OWN.minGrouping) {
    const [int, frac = ""] = rounded(Math.abs(v), max).split(".");
    const shown = frac.slice(0, Math.max(min, frac.replace(/0+$/, "").length));
    const grouped = int.length >= 3 + minGrouping ? int.replace(/\B(?=(\d{3})+$)/g, OWN.group) : int;
    const [prefix, suffix] = affixes[v < 0 || Object.is(v, -0) ? 1 : 0];
    return prefix + grouped + (shown ? OWN.decimal + shown : "") + suffix;
  }
  // a short euro amount ("€1.6M", "1,6 Mio. €"): CLDR's pattern for the amount's power of ten
  // keeps as many digits as it has 0s; "0" alone, or no pattern, is the whole amount
  function ownCompact(v, max) {
    const patterns = OWN.eurCompact;
    let power = Math.abs(v) >= 1 ? Math.floor(Math.abs(v)).toString().length - 1 : 0;
    for (;;) {
      const pattern = patterns[power];
      const shortened = pattern && pattern !== "0";
      const digits = shortened ? pattern.match(/0+/)[0].length : power + 1;
      const scaled = Math.abs(v) / 10 ** (power - digits + 1);
      // 999.96 thousand rounds to 1000 thousand, which is written 1 million
      if (Number(rounded(scaled, max)) >= 10 ** digits && patterns[power + 1]) { power += 1; continue; }
      // short amounts group their digits from five on (1234 €, 12.345 €), as CLDR's compact
      if (!shortened) return ownNumber(v, max, 0, OWN.eur, Math.max(2, OWN.minGrouping));
      return (v < 0 ? OWN.minus : "") + pattern.replace(/0+/, ownNumber(scaled, max, 0, [["", ""], ["", ""]]));
    }
  }
  function ownDate(iso) {
    const m = OWN && OWN.date && state.lang === CONFIG.lang && /^(\d{4})-(\d\d)-(\d\d)$/.exec(iso);
    if (!m) return null;
    const field = { y: String(+m[1]), MMM: OWN.months[m[2] - 1], M: String(+m[2]), d: String(+m[3]) };
    return OWN.date.replace(/%\((\w+)\)s/g, (_m, name) => field[name]);
  }
  const fmt = {
    num: (v, d) => {
      if (v === null || v === undefined) return "–";
      const max = d === undefined ? 0 : d;
      return own(v) ? ownNumber(v, max, 0, OWN.number) : intl("NumberFormat", { maximumFractionDigits: max }).format(v);
    },
    eur: (v, d) => {
      if (v === null || v === undefined) return "–";
      const max = d === undefined ? 0 : d;  // a euro has two decimals: fewer when fewer are asked
      return own(v) ? ownNumber(v, max, Math.min(2, max), OWN.eur) : intl("NumberFormat", { style: "currency", currency: "EUR", maximumFractionDigits: max }).format(v);
    },
    eurShort: (v, max) => {
      if (v === null || v === undefined) return "–";
      return own(v) && OWN.eurCompact ? ownCompact(v, max) : intl("NumberFormat", { style: "currency", currency: "EUR", notation: "compact", maximumFractionDigits: max }).format(v);
    },
    money: (v, cur) => (v === null || v === undefined) ? "–" : (cur || "EUR") === "EUR" ? fmt.eur(v) : intl("NumberFormat", { style: "currency", currency: cur, maximumFractionDigits: 0 }).format(v),
    date: (iso) => iso ? ownDate(iso) || intl("DateTimeFormat", { year: "numeric", month: "short", day: "numeric" }).format(new Date(iso + "T00:00:00")) : "–",
  };
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
  // NUTS writes Greece EL and the United Kingdom UK; Intl knows them as GR and GB
  const ISO = { EL: "GR", UK: "GB" };
  // the server sends the names in the page's language (CLDR); Intl for a language switched to
  function countryName(code) {
    if (state.lang === CONFIG.lang && CONFIG.countries && CONFIG.countries[code]) return CONFIG.countries[code];
    try { return intl("DisplayNames", { type: "region" }).of(ISO[code] || code) || code; }
    catch (e) { return code; }
  }
  const SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  // Links to a view whose script is still being read (the page loads the other features'
  // scripts after its first draw): their href is set again when the view registers.
  let pendingLinks = [];
  function link(changes, text, attrs) {
    const target = Object.assign({}, state, changes);
    const a = el("a", Object.assign({ href: stateUrl(target), onclick: (e) => { e.preventDefault(); navigate(changes); } }, attrs || {}), text);
    if (!VIEWS[target.view]) pendingLinks.push([a, target]);
    return a;
  }
  // A view registered after the first draw: its menu entry and the links waiting for it.
  let relinkQueued = false;
  function relink() {
    relinkQueued = false;
    pendingLinks = pendingLinks.filter(([a, target]) => {
      if (!VIEWS[target.view]) return true;
      a.setAttribute("href", stateUrl(target));
      return false;
    });
    const nav = root.querySelector("nav.views");
    if (nav) nav.replaceWith(menu());
  }
  // ---- layout -----------------------------------------------------------------------------------
  const root = document.getElementById("app");
  // the filters' values and the datasets come inlined in the config: no round trip before the
  // first draw (an older server without them: asked for at start)
  let facets = CONFIG.facets || null;
  let datasets = CONFIG.datasets || null;

  function header() {
    const langSel = el("select", { id: "lang", "aria-label": _("Language"), onchange: (e) => switchLanguage(e.target.value) },
      Object.entries(CONFIG.languages).map(([code, name]) => el("option", { value: code, selected: code === state.lang }, name)));
    return el("header", { class: "top" },
      el("a", { class: "brand", href: stateUrl(Object.assign({}, state, { view: "map" })), onclick: (e) => { e.preventDefault(); navigate({ view: "map" }); } }, "RegioAtlas"),
      searchBox(),
      menu(),
      el("label", { class: "lang" }, el("span", { class: "sr" }, _("Language")), langSel));
  }

  function menu() {
    return el("nav", { class: "views", "aria-label": _("Sections") },
      link({ view: "map" }, _("Map")),
      Object.entries(VIEWS).filter(([, v]) => v.menu).map(([name, v]) => [" ", link({ view: name, region: v.needsRegion ? (state.region || state.sel || v.defaultRegion) : null }, v.title())]));
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
            // a town first: "Lahti" means the municipality and its region, not Haapalahti
            ...(r.towns || []).map((x) => ({ kind: _("Town"), label: x.name + " → " + x.region.name_latin + " (" + x.region.code + ")", go: () => navigate({ view: "region", region: x.region.code, page: 0 }) })),
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
    // "Data: Source: Eurostat" reads twice: the attributions follow "Data:" without their own prefix
    const bare = Array.from(attributions).map((a) => a.replace(/^Source:\s*/, ""));
    return el("footer", { class: "bottom" },
      el("p", {}, _("Data:"), " ", Array.from(new Set(bare)).join(" · ")),
      el("p", {}, el("a", { href: "/docs" }, _("API documentation")), " · ",
        link({ view: "data" }, _("Datasets and licences")), " · RegioAtlas " + CONFIG.version));
  }

  async function switchLanguage(lang) {
    if (lang !== "en") CATALOG = await api("/i18n/" + lang + ".json"); else CATALOG = {};
    document.documentElement.lang = lang;
    navigate({ lang: lang }, false);
  }
  // Leaflet (150 KB of script, 70-170 ms to run on a slow CPU) is run by no page before its
  // first draw: a view that draws a map asks for it (registerView, render, RA.mapAfterPaint()), so
  // a page without a map never runs it (the shell has map pages fetch it early, ui.py).
  // Resolves once it ran, or failed to load (the error is the view's to show; the next view
  // asks again).
  // Its stylesheet comes with it (a page whose first view is a map names it in its head).
  let leafletRead = null;
  function leaflet() {
    if (window.L) return Promise.resolve();
    if (!leafletRead) {
      const css = document.querySelector('link[rel=stylesheet][href="' + CONFIG.leafletCss + '"]')
        ? null : appended(el("link", { rel: "stylesheet", href: CONFIG.leafletCss }));
      const script = appended(el("script", { src: CONFIG.leaflet, id: "ra-leaflet" }));  // async: runs when it arrives
      leafletRead = Promise.all([script, css]).catch(() => { leafletRead = null; });
    }
    return leafletRead;
  }
  // A script or stylesheet added to the head: resolves once it loaded, rejects (and goes) if not.
  function appended(tag) {
    return new Promise((resolve, reject) => {
      tag.addEventListener("load", resolve, { once: true });
      tag.addEventListener("error", () => { tag.remove(); reject(); }, { once: true });
      document.head.appendChild(tag);
    });
  }
  // The other features' scripts (their views, the menu entries and links to them) are read
  // once the page's own view is drawn: read before, they ran between the page's data and its
  // first draw. A view opened from a link before they arrived waits for them (render).
  let laterRead = null;
  function readLater() {
    if (!laterRead && CONFIG.later) {
      laterRead = appended(el("script", { src: CONFIG.later, async: true })).catch(() => null);
    }
    return laterRead || Promise.resolve();
  }
  // A view says it is drawn (window.__ra, read by the tests and the benchmarks: info says what
  // was drawn); the first time, the other features' scripts follow.
  function drawn(info) {
    window.__ra = Object.assign({ ready: true }, info);
    readLater();
  }
  // Resolves after the browser has painted what is in the page now (a frame, then a task):
  // work that can wait (a minimap) does not hold back the first view of the figures.
  function afterPaint() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }
  // A small map drawn once the page's figures are painted: Leaflet runs then, not before them.
  function mapAfterPaint(draw) {
    return afterPaint().then(leaflet).then(draw).catch(() => null);
  }
  // ---- render -----------------------------------------------------------------------------------
  async function render() {
    document.documentElement.lang = state.lang;
    root.setAttribute("aria-busy", "true");
    const main = el("main", { id: "main", class: "view-" + state.view, tabindex: "-1" });
    const skip = document.querySelector(".skip"); if (skip) skip.textContent = _("Skip to content");
    fill(root, ...(CONFIG.embed ? [main] : [header(), main, footer()]),
      el("div", { id: "live", class: "sr", "aria-live": "polite" }));
    rendered = null;
    if (!VIEWS[state.view]) await readLater();  // a feature's view whose script is still on its way
    const view = VIEWS[state.view] || VIEWS.map;
    let failed = false;
    try { if (drawsMap(view, state)) await leaflet(); await view.render(main, state); }
    catch (e) { failed = true; fill(main, el("h1", {}, view.title()), el("p", { class: "error", role: "alert" }, e.message)); }
    rendered = view;
    if (!view.signalsReady || failed) {
      root.setAttribute("aria-busy", "false");
      drawn({ view: state.view });
    }
    document.title = "RegioAtlas" + (view.pageTitle ? " – " + view.pageTitle(state) : "");
  }

  // The one preamble of every page script: DOM, SVG and formatting helpers, the API, views,
  // navigation and state (a page script starts with `const { el, fill, ... } = window.RA;`).
  window.RA = {
    _: (x) => _(x), el: el, intl: intl, safeUrl: safeUrl, fill: fill, svg: svg, fmt: fmt, api: api, registerView: registerView, hooks: HOOKS, config: CONFIG,
    navigate: (changes, replace) => navigate(changes, replace), state: () => state, link: link, stateUrl: stateUrl,
    filterParams: filterParams, countryName: countryName, metrics: METRICS, formatMetric: formatMetric, round: round, announce: announce,
    root: root, facets: () => facets || {}, datasets: () => datasets || [], render: () => render(),
    leaflet: leaflet, afterPaint: afterPaint, mapAfterPaint: mapAfterPaint, drawn: drawn,
  };

  async function start() {
    state = readState();  // now the page's own scripts have registered their views
    started = true;
    if (!facets || !datasets) {
      try {
        [facets, datasets] = await Promise.all([api("/api/facets"), api("/api/datasets").then((d) => d.items)]);
      } catch (e) { facets = {}; datasets = []; }
    }
    await render();
  }
  // the page's own scripts after this one register their views before the first render;
  // the other features' scripts (read async) register theirs whenever they arrive
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
