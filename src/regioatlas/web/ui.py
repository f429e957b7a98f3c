"""The web app's pages: one HTML shell for every view; the views are drawn by static/app/app.js."""

from __future__ import annotations

import json
from html import escape
from importlib import resources

from regioatlas import __version__
from regioatlas.web.i18n import LANGUAGES, catalog

BOUNDARIES = "© EuroGeographics for the administrative boundaries"
#: the page script of each feature whose routes are installed (static/app/<name>.js)
FEATURE_SCRIPTS = ("kpi", "scorecard", "similarity")


def shell_html(
    lang: str,
    *,
    embed: bool = False,
    attributions: list[str] | None = None,
    features: list[str] | None = None,
) -> str:
    """The page shell: styles, the vendored Leaflet, the app script and its start-up config.

    The config (language, its catalog, attributions) is inlined so the first paint needs no
    extra round trip; ``</`` is escaped so no data can close the script element.
    """
    config = {
        "lang": lang,
        "languages": LANGUAGES,
        "catalog": catalog(lang),
        "embed": embed,
        "attributions": [BOUNDARIES, *(attributions or [])],
        "version": __version__,
        "features": features or [],
    }
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    body_class = "embed" if embed else ""
    static = resources.files("regioatlas.web").joinpath("static", "app")
    scripts = "\n".join(
        f'<script src="/static/app/{name}.js?v={__version__}"></script>'
        for name in FEATURE_SCRIPTS
        if name in (features or []) and static.joinpath(f"{name}.js").is_file()
    )
    return f"""<!doctype html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RegioAtlas</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">
<link rel="stylesheet" href="/static/app/app.css?v={__version__}">
</head><body class="{body_class}">
<a class="skip" href="#main">…</a>
<div id="app" aria-busy="true"></div>
<script id="ra-config" type="application/json">{data}</script>
<script src="/static/vendor/leaflet/leaflet.js"></script>
<script src="/static/app/app.js?v={__version__}"></script>
{scripts}
</body></html>"""
