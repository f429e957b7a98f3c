"""What makes the pages ready sooner on a slow laptop (issue 11, speed): the data every page
needs inlined in the page, static files named by their content and cached, the view's data
asked for while the scripts are still being read, no round trip before the first draw.
Timings are measured in bench/bench_web.py, not asserted here."""

from __future__ import annotations

import hashlib
import json
import re
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
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
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
    # Leaflet comes after the page scripts: the view asks for its data first
    scripts = re.findall(r'<script src="([^"?]+)', html)
    assert scripts[-1] == "/static/vendor/leaflet/leaflet.js"
    assert scripts[0] == "/static/app/app.js"


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
    options = page.locator("select[name=country] option").all_inner_texts()
    assert "Finland" in options and "Austria" in options
    assert web.errors == []
