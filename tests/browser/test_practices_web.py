"""The done-when path of the good-practice exchange in Chromium: an editor publishes a practice
and an action plan through the web forms, a reviewer approves them, the practice appears in
search and in another region's recommendations, the plan page draws its KPI chart, and a
transfer of the practice recorded through the transfer form shows on the practice page."""

from __future__ import annotations

import re
import shutil
import urllib.request

import pytest

from regioatlas.analytics.measures import measures
from regioatlas.api.auth import create_token
from regioatlas.store import open_store
from tests.browser.conftest import LiveServer, Watched

CHALLENGE = "young people leave and an ageing population needs care at home"


class WritableServer(LiveServer):
    """The live server over a writable copy of the demo store (the shared one stays as built)."""

    def __init__(self, store_path):
        import threading
        import time

        import uvicorn

        from regioatlas.web.app import create_app
        from tests.browser.conftest import _free_port

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(str(store_path), read_only=False)
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def writable(demo_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("web-practices") / "atlas.duckdb"
    shutil.copy(demo_store_path, path)
    with open_store(str(path)) as store:
        tokens = {
            "eve": create_token(store, "eve", "editor"),
            "rita": create_token(store, "rita", "reviewer"),
        }
    server = WritableServer(path)
    # the first recommendation builds the NUTS 3 scorecard panel (slow on a loaded machine):
    # build it before the browser waits for a page
    for warm in ("/api/practices?limit=1", "/api/practice-recommendations/FI1DB?method=lexical"):
        with urllib.request.urlopen(server.url + warm, timeout=600) as r:
            assert r.status == 200
    yield server, tokens
    server.stop()


def _ready(view: str) -> str:
    return f"window.__ra && window.__ra.ready && window.__ra.view === '{view}'"


def _use_token(page, token: str) -> None:
    page.fill("#token-form input[name=token]", token)
    page.click("#token-form button")
    page.wait_for_selector("#worklist h2")


def test_an_editor_publishes_through_the_forms_and_a_reviewer_approves(browser, writable):
    server, tokens = writable
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    web = Watched(context.new_page(), server.url)
    page = web.open("/practices/edit?lang=en", _ready("practiceEdit"))
    _use_token(page, tokens["eve"])
    form = "#practice-form "
    page.fill(form + "input[name=title]", "Telepresence home care <b>keeps</b> villages alive")
    page.fill(form + "input[name=region]", "FI1C6")
    page.fill(
        form + "textarea[name=summary]", "Home care with telepresence robots and care apprentices."
    )
    page.fill(form + "textarea[name=challenge]", CHALLENGE)
    page.fill(form + "input[name=themes]", "Ageing; Care")
    page.click(form + "button[type=submit]")
    page.wait_for_function(
        "document.getElementById('edit-status').textContent.includes('Submitted')"
    )
    practice = re.search(r"(practice-\w+)", page.locator("#edit-status").inner_text()).group(1)

    plan_form = "#plan-form "
    page.fill(plan_form + "input[name=title]", "Päijät-Häme care plan")
    page.fill(plan_form + "input[name=region]", "FI1C6")
    page.fill(plan_form + "input[name=practices]", practice)
    page.fill(plan_form + "input[name=action]", "Robots in ten villages")
    page.fill(plan_form + "input[name=owner]", "Social services")
    page.fill(plan_form + "input[name=measure]", measures()[0].id)
    page.fill(plan_form + "input[name=baseline]", "10")
    page.fill(plan_form + "input[name=target]", "30")
    page.fill(plan_form + "input[name=observed]", "2026-03-31=14; 2026-06-30=18")
    page.click(plan_form + "button[type=submit]")
    page.wait_for_function("document.getElementById('edit-status').textContent.includes('plan-')")
    plan = re.search(r"(plan-\w+)", page.locator("#edit-status").inner_text()).group(1)
    web.shot("practices-edit-editor")

    _use_token(page, tokens["rita"])
    for item in (practice, plan):
        page.fill(f"#review-list li[data-id='{item}'] input", "Clear and well documented")
        page.click(f"#review-list li[data-id='{item}'] button.approve")
        page.wait_for_function(f"!document.querySelector(\"#review-list li[data-id='{item}']\")")
    web.shot("practices-edit-reviewer")

    page = web.open("/practices?lang=en&q=telepresence%20home%20care", _ready("practices"))
    first = page.locator("#practice-list li").first
    assert first.get_attribute("data-id") == practice
    assert "<b>keeps</b>" in first.inner_text()  # HTML shown as text
    assert page.locator("#practice-map .leaflet-interactive").count() >= 1
    web.shot("practices-catalogue")

    page = web.open(f"/learn/FI1DB?lang=en&challenge={CHALLENGE}", _ready("learn"))
    assert practice in page.eval_on_selector_all(
        "#learn-list li", "els => els.map(e => e.dataset.id)"
    )
    web.shot("practices-learn-FI1DB")

    page = web.open(f"/plan/{plan}?lang=en", _ready("plan"))
    assert page.locator("svg.kpi-chart polyline.observed").count() == 1
    assert "40 %" in page.locator(".kpi").first.inner_text()  # (18 - 10) / (30 - 10)
    web.shot("practices-plan")

    # a transfer, from the practice page's link: the editor records it, the reviewer approves
    page = web.open(f"/practice/{practice}?lang=en", _ready("practice"))
    page.click(f"a[href^='/practices/edit?practice={practice}']")
    page.wait_for_function(_ready("practiceEdit"))
    _use_token(page, tokens["eve"])
    transfer_form = "#transfer-form "
    assert page.input_value(transfer_form + "input[name=practice]") == practice
    page.fill(transfer_form + "input[name=region]", "FI1D8")
    page.fill(transfer_form + "input[name=city]", "Kajaani")
    page.select_option(transfer_form + "select[name=stage]", "started")
    page.fill(transfer_form + "input[name=date]", "2026-05-04")
    page.fill(transfer_form + "textarea[name=outcome]", "Robots in two villages")
    page.click(transfer_form + "button[type=submit]")
    page.wait_for_function(
        "document.getElementById('edit-status').textContent.includes('transfer-')"
    )
    transfer = re.search(r"(transfer-\w+)", page.locator("#edit-status").inner_text()).group(1)
    _use_token(page, tokens["rita"])
    page.click(f"#review-list li[data-id='{transfer}'] button.approve")
    page.wait_for_function(f"!document.querySelector(\"#review-list li[data-id='{transfer}']\")")

    page = web.open(f"/practice/{practice}?lang=fi", _ready("practice"))
    assert page.locator("#practice-title").inner_text().startswith("Telepresence home care")
    row = page.locator("#practice-transfers tbody tr").first.inner_text()
    assert "FI1D8" in row and "Kajaani" in row and "aloitettu" in row  # the stage in Finnish
    assert "Robots in two villages" in row
    web.shot("practices-transferred-fi")
    assert web.errors == []
    assert web.outside_requests() == []
    context.close()
