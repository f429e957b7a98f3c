"""What makes the pages ready sooner on a slow laptop (issue 11, speed): the data every page
needs inlined in the page, static files named by their content and cached, the view's data
asked for while the scripts are still being read, no round trip before the first draw.
Timings are measured in bench/bench_web.py, not asserted here."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape as html_unescape
from importlib import resources

MAP_READY = "window.__ra && window.__ra.ready && window.__ra.regions > 0"


def _config(html: str) -> dict:
    return json.loads(re.search(r'id="ra-config"[^>]*>(.*?)</script>', html, re.S).group(1))


def test_the_page_carries_the_filters_values_datasets_and_country_names(app_client):
    config = _config(app_client.get("/?lang=de").text)
    assert config["facets"] == app_client.get("/api/facets").json()
    assert config["datasets"] == app_client.get("/api/datasets").json()["items"]
    assert config["countries"]["FI"] == "Finnland" and config["countries"]["EL"] == "Griechenland"


def test_static_files_are_named_by_their_content_and_cached_for_a_year(app_client):
    html = app_client.get("/region/FI1C6?lang=en").text
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html) + [_config(html)["leaflet"]]
    assert any(u.startswith("/static/vendor/leaflet/leaflet.js?v=") for u in urls)
    static = resources.files("regioatlas.web").joinpath("static")
    for url in urls:
        path, version = url.removeprefix("/static/").split("?v=")
        digest = hashlib.sha256(static.joinpath(path).read_bytes()).hexdigest()[:12]
        assert version == digest, url
        r = app_client.get(url)
        assert r.status_code == 200
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    # an old page's hash, or none, is asked again (ETag), never kept for a year
    for url in ("/static/app/app.js?v=000000000000", "/static/app/app.js"):
        r = app_client.get(url)
        assert r.headers["cache-control"] == "no-cache" and r.headers.get("etag")


def _scripts(app_client, path: str) -> list[tuple[str, bool, str]]:
    """(URL, read after the first draw, body) of each script a page names, in order: its
    script elements, then the bundle its config names for after the first draw."""
    html = app_client.get(path).text
    tags = [(url, False) for url in re.findall(r'<script src="([^"]+)"', html)]
    later = _config(html).get("later")
    tags += [(later, True)] if later else []
    return [(url, is_later, app_client.get(url).text) for url, is_later in tags]


def test_a_page_reads_its_own_scripts_as_one_minified_bundle_and_the_others_after(app_client):
    scorecard = _scripts(app_client, "/scorecard/AT127?lang=de")
    (first, first_later, body), *later = scorecard
    assert first.startswith("/bundles/") and not first_later
    # the bundle is named by its content, kept for a year, the atlas core first
    assert first == f"/bundles/{hashlib.sha256(body.encode()).hexdigest()[:12]}.js"
    r = app_client.get(first, headers={"accept-encoding": "gzip"})
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["content-encoding"] == "gzip"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert body.startswith("/* static/app/app.js */")
    assert "/* static/app/scorecard.js */" in body and "/* static/app/kpi.js */" not in body
    # minified: smaller than its sources
    sources = resources.files("regioatlas.web").joinpath("static", "app")
    names = re.findall(r"/\* static/app/(\w+)\.js \*/", body)
    assert len(body) < 0.85 * sum(len(sources.joinpath(f"{n}.js").read_text()) for n in names)
    # the other features' scripts after the first draw; no page runs Leaflet (a map view asks)
    assert later and all(is_later for _, is_later, _ in later)
    assert any("/* static/app/kpi.js */" in text for _, _, text in later)
    (_, _, atlas), *_ = _scripts(app_client, "/?lang=en")
    assert not any("leaflet" in url for url, _, _ in scorecard + _scripts(app_client, "/?lang=en"))
    # the region page's hooks are read before its first draw
    assert "/* static/app/similarity.js */" in atlas
    unknown = app_client.get("/bundles/000000000000.js")
    assert unknown.status_code == 404 and "bundle" in unknown.json()["detail"]


def test_links_to_views_read_after_the_first_draw_lead_to_them(web):
    page = web.open("/region/FI1C6?lang=en")
    # the scorecard and the compass are read after the region page is drawn: the links and
    # the menu follow when they arrive
    page.wait_for_selector("main a[href^='/scorecard/FI1C6']")
    page.wait_for_selector("main a[href^='/compass/FI1C6']")
    page.wait_for_selector("nav.views a[href^='/compass/']")
    page.click("main a[href^='/scorecard/FI1C6']")
    page.wait_for_function("() => window.__ra && window.__ra.view === 'scorecard'", timeout=60_000)
    assert page.url.split("?")[0].endswith("/scorecard/FI1C6")
    assert web.errors == []


def test_a_map_view_opened_from_a_page_without_leaflet_draws_its_picture_then_the_map(web):
    """The scorecard page draws no map and never reads Leaflet; the map, opened from it
    without a new page, draws its first picture, asks for Leaflet, and becomes the map once
    Leaflet ran (not "L is not defined")."""
    held = []  # Leaflet's answer, held back until the map view has been asked for
    web.page.route("**/vendor/leaflet/leaflet.js*", lambda route: held.append(route))
    page = web.page
    page.goto(web.base + "/scorecard/AT127?lang=en")
    page.wait_for_function("() => window.__ra && window.__ra.ready", timeout=20_000)
    assert page.evaluate("typeof L") == "undefined" and held == []
    page.click("header a.brand")
    page.wait_for_function("() => window.__ra && window.__ra.regions > 0", timeout=60_000)
    page.wait_for_timeout(500)
    assert len(held) == 1
    assert page.locator(".sketch canvas").count() == 1 and page.locator("#legend").count() == 1
    assert page.locator(".leaflet-container:not(.sketch)").count() == 0  # waiting, not failing
    held[0].continue_()
    page.wait_for_function("() => window.__ra && window.__ra.map", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.sketch')")
    assert page.locator(".leaflet-container").count() == 1
    assert web.errors == []


#: colour of the pixel at a point of the page, read from the canvas under it (the picture's or
#: Leaflet's, which is larger than the map and moved by a transform)
PIXEL = """([canvas, x, y]) => {
  const c = document.querySelector(canvas), r = c.getBoundingClientRect();
  const px = c.getContext('2d').getImageData(Math.round((x - r.left) * c.width / r.width),
    Math.round((y - r.top) * c.height / r.height), 1, 1).data;
  return [px[0], px[1], px[2]];
}"""
#: inside Päijät-Häme, Pirkanmaa, Uusimaa, Etelä-Savo and Kanta-Häme
FINNISH_POINTS = [(61.0, 25.66), (61.7, 23.8), (60.35, 24.9), (61.8, 27.4), (60.9, 24.3)]


def test_the_map_is_drawn_before_leaflet_runs_and_leaflet_takes_over_the_same_picture(web):
    """On a slow laptop, running Leaflet, building the map and converting each region into a
    layer took 600-700 ms between the data and the first colours: the choropleth is first
    drawn from the GeoJSON on a canvas (sketch.js), with its legend and list, and the map
    replaces it with the same colours in the same places."""
    held = []
    web.page.route("**/vendor/leaflet/leaflet.js*", lambda route: held.append(route))
    page = web.page
    page.goto(web.base + "/?lang=en&level=3&z=6.5&lat=61.5&lon=25&sel=FI1C6", wait_until="commit")
    page.wait_for_function(MAP_READY)
    assert (
        page.evaluate("typeof window.L") == "undefined" and page.evaluate("window.__ra.map") is None
    )
    assert "Quantiles of the regions in view" in page.locator(".sketch #legend").inner_text()
    assert page.locator("#region-list tbody tr").count() == 25
    sketch_classes = page.evaluate("window.__ra.classes")
    box = page.locator(".mapwrap").bounding_box()
    points = page.evaluate(
        """(pts) => { const m = document.querySelector('.mapwrap').getBoundingClientRect();
        const w = RA.sketch.view(m.width, m.height, RA.state());
        return pts.map(([lat, lon]) => [m.left + w.x(lon), m.top + w.y(lat)]); }""",
        FINNISH_POINTS,
    )
    assert all(box["x"] < x < box["x"] + box["width"] for x, _ in points)
    before = [page.evaluate(PIXEL, [".sketch canvas", x, y]) for x, y in points]
    for route in held:
        route.continue_()
    page.wait_for_function("window.__ra.map && !document.querySelector('.sketch')")
    page.wait_for_timeout(300)  # Leaflet draws its canvas in an animation frame
    after_points = page.evaluate(
        """(pts) => { const m = document.querySelector('#map').getBoundingClientRect();
        return pts.map(([lat, lon]) => { const p = window.__ra.map.latLngToContainerPoint([lat, lon]);
        return [m.left + p.x, m.top + p.y]; }); }""",
        FINNISH_POINTS,
    )
    # the same view: each place where the picture put it, to a pixel
    assert all(abs(a - b) <= 1 for p, q in zip(points, after_points) for a, b in zip(p, q))
    after = [
        page.evaluate(PIXEL, ["#map .leaflet-overlay-pane canvas", x, y]) for x, y in after_points
    ]
    same = all(abs(a - b) <= 6 for p, q in zip(before, after) for a, b in zip(p, q))
    assert same, (before, after)
    assert len({tuple(c) for c in before}) >= 3  # regions told apart, not one colour everywhere
    assert page.evaluate("window.__ra.classes") == sketch_classes
    assert page.locator("#legend").count() == 1 and web.errors == []


def test_the_map_asks_for_its_data_before_the_first_render_and_no_facets_or_datasets(web):
    page = web.open("/?lang=en", MAP_READY)
    asked = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".map((e) => [e.name.replace(location.origin, ''), e.startTime])"
    )
    loaded = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventStart"
    )
    assert not any(u.startswith(("/api/facets", "/api/datasets")) for u, _ in asked)
    data = [(u, t) for u, t in asked if u.startswith(("/api/geometries", "/api/aggregates"))]
    # asked for while the scripts were still being read, not after the first render
    assert data and all(t < loaded for _, t in data), (data, loaded)
    # at NUTS 0 the regions are the countries: one geometry, not a second one as the base
    assert sum(u.startswith("/api/geometries") for u, _ in asked) == 1
    # the country filter still names the countries, in the page's language
    page.wait_for_selector("select[name=country]")
    options = page.locator("select[name=country] option").all_inner_texts()
    assert "Finland" in options and "Austria" in options
    assert web.errors == []


def test_pages_with_a_minimap_draw_their_figures_before_leaflet_runs(web):
    """The data page never runs Leaflet; the region and project pages run it after their
    figures are drawn, then draw their small maps."""
    page = web.open("/data?lang=en", "window.__ra && window.__ra.ready")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof L") == "undefined"
    for path, host in (
        ("/region/FI1C6?lang=en", "#locator"),
        ("/project/cordis-he-sample:101083671?lang=en", "#project-map"),
    ):
        page = web.open(path, "window.__ra && window.__ra.ready")
        page.wait_for_selector(
            f"{host} .leaflet-overlay-pane canvas, {host} .leaflet-overlay-pane svg"
        )
    assert web.errors == []


def test_the_map_is_drawn_before_its_filter_form_which_follows(web):
    """The filter form is built once the choropleth is painted (not before the map), from the
    URL's state, and works."""
    web.page.add_init_script(
        "Object.defineProperty(window, '__ra', { configurable: true, set(v) {"
        " if (v && v.ready && window.__formAtReady === undefined)"
        " window.__formAtReady = !!document.querySelector('form.filters');"
        " Object.defineProperty(window, '__ra', { value: v, writable: true, configurable: true }); } })"
    )
    page = web.open("/?lang=en&level=2&country=AT", MAP_READY)
    assert page.evaluate("window.__formAtReady") is False
    page.wait_for_selector("form.filters select[name=country]")
    assert page.locator("select[name=country]").input_value() == "AT"
    assert page.locator("#level").input_value() == "2"
    page.select_option("select[name=country]", "FI")
    page.wait_for_function("location.search.includes('country=FI')")
    assert web.errors == []


#: pages whose views ask the API for something before they can draw, with their states
FIRST_READ_PAGES = (
    "/?lang=en",
    "/?lang=fi&level=3&z=6.5&lat=61.5&lon=25&sel=FI1C6",
    "/embed?z=5&lat=62&lon=24&country=FI",
    "/region/FI1C6?lang=en",
    "/region/fi1c6?lang=de&country=FI",
    "/project/cordis-he-sample:101083671?lang=en",
    "/compare?lang=en&regions=FI1C6,at127,nonsense",
    "/scorecard/AT127?lang=de",
    "/compass?lang=fi",
    "/air-quality?lang=en",
    "/partners/fi1c6?lang=en&text=biorefinery+from+straw",
    "/partners?lang=fi&text=vety%C3%A4&home=AT127",
)
PRELOADS = "[...document.querySelectorAll('link[rel=preload][as=fetch]')].map((l) => l.getAttribute('href'))"


def _api_asked(web, since: int) -> list[str]:
    """The API URLs the page asked for (when asked, not when answered) since request ``since``."""
    return [
        u.removeprefix(web.base) for u in web.requests[since:] if u.startswith(web.base + "/api/")
    ]


def test_the_page_names_the_reads_its_view_makes_and_the_view_takes_their_answers(web):
    """The shell names the API reads of the page's view (web/first_reads.py) so the browser
    asks for them while it reads the scripts. Each must be a URL the view itself asks for:
    with the names taken out of the page, the view's own requests include every one; with
    them, each is asked once (the view's fetch takes the preloaded answer)."""
    page = web.page
    stripped: list[str] = []

    def without_preloads(route):
        if route.request.resource_type != "document":
            route.continue_()
            return
        answer = route.fetch()
        html = answer.text()
        stripped.extend(
            re.findall(r'<link rel="preload" as="fetch" crossorigin href="([^"]+)">', html)
        )
        html = re.sub(r'<link rel="preload" as="fetch"[^>]*>\n', "", html)
        route.fulfill(response=answer, body=html)

    for path in FIRST_READ_PAGES:
        since = len(web.requests)
        named = web.open(path).evaluate(PRELOADS)
        assert named, path
        asked = _api_asked(web, since)
        for url in named:
            assert asked.count(url) == 1, (path, url, asked)
        stripped.clear()
        page.route("**/*", without_preloads)
        since = len(web.requests)
        web.open(path)
        page.unroute("**/*")
        assert [html_unescape(u) for u in stripped] == named, path
        assert page.evaluate(PRELOADS) == []
        own = _api_asked(web, since)
        missing = [url for url in named if url not in own]
        assert missing == [], (path, missing, own)
    # a page no rule follows names nothing; a state the rules do not follow neither
    assert web.open("/data?lang=en").evaluate(PRELOADS) == []
    assert web.open("/region/FI1C6?lang=en&page=1").evaluate(PRELOADS) == []
    assert web.errors == []


def test_a_page_without_a_map_first_reads_leaflet_and_the_other_features_after_its_draw(
    web, app_client
):
    """Only a page whose first view is a map names Leaflet's stylesheet and fetches its script
    from the start; the region page asks for both when it draws its small map. The other
    features' scripts are asked for once the page's view is drawn, not while it is read."""
    head = lambda path: app_client.get(path).text.split('id="ra-config"')[0]  # noqa: E731
    assert "leaflet.css" in head("/?lang=en") and "leaflet.js" in head("/?lang=en")
    assert "leaflet" not in head("/region/FI1C6?lang=en")
    later = _config(app_client.get("/region/FI1C6?lang=en").text)["later"]
    # whether the later bundle's script element is in the page when the view says it is drawn
    web.page.add_init_script(
        "Object.defineProperty(window, '__ra', { configurable: true, set(v) {"
        " window.__laterAtReady = !!document.querySelector('script[src*=\"/bundles/\"][async]');"
        " Object.defineProperty(window, '__ra', { value: v, writable: true, configurable: true }); } })"
    )
    page = web.open("/region/FI1C6?lang=en")
    assert page.evaluate("window.__laterAtReady") is False
    page.wait_for_selector(
        "#locator .leaflet-overlay-pane canvas, #locator .leaflet-overlay-pane svg"
    )
    assert page.evaluate(
        "[...document.styleSheets].some((s) => (s.href || '').includes('/leaflet.css'))"
    )
    page.wait_for_function(
        "(u) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(u))", arg=later
    )
    assert web.errors == []


#: counts, in the page, each Intl formatter built (before any page script runs)
COUNT_INTL = """(() => { window.__intlBuilt = [];
  for (const kind of ["NumberFormat", "DateTimeFormat", "Collator", "DisplayNames"]) {
    const Built = Intl[kind];
    Intl[kind] = function (...args) { window.__intlBuilt.push(kind); return new Built(...args); };
    Intl[kind].prototype = Built.prototype;
    Intl[kind].supportedLocalesOf = Built.supportedLocalesOf;
  } })()"""
#: the page's own formatters against Intl's, for numbers, euros (with 0-4 decimals) and dates
OWN_AGAINST_INTL = """() => {
  const values = [0, 1, -1, 0.5, 1.5, 2.5, -0.4, 0.125, 3.14159, 999, 1000, 1234, -1234,
    12345, 123456, 1234567.891, -1234567.5, 99999.995, 1e7, 1e20];
  const out = [];
  for (const v of values) {
    for (const d of [undefined, 1, 2, 4]) {
      const max = d === undefined ? 0 : d;
      out.push(["num", v, d, RA.fmt.num(v, d), new Intl.NumberFormat(RA.state().lang, { maximumFractionDigits: max }).format(v)]);
      out.push(["eur", v, d, RA.fmt.eur(v, d), new Intl.NumberFormat(RA.state().lang, { style: "currency", currency: "EUR", maximumFractionDigits: max }).format(v)]);
    }
  }
  const shorts = [0, 0.4, 950, 999.5, 1234, -1234, 12345, -23456, 99999, 123456, 999960, 1.6e6, -1.6e6,
    12.34e6, 999.96e6, 2.345e9, 7.5e12, 123.4e12];
  for (const v of shorts) {
    for (const max of [0, 1]) {
      out.push(["short", v, max, RA.fmt.eurShort(v, max), new Intl.NumberFormat(RA.state().lang, { style: "currency", currency: "EUR", notation: "compact", maximumFractionDigits: max }).format(v)]);
    }
  }
  for (const iso of ["2024-09-05", "2021-01-31", "2026-05-01", "2019-12-24", "2023-03-10"]) {
    out.push(["date", iso, null, RA.fmt.date(iso), new Intl.DateTimeFormat(RA.state().lang, { year: "numeric", month: "short", day: "numeric" }).format(new Date(iso + "T00:00:00"))]);
  }
  return out.filter(([, , , own, intl]) => own !== intl);
}"""


def test_figures_and_dates_are_written_as_intl_would_without_building_a_formatter(web):
    """The page writes numbers, euros and dates by its language's CLDR rules, which the server
    sends (i18n.number_formats): the text Intl would give, for every UI language, without
    the 80-200 ms a first Intl formatter costs a slow CPU. The data page and the region page
    draw figures and dates without building one."""
    web.page.add_init_script(COUNT_INTL)
    for lang in ("en", "fi", "de", "it", "fr"):
        page = web.open(f"/data?lang={lang}")
        assert page.evaluate("window.__intlBuilt") == [], lang
        assert page.evaluate(OWN_AGAINST_INTL) == [], lang
    for path in ("/region/FI1C6?lang=fi", "/compare?lang=de&regions=FI1C6,AT127"):
        assert web.open(path).evaluate("window.__intlBuilt") == [], path
    assert web.errors == []


def test_the_map_as_a_table_builds_no_hidden_map_and_the_map_comes_when_asked_for(web):
    """The table of every region draws the choropleth's figures without a map under it (no
    Leaflet, no geometries: a hidden map cost the table page 500-900 ms on a slow CPU);
    "Show the map" reads Leaflet and draws the map."""
    page = web.open("/?lang=en&level=2&table=1", MAP_READY)
    # a screenful of rows first, every region's once it is painted
    page.wait_for_function(
        "document.querySelectorAll('#region-table tbody tr').length === window.__ra.regions"
    )
    numbers = page.locator("#region-table tbody tr td:first-child").all_inner_texts()
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert page.evaluate("typeof window.L") == "undefined"
    assert [u for u in web.requests if "/api/geometries" in u or "leaflet" in u] == []
    page.click("#toggle-table")
    page.wait_for_function("() => window.__ra && window.__ra.ready && window.__ra.map")
    page.wait_for_selector("#map .leaflet-overlay-pane canvas")
    assert "table=1" not in page.url
    assert web.errors == []
