/* The map's first picture: the choropleth drawn on a canvas straight from the GeoJSON, in the
 * projection and view Leaflet will use (Web Mercator, 256 px tiles), before Leaflet has run.
 *
 * Why: on a slow laptop, running Leaflet (150 KB), building the map and converting every
 * region into a Leaflet layer took 600-700 ms between the data's arrival and the first
 * colours. The reader sees the same picture at once; the map to pan, zoom, hover and click
 * replaces it a moment later (map.js). Also the one place that knows which regions a view
 * shows (boxes, inBox), so the picture and the map class the same regions.
 */
(function () {
  "use strict";
  const RA = window.RA;
  const TILE = 256;
  const MAX_LAT = 85.0511287798;  // Web Mercator's edge, as Leaflet clamps it
  const RAD = Math.PI / 180;

  // Leaflet's zoom for a URL's z: snapped to halves (zoomSnap) within the map's limits
  function zoomOf(z) { return Math.min(10, Math.max(3, Math.round(z * 2) / 2)); }
  // a longitude or latitude in the projection, in pixels at the zoom's scale, and back
  const xOf = (lon, scale) => scale * (0.5 + lon / 360);
  function yOf(lat, scale) {
    const y = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
    return scale * (0.5 - Math.log(Math.tan(Math.PI / 4 + y / 2)) / (2 * Math.PI));
  }
  const lonOf = (x, scale) => (x / scale - 0.5) * 360;
  const latOf = (y, scale) => (2 * Math.atan(Math.exp(Math.PI * (1 - 2 * y / scale))) - Math.PI / 2) / RAD;

  // The view of a map of width × height pixels centred on the state's lat/lon: the lon/lat box
  // it shows ([west, south, east, north]), and where a point goes (x, y: from its lon, lat).
  function view(width, height, st) {
    const scale = TILE * Math.pow(2, zoomOf(st.z));
    const x0 = Math.round(xOf(st.lon, scale) - width / 2), y0 = Math.round(yOf(st.lat, scale) - height / 2);
    return { width: width, height: height,
      box: [lonOf(x0, scale), latOf(y0 + height, scale), lonOf(x0 + width, scale), latOf(y0, scale)],
      x: (lon) => xOf(lon, scale) - x0, y: (lat) => yOf(lat, scale) - y0 };
  }

  // The whole degrees around the view of a window up to 1920 × 1200 at the state's centre and
  // zoom ("west,south,east,north"), or null for a larger window: the map's first picture asks
  // only for the regions there (56 of 1,345 NUTS 3 regions around Finland at zoom 6.5). The
  // page shell names the same box (first_reads.py around()).
  const AROUND = [1920, 1200];
  function around(st) {
    if (window.innerWidth > AROUND[0] || window.innerHeight > AROUND[1]) return null;
    const b = view(AROUND[0], AROUND[1], st).box;
    return [Math.max(-180, Math.floor(b[0])), Math.max(-90, Math.floor(b[1])), Math.min(180, Math.ceil(b[2])), Math.min(90, Math.ceil(b[3]))].join(",");
  }

  const polygons = (g) => (g.type === "MultiPolygon" ? g.coordinates : g.type === "Polygon" ? [g.coordinates] : []);
  // Each feature's lon/lat box ([west, south, east, north]) by its id: the feature's bbox
  // (the API sends it), else worked out from its points; once per answer.
  // (Plain index loops: this code runs once, before the engine has optimised it, on thousands
  // of points; iterating and destructuring each point cost three times as much.)
  const boxesOf = new WeakMap();
  function boxes(geo) {
    if (!boxesOf.has(geo)) {
      const out = new Map();
      for (const f of geo.features) {
        if (f.bbox) { out.set(f.id, f.bbox); continue; }
        let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
        for (const poly of polygons(f.geometry)) for (const ring of poly) {
          for (let i = 0; i < ring.length; i++) {
            const x = ring[i][0], y = ring[i][1];
            if (x < w) w = x; if (y < s) s = y; if (x > e) e = x; if (y > n) n = y;
          }
        }
        out.set(f.id, [w, s, e, n]);
      }
      boxesOf.set(geo, out);
    }
    return boxesOf.get(geo);
  }
  const inBox = (b, v) => !!b && b[0] <= v[2] && b[2] >= v[0] && b[1] <= v[3] && b[3] >= v[1];

  // Draws layers ({ geo, style(feature) → Leaflet's path style, only(feature) → whether it is
  // drawn in this layer }) bottom first on a canvas of the view's size in host, as Leaflet's
  // canvas renderer would; the regions out of view are left out. Returns the canvas.
  function draw(host, v, layers) {
    const ratio = window.devicePixelRatio || 1;
    const canvas = RA.el("canvas", { class: "sketch", width: Math.round(v.width * ratio), height: Math.round(v.height * ratio), "aria-hidden": "true" });
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.lineJoin = "round"; ctx.lineCap = "round";
    for (const layer of layers) {
      const shown = boxes(layer.geo);
      for (const f of layer.geo.features) {
        if ((layer.only && !layer.only(f)) || !inBox(shown.get(f.id), v.box)) continue;
        ctx.beginPath();
        for (const poly of polygons(f.geometry)) for (const ring of poly) {
          ctx.moveTo(v.x(ring[0][0]), v.y(ring[0][1]));
          for (let i = 1; i < ring.length; i++) ctx.lineTo(v.x(ring[i][0]), v.y(ring[i][1]));
          ctx.closePath();
        }
        const style = layer.style(f);
        ctx.globalAlpha = style.fillOpacity; ctx.fillStyle = style.fillColor; ctx.fill("evenodd");
        ctx.globalAlpha = 1; ctx.strokeStyle = style.color; ctx.lineWidth = style.weight; ctx.stroke();
      }
    }
    host.appendChild(canvas);
    return canvas;
  }

  RA.sketch = { view: view, around: around, boxes: boxes, inBox: inBox, draw: draw };
})();
