"""Issue 11, the map as a regional officer sees it: classes over the regions shown, zoom to a
country, place names, the embed, the table, the phone layout (items 1, 2, 4, 5, 12)."""

from __future__ import annotations

import json
import urllib.request

#: the figures drawn (the table, or the map's first picture)
FIGURES_READY = "window.__ra && window.__ra.ready && window.__ra.regions > 0"
#: the map to pan, zoom and click, built once its first picture is painted
MAP_READY = FIGURES_READY + " && window.__ra.map"
FINLAND_NUTS3 = "/?lang=en&level=3&z=6.5&lat=61.5&lon=25"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path) as r:
        return json.loads(r.read())


def _fill(page, code: str) -> str:
    return page.evaluate(
        """code => { let c = null; window.__ra.map.eachLayer(l => {
            if (l.feature && l.feature.id === code && l.options.fillColor) c = l.options.fillColor; });
            return c; }""",
        code,
    )


def _legend(page) -> str:
    return page.locator("#legend").inner_text()


def test_item1_classes_over_the_regions_in_view_tell_finnish_regions_apart(web):
    page = web.open(FINLAND_NUTS3, MAP_READY)
    europe = len(_api(web.base, "/api/aggregates?level=3")["items"])
    classes = page.evaluate("window.__ra.classes")
    assert 0 < classes["count"] < europe / 5  # the regions in view, not all of Europe
    # Päijät-Häme (26 projects) and Pohjois-Pohjanmaa (169) no longer share the top class
    assert _fill(page, "FI1C6") != _fill(page, "FI1D9")
    assert "Quantiles of the regions in view" in _legend(page)
    page.select_option("#classes", "equal")
    page.wait_for_function("location.search.includes('classes=equal')")
    page.wait_for_function(
        "document.querySelector('#legend').innerText.includes('Equal intervals')"
    )
    page.select_option("#classes", "fixed")
    page.wait_for_function("document.querySelector('#legend').innerText.includes('every region')")
    assert page.evaluate("window.__ra.classes.count") >= europe
    web.shot("map-classes-fixed")
    assert web.errors == []


def test_item1_choosing_a_country_zooms_to_it(web):
    page = web.open("/?lang=en&z=4&lat=54.5&lon=15", MAP_READY)
    page.select_option("select[name=country]", "AT")
    page.wait_for_function(
        "(() => { const c = window.__ra.map.getCenter(); return c.lat > 46 && c.lat < 49.5 && c.lng > 9 && c.lng < 17.5; })()"
    )
    assert page.evaluate("window.__ra.map.getZoom()") >= 6
    web.shot("map-country-austria")
    assert web.errors == []


def test_item1_an_empty_selection_says_so_in_the_legend(web):
    page = web.open(
        "/?lang=en&level=2&country=FI&source=pl-mapadotacji", "window.__ra && window.__ra.ready"
    )
    page.wait_for_selector("#legend")
    text = _legend(page)
    assert "–" not in text.split("\n")[1] and "≤" not in text
    assert "No data for this selection" in text
    assert web.errors == []


def test_item1_place_names_orient_the_reader(web):
    page = web.open(FINLAND_NUTS3, MAP_READY)
    page.wait_for_selector(".place span")
    names = page.locator(".place span").all_inner_texts()
    assert "Helsinki" in names and "Tampere" in names
    assert len(names) <= 30
    boxes = page.eval_on_selector_all(
        ".place span", "els => els.map(e => e.getBoundingClientRect().toJSON())"
    )
    for i, a in enumerate(boxes):  # no label sits on another
        for b in boxes[i + 1 :]:
            overlap = a["left"] < b["right"] and b["left"] < a["right"]
            assert not (overlap and a["top"] < b["bottom"] and b["top"] < a["bottom"])
    assert web.errors == []


def test_item2_the_embed_shows_the_map_alone_without_null_or_a_blank_band(browser, live_server):
    context = browser.new_context(viewport={"width": 800, "height": 500})
    page = context.new_page()
    page.goto(live_server.url + "/embed?z=5&lat=62&lon=24&country=FI")
    page.wait_for_function(MAP_READY)
    assert "null" not in page.locator("body").inner_text()
    box = page.locator("#map").bounding_box()
    assert box["y"] <= 1 and box["height"] >= 499
    page.screenshot(path="test-artifacts/embed-finland.png")
    context.close()


def test_item4_the_table_fills_the_page_with_every_region(web):
    page = web.open("/?lang=en&level=3&country=FI&table=1", FIGURES_READY)
    table = page.locator("#region-table")
    assert table.bounding_box()["width"] > 0.8 * 1440
    rows = table.locator("tbody tr")
    assert rows.count() == len(_api(web.base, "/api/aggregates?level=3&country=FI")["items"])
    headers = table.locator("thead th").all_inner_texts()
    assert "EU contribution per inhabitant" in headers and "Population" in headers
    web.shot("map-as-table")
    assert web.errors == []


def test_item5_on_a_phone_the_map_comes_first_and_the_panel_opens_on_it(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/?lang=en&level=3&z=6&lat=61.2&lon=25.6")
    page.wait_for_function(MAP_READY)
    map_box = page.locator("#map").bounding_box()
    assert map_box["y"] < page.locator("form.filters, .filter-box").first.bounding_box()["y"]
    assert map_box["y"] + map_box["height"] <= 844 and map_box["height"] > 0.5 * 844
    covered = sum(
        b["width"] * b["height"]
        for b in (
            page.locator(sel).bounding_box() for sel in ("#legend", ".leaflet-control-attribution")
        )
    )
    assert covered < 0.15 * map_box["width"] * map_box["height"]
    point = page.evaluate("""() => {
        const p = window.__ra.map.latLngToContainerPoint([61.0, 25.66]);
        const box = document.querySelector('#map').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#panel-title")
    panel = page.locator("#panel").bounding_box()
    assert panel["y"] >= 0 and panel["y"] + panel["height"] <= 844 + 1  # in view, not below
    page.screenshot(path="test-artifacts/phone-map-panel.png")
    context.close()


def test_item12_smaller_things_on_the_map_and_data_pages(web):
    page = web.open("/?lang=en&metric=eu_contribution_eur", MAP_READY)
    assert "ranked by: EU contribution" in page.locator("#region-list caption").inner_text()
    option = page.locator("select[name=country] option[value=FI]")
    assert option.inner_text() == "Finland"
    page = web.open("/region/FI1C6?lang=en", "window.__ra && window.__ra.view === 'region'")
    pop = page.locator("dd[data-field=population]").bounding_box()
    projects = page.locator("dd[data-field=projects]").bounding_box()
    assert pop["height"] <= projects["height"] + 1  # one line
    page = web.open("/data?lang=en", "window.__ra && window.__ra.view === 'data'")
    assert page.locator("h1").bounding_box()["x"] >= 16  # the page has margins
    page = web.open("/region/XX9?lang=en", "window.__ra && window.__ra.ready")
    assert page.locator("#app").get_attribute("aria-busy") == "false"
    assert page.locator("[role=alert]").count() == 1
