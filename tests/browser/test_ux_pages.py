"""Issue 11, the pages people read: published figures, synergies, money, charts, town search,
region links and locator map (items 3, 6, 7, 9, 11)."""

from __future__ import annotations

import json
import re
import urllib.request

REGION_READY = "window.__ra && window.__ra.view === 'region'"
PROJECT_READY = "window.__ra && window.__ra.view === 'project'"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path) as r:
        return json.loads(r.read())


def test_item3_published_figures_have_names_units_and_years(web):
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    section = page.locator("#published")
    text = section.inner_text()
    assert "nama_10r" not in text and "demo_r_" not in text and "PPS_EU27" not in text
    assert "NUTS 2021" not in text
    series = {f["indicator"] for f in _api(web.base, "/api/regions/FI1C6/summary")["figures"]}
    rows = section.locator("tbody tr")
    assert rows.count() == len(series)  # one line per series, not one per year (108)
    population = section.locator("tr[data-series='demo_r_pjanaggr3/A.NR.T.TOTAL']").inner_text()
    assert "Population" in population and "persons" in population
    assert re.search(r"\b20\d\d\b", population)  # the year of the value
    web.shot("region-published-figures")
    assert web.errors == []


def test_item6_no_negative_score_is_a_synergy_or_an_overlap_and_places_have_names(web):
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    page.wait_for_selector("#synergies li", timeout=60_000)  # the first use builds the index
    overlaps = _api(web.base, "/api/overlaps/FI1C6?limit=10")["items"]
    assert page.locator("#overlaps li").count() == sum(1 for x in overlaps if x["score"] > 0)
    badges = page.locator("#synergies .badge").all_inner_texts()
    assert "related" not in badges and all(b in ("related project", "weak match") for b in badges)
    text = page.locator("#synergies").inner_text()
    assert not re.search(r"· FI1[A-Z0-9]{0,2} ·", text)  # names, not codes
    assert page.locator("#synergies .meter").count() == page.locator("#synergies li").count()
    synergies = _api(web.base, "/api/synergies/FI1C6?limit=8")["items"]
    coarse = [x for x in synergies if any(len(c) < 5 for c in x.get("regions") or [])]
    for x in coarse:  # no distance to the centre of a NUTS 1 or 2 region
        item = page.locator("#synergies li", has_text=x["title"]).first
        assert " km" not in item.inner_text()
    assert web.errors == []


def test_item7_money_says_what_it_counts(web):
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    assert "participants located in this region" in page.locator(".overview").inner_text()
    assert "whole project" in page.locator("#projects thead").inner_text()
    pid = "cordis-he-sample:101083671"
    project = _api(web.base, f"/api/projects/{pid}")
    assert project["eu_contribution_eur"] is None
    total = sum(x["eu_contribution_eur"] or 0 for x in project["participants"])
    page = web.open(f"/project/{pid}?lang=en", PROJECT_READY)
    shown = page.locator("dd[data-field=eu_contribution]").inner_text()
    assert "–" not in shown and "sum of the participants" in shown
    assert int(re.sub(r"\D", "", shown.split("(")[0])) == round(total)
    assert web.errors == []


def test_item9_charts_have_axes_values_every_year_and_no_lonely_unknown_bar(web):
    page = web.open("/region/AT127?lang=en", REGION_READY)
    summary = _api(web.base, "/api/regions/AT127/summary")
    chart = page.locator("figure.chart").first
    years = [r["key"] for r in summary["by_year"]]
    labels = chart.locator("svg text").evaluate_all("els => els.map(e => e.textContent)")
    for y in range(min(years), max(years) + 1):  # no gaps between years
        assert str(y) in labels
    assert any("€" in t for t in labels)  # a value axis and values
    types = page.locator("figure.chart").nth(1)
    if [r["key"] for r in summary["by_org_type"]] == ["unknown"]:
        assert types.locator("svg").count() == 0 and "do not publish" in types.inner_text()
    page = web.open("/region/FI1B1?lang=en", REGION_READY)
    bars = (
        page.locator("figure.chart")
        .nth(1)
        .locator("svg text")
        .evaluate_all("els => els.map(e => e.textContent)")
    )
    assert "Private company" in bars and "Research organisation" in bars  # one label each
    web.shot("region-charts")
    assert web.errors == []


def test_item11_a_town_finds_its_region(web):
    page = web.open("/?lang=en", "window.__ra && window.__ra.ready && window.__ra.regions > 0")
    page.fill("#search", "Lahti")
    page.wait_for_selector("#search-list li")
    first = page.locator("#search-list li").first.inner_text()
    assert "Lahti" in first and "Päijät-Häme" in first
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("location.pathname === '/region/FI1C6'")
    assert web.errors == []


def test_item11_region_page_links_its_feature_pages_and_shows_where_it_lies(web):
    page = web.open("/region/AT127?lang=en", REGION_READY)
    links = page.locator("nav.region-links a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h.startswith("/scorecard/AT127") for h in hrefs)
    assert any(h.startswith("/compass/AT127") for h in hrefs)
    assert any(h.startswith("/partners/AT127") for h in hrefs)
    page.wait_for_selector(
        "#locator .leaflet-overlay-pane canvas, #locator .leaflet-overlay-pane svg"
    )
    assert web.errors == []


def test_item11_compare_puts_regions_side_by_side_with_a_shareable_url(web):
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    page.click("nav.region-links a:has-text('Compare with other regions')")
    page.wait_for_function("location.pathname === '/compare' && window.__ra.view === 'compare'")
    page.fill("#compare-add", "Wiener Umland/Südteil (AT127)")
    page.click("form.picker button[type=submit]")
    page.wait_for_function(
        "location.search.includes('regions=FI1C6%2CAT127') || location.search.includes('regions=FI1C6,AT127')"
    )
    page.wait_for_selector("#compare-table th[data-code=AT127]")
    heads = page.eval_on_selector_all(
        "#compare-table thead th", "els => els.map(e => e.dataset.code)"
    )
    assert heads == ["FI1C6", "AT127"]
    at = _api(web.base, "/api/regions/AT127/summary")
    row = page.locator("#compare-table tbody tr").first.inner_text()
    assert str(at["projects"]) in row
    assert page.locator("figure.chart").count() == 2
    page.reload()
    page.wait_for_selector("#compare-table th[data-code=AT127]")  # the URL restores it
    web.shot("compare")
    assert web.errors == []


def test_item11_a_time_slider_shows_the_projects_running_in_one_year(web):
    page = web.open(
        "/?lang=en&level=0&classes=fixed",
        "window.__ra && window.__ra.ready && window.__ra.regions > 0 && window.__ra.map",
    )
    page.locator("#year").fill("2016")
    page.locator("#year").dispatch_event("change")
    page.wait_for_function(
        "location.search.includes('from=2016') && location.search.includes('to=2016')"
    )
    page.wait_for_function("document.querySelector('#year-out').textContent === '2016'")
    api = _api(web.base, "/api/aggregates?level=0&from=2016&to=2016")
    page.wait_for_function(f"window.__ra.regions === {len(api['items'])}")
    assert "every region" in page.locator("#legend").inner_text()  # classes comparable over time
    page.click(".timebar button:has-text('All years')")
    page.wait_for_function("!location.search.includes('from=2016')")
    assert web.errors == []


def test_item11_region_page_breaks_funding_down_by_programme(web):
    page = web.open("/region/FI1B1?lang=en", REGION_READY)
    summary = _api(web.base, "/api/regions/FI1B1/summary")
    chart = page.locator("figure.chart", has_text="EU funding by programme")
    labels = chart.locator("svg text").evaluate_all("els => els.map(e => e.textContent)")
    assert sum(1 for r in summary["by_source"] if r["eu_contribution_eur"]) == len(labels) // 2
    assert "Horizon Europe" in labels
    # the Finnish list gives EU plus national funding only: never shown as EU funding (issue 10)
    assert "Structural funds, Finland" not in labels
    assert web.errors == []
