"""Every page at desktop and phone size: axe-core (vendored from npm, tests/browser/vendor/,
version 4.14.1, MPL-2.0) finds no WCAG 2.1 A/AA violation; a screenshot of each is kept in
test-artifacts/pages/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
READY = "window.__ra && window.__ra.ready"
#: what a page draws after its first picture, waited for before the audit
LATER = {
    "map": "window.__ra.map",  # the map replacing its first picture
    "map-finland-nuts3": "window.__ra.map",
    "embed": "window.__ra.map",
    "scorecard": "document.querySelector('#ranking')",  # the charts and ranking below
    "map-table": "document.querySelectorAll('#region-table tbody tr').length === window.__ra.regions",
}
PAGES = {
    "map": "/?lang=en",
    "map-finland-nuts3": "/?lang=fi&level=3&z=6.5&lat=61.5&lon=25&sel=FI1C6",
    "map-table": "/?lang=de&level=2&table=1",
    "embed": "/embed?z=5&lat=62&lon=24&country=FI",
    "region": "/region/FI1C6?lang=en",
    "region-at": "/region/AT127?lang=de",
    # a project with deliverables: the "What the project produced" section is checked too
    "project": "/project/cordis-he-sample:101147451?lang=en",
    "data": "/data?lang=en",
    "compare": "/compare?lang=en&regions=FI1C6,AT127",
    "scorecard": "/scorecard/FI1C6?lang=en",
    "compass": "/compass/FI1C6?lang=en",
    "air-quality": "/air-quality?lang=en",
    "partners": "/partners/FI1C6?lang=en&text=biorefinery",
    "not-found": "/region/XX9?lang=en",
}
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_no_wcag_aa_violation(browser, live_server, name, size):
    width, height = SIZES[size]
    # bypass_csp: only so that the test can inject axe-core; the page itself runs under the CSP
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    page.goto(live_server.url + PAGES[name])
    page.wait_for_function(READY, timeout=60_000)
    page.wait_for_function(LATER.get(name, "true"), timeout=60_000)
    page.wait_for_timeout(300)  # the map's tiles of geometry and the page's late sections
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pages" / f"{name}-{size}.png"))
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, { runOnly: { type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
            .then(r => r.violations.map(v => ({ id: v.id, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))"""
    )
    context.close()
    assert result == []
