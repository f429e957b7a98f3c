"""The web app's pages: one HTML shell for every view; the views are drawn by static/app/app.js."""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from importlib import resources

from regioatlas import __version__
from regioatlas.web.assets import asset_url, bundle
from regioatlas.web.first_reads import draws_map
from regioatlas.web.i18n import LANGUAGES, catalog, country_names, number_formats

BOUNDARIES = "© EuroGeographics for the administrative boundaries"
#: the atlas's own views, loaded right after its core script ``app.js`` (which defines ``RA``)
ATLAS_VIEWS = ("widgets", "filters", "sketch", "map", "region", "project", "data", "compare")
#: feature scripts that add sections to the atlas's region and project pages (``RA.hooks``):
#: an atlas page reads them before its first draw, so that those sections are drawn with it
ATLAS_HOOKS = ("similarity",)
#: the page scripts whose views mostly draw a map: their pages fetch Leaflet from the start
#: (a preload, not run: the view that draws runs it, app.js ``leaflet()``)
MAP_PAGES = ("app", "organisations", "practices")


def page_scripts(features: list[str]) -> list[str]:
    """The scripts the shell loads: each feature's page script, the atlas core followed by its views.

    Example
    -------
    >>> page_scripts(["app", "kpi"])[:3]
    ['app', 'widgets', 'filters']
    """
    out: list[str] = []
    for name in features:
        out.append(name)
        if name == "app":
            out.extend(ATLAS_VIEWS)
    return out


def first_scripts(page: str, scripts: list[str]) -> list[str]:
    """The scripts a page reads before its first draw: the atlas (its core and views, which
    every page links to), the page's own script, and on atlas pages the scripts hooked into them.

    Example
    -------
    >>> first_scripts("kpi", ["app", "scorecard", "kpi", "similarity"])[-2:]
    ['compare', 'kpi']
    >>> first_scripts("app", ["app", "scorecard", "kpi", "similarity"])[-1]
    'similarity'
    """
    wanted = [*page_scripts(["app"]), page]
    if page == "app":
        wanted += [name for name in ATLAS_HOOKS if name in scripts]
    return list(dict.fromkeys(name for name in wanted if name in page_scripts(scripts)))


def shell_html(
    lang: str,
    *,
    embed: bool = False,
    attributions: list[str] | None = None,
    scripts: list[str] | None = None,
    filters: list[dict] | None = None,
    boot: dict | None = None,
    page: str = "app",
    reads: list[str] | None = None,
    path: str = "/",
    query: Mapping[str, str] | None = None,
) -> str:
    """The page shell: styles, the features' page scripts, the config.

    ``scripts`` are the features' page scripts in registry order (``static/app/<name>.js``;
    the atlas's ``app`` first, it defines the shared ``RA``); ``page`` is the script of the
    feature whose page this is. The page reads what it needs for its first draw as one bundle
    (``first_scripts``), and the other features' scripts as a second one, which the config
    names and ``app.js`` reads once the first view is drawn: their views register when they
    arrive (the menu and the links to them follow). No page runs Leaflet's script before its
    first draw: the config gives its URL and its stylesheet's, and a view that draws a map
    reads and runs them (app.js ``leaflet()``), so a page without a map never does; a page
    whose first view is a map (``path`` and ``query``: the atlas's map, not its table; the
    pages of ``MAP_PAGES``) names
    the stylesheet and fetches the script from the start. ``reads`` are the API URLs the
    page's view asks for before its first draw (``first_reads.py``): the browser asks for them
    at once. The config (language, its catalog, attributions, the filter panel's fields, and
    ``boot``: the data every page needs before its first draw, the filters' values ``facets``
    and the ``datasets``) is inlined so the first draw waits for no round trip; ``</`` is
    escaped so no data can close the script element.

    Example
    -------
    >>> html = shell_html("fi", scripts=["app", "kpi"], page="kpi")
    >>> html.count("<script src="), "leaflet.js" in html.split('id="ra-config"')[1]
    (1, True)
    """
    config = {
        "lang": lang,
        "languages": LANGUAGES,
        "catalog": catalog(lang),
        "countries": country_names(lang),
        "formats": number_formats(lang),
        "embed": embed,
        "attributions": [BOUNDARIES, *(attributions or [])],
        "version": __version__,
        "features": [name for name in scripts or [] if name != "app"],
        "filters": filters or [],
        # read by a view that draws a map
        "leaflet": asset_url("vendor/leaflet/leaflet.js"),
        "leafletCss": asset_url("vendor/leaflet/leaflet.css"),
        **(boot or {}),
    }
    first = first_scripts(page, scripts or [])
    rest = tuple(name for name in page_scripts(scripts or []) if name not in first)
    if rest:
        config["later"] = bundle(rest).url  # read after the first draw
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    body_class = "embed" if embed else ""
    map_first = page in MAP_PAGES and (page != "app" or draws_map(path, query or {}))
    preload = (
        f'<link rel="stylesheet" href="{config["leafletCss"]}">\n'
        f'<link rel="preload" as="script" href="{config["leaflet"]}">\n'
        if map_first
        else ""
    )
    preload += "".join(
        f'<link rel="preload" as="fetch" crossorigin href="{escape(url)}">\n' for url in reads or []
    )
    return f"""<!doctype html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RegioAtlas</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{asset_url("app/app.css")}">
{preload}</head><body class="{body_class}">
<a class="skip" href="#main">…</a>
<div id="app" aria-busy="true"></div>
<script id="ra-config" type="application/json">{data}</script>
<script src="{bundle(tuple(first)).url}"></script>
</body></html>"""


def check_scripts(names: list[str]) -> list[str]:
    """The page scripts, after checking at start-up that each is in ``static/app``.

    Example
    -------
    >>> check_scripts(["app"])
    ['app']
    """
    static = resources.files("regioatlas.web").joinpath("static", "app")
    for name in page_scripts(names):
        if not static.joinpath(f"{name}.js").is_file():
            raise FileNotFoundError(f"the page script static/app/{name}.js of a feature is missing")
    return names
