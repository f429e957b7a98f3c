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
