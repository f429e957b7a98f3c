"""The web atlas in a real headless Chromium: map, legend, panel, filters, URL state, languages,
keyboard, offline, escaping. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

#: the map built (its first picture, drawn before Leaflet ran, is tested in test_web_speed)
MAP_READY = "window.__ra && window.__ra.ready && window.__ra.regions > 0 && window.__ra.map"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path) as r:
        return json.loads(r.read())


def _list_codes(page) -> list[str]:
    return page.eval_on_selector_all(
        "#region-list tbody td:first-child a",
        "els => els.map(e => e.textContent.match(/\\(([A-Z0-9]+)\\)$/)[1])",
    )


def test_home_draws_the_choropleth_and_legend(web):
    page = web.open("/?lang=en", MAP_READY)
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    drawn = page.evaluate("window.__ra")
    assert drawn["level"] == 0 and drawn["regions"] > 25
    legend = page.locator("#legend")
    assert "Projects · NUTS 0" in legend.inner_text()
    assert legend.locator("li").count() >= 3  # classes plus "No data"
    page.select_option("#metric", "eu_contribution_eur")
    page.wait_for_function(
        "document.querySelector('#legend').innerText.includes('EU contribution')"
    )
    assert "€" in page.locator("#legend").inner_text()
    assert "metric=eu_contribution_eur" in page.url
    web.shot("home")
    assert web.errors == []


def test_clicking_a_region_opens_its_panel_with_the_api_figures(web):
    page = web.open("/?lang=en&level=3&z=7&lat=61.0&lon=25.66", MAP_READY)
    point = page.evaluate("""() => {
        const m = window.__ra.map; const p = m.latLngToContainerPoint([61.0, 25.66]);
        const box = document.querySelector('#map').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    page.mouse.click(point["x"], point["y"])  # Lahti, in Päijät-Häme
    page.wait_for_selector("#panel-title")
    assert page.locator("#panel-title").inner_text() == "Päijät-Häme"
    assert "sel=FI1C6" in page.url
    api = _api(web.base, "/api/regions/FI1C6/summary")
    shown = page.locator("#panel dd[data-field=projects]").inner_text()
    assert int(re.sub(r"\D", "", shown)) == api["projects"]
    eu = page.locator("#panel dd[data-field=eu_contribution_eur]").inner_text()
    # the Finnish list gives EU + national public funding, never an EU-only amount (issue 10)
    assert api["eu_contribution_eur"] is None and not re.search(r"\d", eu)
    web.shot("panel-paijat-hame")
    assert web.errors == []


def test_filter_changes_url_map_and_list_and_survives_reload_and_history(web):
    page = web.open("/?lang=en&level=3&z=4&lat=55&lon=15", MAP_READY)
    before = _list_codes(page)
    assert any(not c.startswith("FI") for c in before)
    page.select_option("select[name=country]", "FI")
    page.wait_for_function("location.search.includes('country=FI')")
    page.wait_for_function(
        "[...document.querySelectorAll('#region-list tbody a')].every(a => /\\(FI/.test(a.textContent))"
    )
    codes = _list_codes(page)
    assert codes and all(c.startswith("FI") for c in codes)
    api = _api(web.base, "/api/aggregates?level=3&country=FI")
    assert len(api["items"]) == page.evaluate("window.__ra.regions")
    page.reload()
    page.wait_for_function(MAP_READY)
    assert page.locator("select[name=country]").input_value() == "FI"
    assert _list_codes(page) == codes
    page.go_back()
    page.wait_for_function("!location.search.includes('country=FI')")
    page.wait_for_function(
        "[...document.querySelectorAll('#region-list tbody a')].some(a => !/\\(FI/.test(a.textContent))"
    )
    page.go_forward()
    page.wait_for_function("location.search.includes('country=FI')")
    assert page.locator("select[name=country]").input_value() == "FI"
    assert web.errors == []


def test_language_switch_changes_strings_and_number_formats(web):
    page = web.open("/?lang=en", MAP_READY)
    assert page.locator("label:has(#metric) span").inner_text() == "Show"
    page.select_option("#lang", "fi")
    page.wait_for_function("location.search.includes('lang=fi')")
    page.wait_for_function(
        "document.querySelector('label:has(#metric) span')?.innerText === 'Näytä'"
    )
    assert (
        page.locator("#search").get_attribute("placeholder")
        == "Hae aluetta, hanketta tai organisaatiota"
    )
    assert page.evaluate("document.documentElement.lang") == "fi"
    page.wait_for_function(MAP_READY)
    first = page.locator("#region-list tbody td.num").first.inner_text()
    assert "\u00a0" in first or len(first) < 4  # Finnish groups thousands with a (no-break) space
    page.select_option("#lang", "de")
    page.wait_for_function(
        "document.querySelector('label:has(#metric) span')?.innerText === 'Anzeigen'"
    )
    page.wait_for_function(MAP_READY)
    assert "." in page.locator("#region-list tbody td.num").first.inner_text()  # 8.837
    web.shot("home-de")
    assert web.errors == []


def test_keyboard_reaches_search_filters_and_list(web):
    page = web.open("/?lang=en", MAP_READY)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.name || document.activeElement.tagName"
            )
        )
    assert "search" in seen and "lang" in seen and "metric" in seen and "country" in seen
    assert "A" in seen  # links of the region list
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_search_suggests_and_opens_a_region(web):
    page = web.open("/?lang=en", MAP_READY)
    page.fill("#search", "Päijät")
    page.wait_for_selector("#search-list li")
    assert "Päijät-Häme (FI1C6)" in page.locator("#search-list").inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("location.pathname === '/region/FI1C6'")
    page.wait_for_function("window.__ra && window.__ra.view === 'region'")
    assert page.locator("h1").inner_text() == "Päijät-Häme"
    web.shot("region-paijat-hame")
    assert web.errors == []


def test_region_page_figures_sorting_and_downloads(web):
    page = web.open("/region/FI1B1?lang=en", "window.__ra && window.__ra.view === 'region'")
    api = _api(web.base, "/api/regions/FI1B1/summary")
    assert (
        int(re.sub(r"\D", "", page.locator("dd[data-field=projects]").inner_text()))
        == api["projects"]
    )
    assert page.locator("figure.chart svg rect").count() >= 1
    assert (
        "null" not in page.locator("main").inner_text()
        and "undefined" not in page.locator("main").inner_text()
    )
    page.click("#projects th:nth-child(2) button")  # sort by start date
    page.wait_for_function("location.search.includes('sort=-start_date')")
    csv_href = page.locator("a[download$='projects.csv']").get_attribute("href")
    with urllib.request.urlopen(web.base + csv_href) as r:
        lines = r.read().decode().splitlines()
    assert lines[0].startswith("id,source") and len(lines) - 1 == api["projects"]
    geo_href = page.locator("a[download$='.geojson']").get_attribute("href")
    geo = _api(web.base, geo_href)
    assert [f["id"] for f in geo["features"]] == ["FI1B1"]
    assert web.errors == []


def test_project_page_shows_participants_and_located_by(web):
    listing = _api(web.base, "/api/projects?source=at-efre&limit=1")
    pid = listing["items"][0]["id"]
    page = web.open(f"/project/{pid}?lang=en", "window.__ra && window.__ra.view === 'project'")
    assert page.locator("#project-title").inner_text() == listing["items"][0]["title"]
    assert "municipality code" in page.locator("table.data").inner_text()
    page.wait_for_selector(
        "#project-map .leaflet-overlay-pane canvas, #project-map .leaflet-overlay-pane svg"
    )
    web.shot("project")
    assert web.errors == []


def test_project_page_shows_what_the_project_produced(web):
    pid = "cordis-he-sample:101095433"  # 5 deliverables and a periodic report in the demo
    page = web.open(f"/project/{pid}?lang=fi", "window.__ra && window.__ra.view === 'project'")
    section = page.locator("#outputs")
    assert section.locator("h2").inner_text() == "Mitä hanke tuotti"
    links = section.locator("a")
    assert links.count() == 6
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
        assert links.nth(i).get_attribute("href").startswith("https://")
    # credited once: the outputs and the project have the same publisher, licence, attribution
    assert page.locator("main").inner_text().count("© European Union, CORDIS") == 1
    section.scroll_into_view_if_needed()
    web.shot("project-outputs")
    assert web.errors == []


@pytest.mark.parametrize("width", [360, 1440])
def test_usable_at_phone_and_desktop_width(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/?lang=en")
    page.wait_for_function(MAP_READY)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.locator("#map").bounding_box()["height"] > 200
    page.screenshot(path=str(__import__("pathlib").Path("test-artifacts") / f"width-{width}.png"))
    context.close()


def test_embed_shows_the_map_with_the_same_state(web):
    page = web.open("/embed?lang=fr&metric=participations&country=AT&level=2", MAP_READY)
    assert page.locator("header").count() == 0
    assert "Participations · NUTS 2" in page.locator("#legend").inner_text()
    assert page.evaluate("window.__ra.regions") == len(
        _api(web.base, "/api/aggregates?level=2&country=AT")["items"]
    )
    assert web.errors == []


def test_html_in_a_project_title_is_shown_as_text(browser, tmp_path, fixtures):
    """Constructed input: a real Horizon Europe fixture whose first title is given HTML markup."""
    from regioatlas.ingest import ingest
    from regioatlas.model.query import Page, ProjectFilter
    from regioatlas.store import open_store
    from tests.browser.conftest import LiveServer, Watched

    evil = '<img src=x onerror="window.__xss=1"><b>Bold</b> & Co'
    src = fixtures / "cordis"
    projects = (src / "he_projects.csv").read_text(encoding="utf-8")
    first_title = projects.splitlines()[1].split(",")[2]
    (tmp_path / "projects.csv").write_text(
        projects.replace(first_title, '"' + evil.replace('"', '""') + '"', 1), encoding="utf-8"
    )
    (tmp_path / "orgs.csv").write_text(
        (src / "he_organizations.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    store_path = tmp_path / "xss.duckdb"
    with open_store(str(store_path)) as store:
        ingest(store, "cordis-he-sample", [tmp_path / "projects.csv", tmp_path / "orgs.csv"])
        total, rows = store.query_projects(ProjectFilter(text="window.__xss"), Page())
    assert total == 1
    pid = rows[0]["id"]
    with open_store(str(store_path), read_only=True) as store:
        region = next(p["nuts3"] for p in store.project(pid)["participants"] if p["nuts3"])
    server = LiveServer(store_path)
    try:
        context = browser.new_context()
        web = Watched(context.new_page(), server.url)
        page = web.open(f"/project/{pid}?lang=en", "window.__ra && window.__ra.view === 'project'")
        assert page.locator("#project-title").inner_text() == evil
        assert page.locator("#project-title b").count() == 0
        page = web.open(f"/region/{region}?lang=en", "window.__ra && window.__ra.view === 'region'")
        assert evil in page.locator("#projects").inner_text()
        assert page.locator("#projects img").count() == 0
        assert page.evaluate("window.__xss") is None
        assert web.outside_requests() == []
        context.close()
    finally:
        server.stop()


def test_hover_shows_name_and_value_and_region_page_compares_with_helsinki_uusimaa(web):
    page = web.open("/?lang=en&level=3&z=7&lat=61.0&lon=25.66", MAP_READY)
    point = page.evaluate("""() => {
        const p = window.__ra.map.latLngToContainerPoint([61.0, 25.66]);
        const box = document.querySelector('#map').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector(".leaflet-tooltip")
    tip = page.locator(".leaflet-tooltip").inner_text()
    api = {i["code"]: i for i in _api(web.base, "/api/aggregates?level=3")["items"]}
    assert "Päijät-Häme (FI1C6)" in tip and str(api["FI1C6"]["projects"]) in tip
    page = web.open("/region/FI1C6?lang=en", "window.__ra && window.__ra.view === 'region'")
    neighbours = page.locator("table.data").last.inner_text()
    assert "Helsinki-Uusimaa (FI1B1)" in neighbours and "Kanta-Häme (FI1C2)" in neighbours
    assert web.errors == []


def test_compass_page_shows_each_target_with_the_gap_in_people(web):
    page = web.open("/compass/FI1C6?lang=en", "window.__ra && window.__ra.view === 'compass'")
    api = _api(web.base, "/api/compass/FI1C6")
    assert page.locator("h1").inner_text() == "Digital Compass: Päijät-Häme (FI1C6)"
    assert page.locator("section.target").count() == len(api["targets"])
    gigabit = next(t for t in api["targets"] if t["id"] == "gigabit_coverage")
    card = page.locator("section.target[data-target=gigabit_coverage]")
    assert f"{gigabit['gap']['low']:,} persons" in card.locator("dd[data-field=gap]").inner_text()
    assert card.locator("svg polyline").count() >= 2
    page.select_option("#lang", "fi")
    page.wait_for_function(
        "document.querySelector('h1').innerText.startsWith('Digitaalinen kompassi')"
    )
    web.shot("compass-fi")
    assert web.errors == []


def test_air_quality_page_puts_indices_and_standards_side_by_side(web):
    page = web.open("/air-quality?lang=en", "window.__ra && window.__ra.view === 'air-quality'")
    table = page.locator("#aq-table")
    headers = table.locator("thead th").all_inner_texts()
    assert any("EAQI 2024" in h for h in headers) and any("EAQI pre-2024" in h for h in headers)
    assert any("UBA" in h for h in headers) and any("CAQI" in h for h in headers)
    assert any("WHO 2021" in h for h in headers) and any("2024/2881" in h for h in headers)
    assert table.locator("tbody tr").count() == 5  # four Berlin stations and their NUTS 3 region
    assert "worst station" in table.locator("tbody tr").last.inner_text()
    web.shot("air-quality")
    assert web.errors == []


def test_scorecard_page_compares_with_the_metropolis_and_peers(web):
    page = web.open("/scorecard/FI1C3?lang=en", "window.__ra && window.__ra.view === 'scorecard'")
    api = _api(web.base, "/api/scorecard/FI1C3")
    assert (
        page.locator("h1").inner_text() == "Scorecard: Päijät-Häme (FI1C6)"
    )  # the 2021 code, shown in NUTS 2024
    assert "next to a metropolis" in page.locator("dd[data-field=type]").inner_text()
    assert "Helsinki-Uusimaa (FI1B1)" in page.locator("main").inner_text()
    for peer in api["peers"]["items"]:
        assert peer["code"] in page.locator("dd[data-field=peers]").inner_text()
    rows = page.locator("#profile tbody tr[data-indicator]")
    assert rows.count() == len(api["indicators"])
    gdp = next(i for i in api["indicators"] if i["id"] == "gdp_per_head_pps")
    assert (
        str(gdp["region"]["year"])
        in page.locator("#profile tr[data-indicator=gdp_per_head_pps]").inner_text()
    )
    # the charts over time and the ranking come once the figures above them are painted
    assert page.locator("#ranking tr.current").inner_text().startswith("Päijät-Häme (FI1C6)")
    assert page.locator("figure.small-chart").count() >= 5
    web.shot("scorecard")
    assert web.errors == []


def test_project_page_lists_similar_projects_from_other_countries(web):
    pid = _api(web.base, "/api/projects?source=fi-rakennerahastot&region=FI1C6&limit=1")["items"][
        0
    ]["id"]
    page = web.open(f"/project/{pid}?lang=en", "window.__ra && window.__ra.view === 'project'")
    page.wait_for_selector("#similar-list li", timeout=60_000)
    api = _api(web.base, f"/api/similar/{pid}?limit=8&per_source=3")
    assert page.locator("#similar-list li").count() == len(api["items"])
    kinds = page.eval_on_selector_all("#similar-list li", "els => els.map(e => e.dataset.kind)")
    assert set(kinds) <= {"synergy", "overlap"}
    other = {s for s, items in api["by_source"].items() if items}
    shown = page.eval_on_selector_all("section.by-source", "els => els.map(e => e.dataset.source)")
    assert set(shown) == other
    web.shot("project-similar")
    assert web.errors == []


def test_region_page_shows_synergies_and_overlaps_and_partner_search_works(web):
    page = web.open("/region/FI1C6?lang=en", "window.__ra && window.__ra.view === 'region'")
    page.wait_for_selector("#overlaps", timeout=60_000)
    api = _api(web.base, "/api/overlaps/FI1C6?limit=10")
    assert page.locator("#overlaps li").count() == sum(1 for x in api["items"] if x["score"] > 0)
    assert (
        page.locator("#overlaps a[download]").get_attribute("href")
        == "/api/overlaps/FI1C6?format=csv"
    )
    page = web.open(
        "/partners/FI1C6?lang=en&text=biorefinery", "window.__ra && window.__ra.view === 'partners'"
    )
    page.wait_for_selector("#partners tbody tr")
    api = _api(web.base, "/api/partners?limit=20&text=biorefinery&home=FI1C6")
    assert page.locator("#partners tbody tr").count() == len(api["items"])
    assert api["items"][0]["organisation"] in page.locator("#partners tbody tr").first.inner_text()
    assert "(FI1C6)" not in page.locator("#partners").inner_text()  # partners come from elsewhere
    assert web.errors == []


def test_data_page_lists_every_dataset_with_licence_and_attribution(web):
    page = web.open("/?lang=en", MAP_READY)
    page.click("footer a:has-text('Datasets and licences')")
    page.wait_for_function("window.__ra && window.__ra.view === 'data'")
    assert page.url.startswith(web.base + "/data")
    api = _api(web.base, "/api/datasets")["items"]
    rows = page.locator("#datasets tbody tr")
    assert rows.count() == len(api)
    text = page.locator("#datasets").inner_text()
    assert all(d["attribution"] in text and d["licence"] in text for d in api)
    assert web.errors == []
