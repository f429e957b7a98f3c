"""The API reads a page's view makes before it can draw, named in the page's shell.

The shell lists them as ``<link rel="preload" as="fetch" crossorigin>``: the browser asks for
them as soon as it reads the page's head, while it still reads and runs the page's scripts,
and the view's own ``fetch`` of the same URL takes the answer on its way instead of asking
again. Under a slow CPU the scripts take 300-600 ms before a view can ask for anything; the
answers are then there, or nearly.

Each rule mirrors the ``prefetch`` of a view in ``static/app`` and must build the same URLs to
the byte (the same parameters in the same order, encoded as ``URLSearchParams`` does): a URL
that differs is only a request too many, which tests/browser/test_first_reads.py catches.
Pages with a state these rules do not follow (a text search, a sort or page given in the URL)
name nothing and the view asks as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

#: the order the project lists of the region and compare pages start in
_LARGEST_FIRST = "-eu_contribution_eur"
#: the regions a compare page shows at most (compare.js ``MAX``)
_COMPARED = 4
#: the region the scorecard and Compass pages open without one (their views' ``defaultRegion``)
_DEFAULT_REGION = "FI1C6"
#: the atlas's map and its embed (the shell reads Leaflet from the start there, ui.py)
MAP_VIEW = re.compile(r"^(/embed)?/?$")


def _form(value: str) -> str:
    """A query value encoded as ``URLSearchParams.toString()`` does.

    Example
    -------
    >>> _form("Lahti ~ 5*2")
    'Lahti+%7E+5*2'
    """
    # quote() never escapes "~"; URLSearchParams does
    return quote(value, safe="*-._").replace("%20", "+").replace("~", "%7E")


def _component(value: str) -> str:
    """A path part encoded as ``encodeURIComponent`` does.

    Example
    -------
    >>> _component("cordis-he:101083671")
    'cordis-he%3A101083671'
    """
    return quote(value, safe="-_.!~*'()")


def _filters(query: Mapping[str, str], names: list[str], **extra: object) -> str:
    """``RA.filterParams(extra)``: the filters set in the URL in the panel's order, then ``extra``."""
    pairs = [(name, query[name]) for name in names if query.get(name)]
    pairs += [(key, str(value)) for key, value in extra.items()]
    return "&".join(f"{key}={_form(value)}" for key, value in pairs)


def _number(text: str | None) -> float | None:
    """``parseFloat`` of a query value, None where it gives NaN (or nothing)."""
    found = re.match(r"^\s*[-+]?(\d+\.?\d*|\.\d+)", text or "")
    return float(found.group(0)) if found else None


def draws_map(path: str, query: Mapping[str, str]) -> bool:
    """Whether the atlas page at ``path`` draws its map (not the map's table, ``table=1``).

    Example
    -------
    >>> draws_map("/embed", {}), draws_map("/", {"table": "1"}), draws_map("/data", {})
    (True, False, False)
    """
    return bool(MAP_VIEW.match(path)) and query.get("table") != "1"


#: the largest window whose map's first picture asks for the regions around its view alone
AROUND = (1920, 1200)
_MAX_LAT = 85.0511287798
_RAD = math.pi / 180


def around(lat: float, lon: float, z: float) -> str:
    """The whole degrees around the view of a 1920 × 1200 map at ``lat, lon`` and zoom ``z``
    (Web Mercator, 256 px tiles, the zoom snapped to halves within 3-10 as Leaflet does), as
    ``west,south,east,north``: the same box, by the same operations, as sketch.js ``around``.

    Example
    -------
    >>> around(61.5, 25, 6.5)
    '10,56,40,66'
    """
    zoom = min(10.0, max(3.0, math.floor(z * 2 + 0.5) / 2))
    scale = 256 * math.pow(2, zoom)

    def x_of(lon: float) -> float:
        return scale * (0.5 + lon / 360)

    def y_of(lat: float) -> float:
        y = max(-_MAX_LAT, min(_MAX_LAT, lat)) * _RAD
        return scale * (0.5 - math.log(math.tan(math.pi / 4 + y / 2)) / (2 * math.pi))

    def lat_of(y: float) -> float:
        return (2 * math.atan(math.exp(math.pi * (1 - 2 * y / scale))) - math.pi / 2) / _RAD

    width, height = AROUND
    x0 = math.floor(x_of(lon) - width / 2 + 0.5)
    y0 = math.floor(y_of(lat) - height / 2 + 0.5)
    west, east = (x0 / scale - 0.5) * 360, ((x0 + width) / scale - 0.5) * 360
    south, north = lat_of(y0 + height), lat_of(y0)
    box = (
        max(-180, math.floor(west)),
        max(-90, math.floor(south)),
        min(180, math.ceil(east)),
        min(90, math.ceil(north)),
    )
    return ",".join(str(v) for v in box)


def _map(query: Mapping[str, str], names: list[str]) -> list[str]:
    """The choropleth's reads (map.js ``choroplethRequests``: the figures alone for the table)
    and the selected region's summary."""
    z = _number(query.get("z")) or 4
    level_text = query.get("level") or "auto"
    if level_text == "auto":
        level = 0 if z < 4.5 else 1 if z < 5.5 else 2 if z < 6.5 else 3
    elif level_text in ("0", "1", "2", "3"):
        level = int(level_text)
    else:
        return []
    band = 4 if z < 5 else 6 if z < 7 else 8
    figures = "/api/aggregates?" + _filters(query, names, level=level)
    if query.get("table") == "1":
        reads = [figures]
    else:
        lat, lon = _number(query.get("lat")) or 54.5, _number(query.get("lon")) or 15
        box = f"&bbox={around(lat, lon, z)}" if level else ""
        reads = [f"/api/geometries?level={level}&zoom={band}{box}", figures]
        if level:
            reads.append(f"/api/geometries?level=0&zoom={band}")
    if query.get("sel"):
        reads.append(f"/api/regions/{_component(query['sel'])}/summary?" + _filters(query, names))
    return reads


def _region(code: str, query: Mapping[str, str], names: list[str]) -> list[str]:
    if query.get("sort") or query.get("page"):
        return []
    code = code.upper()
    return [
        f"/api/regions/{code}/summary?" + _filters(query, names),
        "/api/projects?"
        + _filters(query, names, region=code, limit=20, offset=0, sort=_LARGEST_FIRST),
        "/api/indicators",
    ]


def _compare(query: Mapping[str, str], names: list[str]) -> list[str]:
    codes = [c.strip().upper() for c in (query.get("regions") or "").split(",")]
    reads = []
    for code in [c for c in codes if re.match(r"^[A-Z]{2}[A-Z0-9]{0,3}$", c)][:_COMPARED]:
        reads.append(f"/api/regions/{code}/summary?" + _filters(query, names))
        reads.append(
            "/api/projects?" + _filters(query, names, region=code, limit=5, sort=_LARGEST_FIRST)
        )
    return reads


def _scorecard(code: str) -> list[str]:
    """The scorecard, the indicators' names, and the ranking of the regions of the code's
    country and NUTS level (scorecard.js ``reads``)."""
    return [
        f"/api/scorecard/{code}",
        "/api/indicators",
        f"/api/composite?level={len(code) - 2}&country={code[:2]}",
    ]


def _partners(region: str | None, query: Mapping[str, str]) -> list[str]:
    """The partner search for the text in the URL (similarity.js ``renderPartners``)."""
    text = query.get("text") or ""
    home = (region or query.get("home") or "").upper()
    if not text or not re.fullmatch(r"[A-Z0-9]*", home):
        return []
    return [f"/api/partners?limit=20&text={_component(text)}" + (f"&home={home}" if home else "")]


#: path pattern → the reads of the view it opens (path match, query, the filters' names)
_RULES: list[
    tuple[re.Pattern[str], Callable[[re.Match[str], Mapping[str, str], list[str]], list[str]]]
] = [
    (MAP_VIEW, lambda m, q, n: _map(q, n)),
    (re.compile(r"^/region/([A-Za-z0-9]+)/?$"), lambda m, q, n: _region(m[1], q, n)),
    (re.compile(r"^/project/(.+)$"), lambda m, q, n: [f"/api/projects/{_component(m[1])}"]),
    (re.compile(r"^/compare/?$"), lambda m, q, n: _compare(q, n)),
    (
        re.compile(r"^/scorecard(?:/([A-Za-z0-9]+))?/?$"),
        lambda m, q, n: _scorecard((m[1] or _DEFAULT_REGION).upper()),
    ),
    (
        re.compile(r"^/compass(?:/([A-Za-z0-9]+))?/?$"),
        lambda m, q, n: [f"/api/compass/{(m[1] or _DEFAULT_REGION).upper()}"],
    ),
    (re.compile(r"^/partners(?:/([A-Za-z0-9]+))?/?$"), lambda m, q, n: _partners(m[1], q)),
    (
        re.compile(r"^/air-quality(?:/[A-Za-z0-9]+)?/?$"),
        lambda m, q, n: ["/api/air-quality/datasets", "/api/air-quality/definitions"],
    ),
]


def first_reads(path: str, query: Mapping[str, str], filters: list[str]) -> list[str]:
    """The API URLs the view at ``path`` asks for before its first draw; ``filters`` are the
    filter panel's parameter names in order. Nothing for a page no rule follows.

    Example
    -------
    >>> first_reads("/region/fi1c6", {}, ["source"])[:2]
    ['/api/regions/FI1C6/summary?', '/api/projects?region=FI1C6&limit=20&offset=0&sort=-eu_contribution_eur']
    >>> first_reads("/", {"z": "6", "country": "FI"}, ["source", "country"])[1]
    '/api/aggregates?country=FI&level=2'
    >>> first_reads("/data", {}, [])
    []
    """
    for pattern, reads in _RULES:
        found = pattern.match(path)
        if found:
            return reads(found, query, filters)
    return []
