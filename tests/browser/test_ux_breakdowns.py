"""Issue 11, item 11: breakdowns by theme or intervention field, clickable organisations."""

from __future__ import annotations

import json
import urllib.request

REGION_READY = "window.__ra && window.__ra.view === 'region'"
PROJECT_READY = "window.__ra && window.__ra.view === 'project'"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path) as r:
        return json.loads(r.read())


def test_region_page_breaks_its_projects_down_by_theme_with_a_chart_and_a_table(web):
    summary = _api(web.base, "/api/regions/FI1C6/summary")
    themes = {r["key"]: r["projects"] for r in summary["by_theme"]}
    # Päijät-Häme: the priority axes of the Finnish list of operations
    assert any(key.startswith("TL1 ") for key in themes) and len(themes) > 1
    assert sum(themes.values()) == summary["projects"]  # one theme per project: they add up
    page = web.open("/region/FI1C6?lang=en", REGION_READY)
    section = page.locator("#themes")
    assert section.locator("h2").inner_text() == "Projects by theme or intervention field"
    assert section.locator("figure.chart svg rect").count() >= 2
    rows = section.locator("#theme-table tbody tr")
    largest = max(themes, key=lambda k: themes[k])
    first = rows.nth(0).inner_text()
    assert largest in first and f"{themes[largest]:,}" in first
    shown = sum(
        int(rows.nth(i).locator("td").nth(0).inner_text().replace(",", ""))
        for i in range(rows.count())
    )
    assert shown == summary["projects"]  # the table, "Other themes" included, is the whole
    section.scroll_into_view_if_needed()
    web.shot("region-themes")
    assert web.errors == []


def test_intervention_fields_of_lower_austria_and_the_breakdown_in_finnish(web):
    page = web.open("/region/AT12?lang=de", REGION_READY)
    table = page.locator("#theme-table").inner_text()
    assert "Interventionsbereich" in table  # the column header, translated
    # an intervention field of the Austrian ERDF list (its categories of intervention)
    assert "2 - Forschungs- und Innovationsprozesse in großen Unternehmen" in table
    page = web.open("/region/FI1C6?lang=fi", REGION_READY)
    heading = page.locator("#themes h2").inner_text()
    assert heading == "Hankkeet teemoittain tai toimenpidealoittain"
    assert web.errors == []


def test_participant_names_link_to_their_organisation_page_only_with_an_id(web):
    pid = "cordis-he-sample:101083671"
    project = _api(web.base, f"/api/projects/{pid}")
    page = web.open(f"/project/{pid}?lang=en", PROJECT_READY)
    links = page.locator("table.data a.organisation")
    with_id = [p for p in project["participants"] if p.get("organisation_id") is not None]
    # no id is made up: a name links only when the API gives its organisation's id
    assert links.count() == len(with_id)
    for i, p in enumerate(with_id):
        assert (
            links.nth(i).get_attribute("href").startswith(f"/organisation/{p['organisation_id']}")
        )
    names = page.locator("table.data tbody tr td:first-child").all_inner_texts()
    assert [p["name"] for p in project["participants"]][:3] == names[:3]
    # the rendering function itself, with and without an id
    linked = page.evaluate(
        "() => { const n = RA.organisationName({ name: 'Lahden kaupunki', organisation_id: 'fi:0164609-6' });"
        " return [n.tagName, n.getAttribute('href'), n.textContent]; }"
    )
    assert linked == ["A", "/organisation/fi%3A0164609-6?lang=en", "Lahden kaupunki"]
    plain = page.evaluate(
        "() => { const n = RA.organisationName({ name: 'LAB-ammattikorkeakoulu' });"
        " return [n.nodeType, n.textContent]; }"
    )
    assert plain == [3, "LAB-ammattikorkeakoulu"]  # a text node, no link
    assert web.errors == []
