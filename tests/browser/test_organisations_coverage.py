"""Issue 10, parts 3 and 8 in the browser: the FI1C6 region page states what its figures
cover; an organisation page shows its projects, funding over time, places and match methods."""

from __future__ import annotations

import json
import re
import urllib.request

REGION_READY = "window.__ra && window.__ra.view === 'region'"
ORGANISATION_READY = "window.__ra && window.__ra.view === 'organisation'"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path) as r:
        return json.loads(r.read())


def test_fi1c6_region_page_states_its_coverage(web):
    # judged after the server's warm-up: the organisation matching it starts holds the
    # interpreter for tens of seconds on a loaded machine (reported to the lead)
    _api(web.base, "/api/organisations?limit=1")
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    text = page.locator("#region-coverage").inner_text()
    [fi] = [
        c
        for c in _api(web.base, "/api/regions/FI1C6/summary")["coverage"]
        if c["source"] == "fi-rakennerahastot"
    ]
    assert f"{fi['projects']} projects" in text
    assert "Finnish list of operations" in text and fi["period"] in text
    share = round(100 * fi["located_share"])
    assert re.search(
        rf"\b{share} % of the source's participations in the country located to NUTS 3", text
    )
    assert 0 < fi["located_share"] < 1  # the Finnish list is only partly located to NUTS 3
    assert f"published {fi['published']}" in text  # "published 2016": the snapshot's year
    web.shot("region-coverage")
    assert web.errors == []


def test_organisation_page_shows_projects_funding_places_and_matching(web):
    found = _api(web.base, "/api/organisations?q=tutkimuskeskus%20vtt&country=FI")["items"][0]
    page = web.open(f"/organisation/{found['id']}?lang=en", ORGANISATION_READY)
    assert page.locator("#organisation-name").inner_text() == found["name"]
    rows = page.locator("#organisation-projects tbody tr")
    assert rows.count() == found["participations"]
    assert page.locator("#organisation-projects td[data-method='pic']").count() >= 1
    assert page.locator("#organisation-funding tbody tr").count() >= 2
    assert page.locator("figure.chart svg rect").count() >= 2  # the funding chart's columns
    # its places on the map (Leaflet draws them on a canvas: preferCanvas)
    page.wait_for_selector("#organisation-map .leaflet-overlay-pane canvas", state="attached")
    web.shot("organisation-page")
    assert web.errors == []


def test_the_data_page_states_each_datasets_period_and_publication(web):
    page = web.open("/data?lang=en", "window.__ra && window.__ra.ready")
    page.wait_for_selector("#datasets tbody tr")
    for d in _api(web.base, "/api/datasets")["items"]:
        if d["source"] != "fi-rakennerahastot":
            continue
        row = page.locator(f"#datasets tbody tr[data-source='{d['source']}']")
        assert d["period"] and row.locator("td.period").inner_text() == d["period"]
        assert d["published"] in row.inner_text()
    headers = page.locator("#datasets thead th").all_inner_texts()
    assert "Period" in headers and "Published" in headers
    assert web.errors == []


def test_the_map_legend_states_sources_periods_and_located_share(web):
    page = web.open(
        "/?lang=en&level=3&source=fi-rakennerahastot", "window.__ra && window.__ra.ready"
    )
    page.wait_for_function(
        "document.querySelector('#legend-coverage') && "
        "document.querySelector('#legend-coverage').textContent.length > 0"
    )
    text = page.locator("#legend-coverage").inner_text()
    [fi] = [
        d for d in _api(web.base, "/api/datasets")["items"] if d["source"] == "fi-rakennerahastot"
    ]
    assert text.startswith("Sources shown: " + fi["title"] + " " + fi["period"])
    share = round(100 * fi["located_share_by_level"]["3"])
    assert f"{share} % located at this level" in text
    assert "CORDIS" not in text  # only the source chosen in the filters
    assert web.errors == []
