"""A project url of `javascript:` read through a profile never becomes a link that runs."""

from __future__ import annotations

from tests.browser.conftest import LiveServer, Watched

PROFILE = """
name = "url-test"
title = "A list of operations with a url column (test)"
country = "FI"
language = "fi"
publisher = "test"
licence = "CC BY 4.0"
attribution = "test"
delimiter = ";"
date_format = "%d.%m.%Y"
currency = "EUR"
fund = "ERDF"

[columns]
id = "Id"
title = "Nimi"
beneficiary = "Toteuttaja"
start_date = "Alku"
total_cost = "Kustannus"
municipality = "Kunta"
url = "Linkki"
"""
LIST = (
    "Id;Nimi;Toteuttaja;Alku;Kustannus;Kunta;Linkki\n"
    "A1;Evil link;Lahden kaupunki;01.02.2017;1000;Lahti;javascript:alert(1)\n"
    "A2;Data link;Lahden kaupunki;01.02.2017;1000;Lahti;  JaVaScRiPt:alert(2)\n"
    "A3;Good link;Hämeenlinnan kaupunki;01.02.2017;1000;Hämeenlinna;https://example.org/a3\n"
)


def test_javascript_url_from_a_profile_is_no_link_and_never_runs(browser, tmp_path):
    from regioatlas.ingest import ingest
    from regioatlas.store import open_store

    (tmp_path / "p.toml").write_text(PROFILE, "utf-8")
    (tmp_path / "list.csv").write_text(LIST, "utf-8")
    store_path = tmp_path / "urls.duckdb"
    with open_store(str(store_path)) as store:
        ingest(store, f"profile:{tmp_path / 'p.toml'}", [tmp_path / "list.csv"])
    server = LiveServer(store_path)
    try:
        context = browser.new_context()
        web = Watched(context.new_page(), server.url)
        dialogs: list[str] = []
        web.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        ready = "window.__ra && window.__ra.view === 'project'"
        for pid in ("url-test:A1", "url-test:A2"):
            page = web.open(f"/project/{pid}?lang=en", ready)
            assert page.locator("#project-title").inner_text()
            assert page.locator("a[href^='javascript' i]").count() == 0
            assert page.get_by_text("Original record").count() == 0
            for link in page.locator("main a").all():  # every link on the page, clicked
                if link.is_visible() and (link.get_attribute("href") or "").startswith("java"):
                    link.click()
        page = web.open("/project/url-test:A3?lang=en", ready)
        good = page.get_by_text("Original record")
        assert good.get_attribute("href") == "https://example.org/a3"
        assert dialogs == []
        assert not [e for e in web.errors if "Content Security Policy" in e], web.errors
        context.close()
    finally:
        server.stop()
