"""Every UI string is extracted and translated in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from regioatlas.web.i18n import LANGUAGES, catalog

WEB = Path(__file__).resolve().parents[1] / "src/regioatlas/web"


def _js_strings() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (WEB / "static/app").glob("*.js"))
    return {
        m.encode().decode("unicode_escape") if "\\u" in m else m
        for m in re.findall(r'\b_\("((?:[^"\\]|\\.)*)"\)', text)
    }


def test_every_ui_string_is_in_the_template():
    with (WEB / "locale/messages.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    assert _js_strings() - template == set(), "run tools/i18n.sh"


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_ui_string_is_translated(lang):
    missing = sorted(s for s in _js_strings() if not catalog(lang).get(s))
    assert missing == []


def test_unknown_language_is_a_404_problem(app_client):
    r = app_client.get("/i18n/xx.json")
    assert r.status_code == 404 and r.json()["status"] == 404
    assert app_client.get("/i18n/fi.json").json()["Projects"] == "Hankkeet"


@pytest.mark.parametrize("path", ["/api/kpis", "/api/indicators"])
def test_every_measure_name_from_the_data_is_in_every_language(app_client, path):
    """Labels that come from data (measure names on the feature pages) exist in all five."""
    items = app_client.get(path).json()["items"]
    assert items
    missing = [
        (item["id"], lang)
        for item in items
        for lang in LANGUAGES
        if not (item.get("names") or {}).get(lang)
    ]
    assert missing == []


def test_feature_page_scripts_are_extracted():
    """The feature pages (scorecard, kpi, similarity, compare) are part of the catalogue."""
    text = {p.name: p.read_text(encoding="utf-8") for p in (WEB / "static/app").glob("*.js")}
    for name in ("scorecard.js", "kpi.js", "similarity.js", "compare.js", "region.js", "map.js"):
        assert re.search(r'\b_\("', text[name]), name
    assert {"Compare regions", "Published figures", "weak match"} <= _js_strings()
