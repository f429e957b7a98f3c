"""Towns people know: municipalities by name (LAU gazetteer) and large places to label a map.

Searching "Lahti" should find the municipality of Lahti and its region, not every name that
contains "lahti" (Haapalahti, Pyylahti); the map needs a few well-known places to orient by.
Both read the package's gazetteers (``regioatlas/data/geo/ATTRIBUTION.md``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from regioatlas.geo.gazetteer import fold
from regioatlas.geo.nuts import read_table


@dataclass(frozen=True)
class Town:
    """A municipality (LAU 2019) and its NUTS 3 region of 2016."""

    country: str
    name: str
    name_latin: str
    population: int | None
    nuts3_2016: str


@dataclass(frozen=True)
class Place:
    """A populated place with its coordinates (GeoNames)."""

    country: str
    name: str
    lat: float
    lon: float
    population: int


@cache
def _municipalities() -> tuple[list[str], list[Town]]:
    """Every folded name of every municipality, sorted, beside its town (prefix search by bisect)."""
    t = read_table(
        "lau.parquet", ["country", "name_national", "name_latin", "population", "nuts3_2016"]
    ).to_pydict()
    pairs = []
    for i, cc in enumerate(t["country"]):
        pop = t["population"][i]
        town = Town(
            cc,
            t["name_national"][i],
            t["name_latin"][i] or t["name_national"][i],
            int(pop) if pop is not None and pop == pop else None,  # NaN != NaN
            t["nuts3_2016"][i],
        )
        for key in {fold(town.name), fold(town.name_latin)}:
            pairs.append((key, i, town))
    pairs.sort(key=lambda p: p[:2])
    return [p[0] for p in pairs], [p[2] for p in pairs]


def find_towns(text: str, limit: int = 5) -> list[Town]:
    """Municipalities whose name is ``text`` or starts with it, exact names and larger towns first.

    Example
    -------
    >>> [t.name for t in find_towns("Lahti", 1)]
    ['Lahti']
    """
    key = fold(text)
    if len(key) < 2:
        return []
    keys, towns = _municipalities()
    best: dict[int, tuple[int, int, Town]] = {}
    i = bisect_left(keys, key)
    while i < len(keys) and keys[i].startswith(key) and len(best) < 500:
        town = towns[i]
        rank = (0 if keys[i] == key else 1, -(town.population or 0), town)
        if id(town) not in best or rank[:2] < best[id(town)][:2]:
            best[id(town)] = rank
        i += 1
    return [h[2] for h in sorted(best.values(), key=lambda h: h[:2])[:limit]]


def warm() -> None:
    """Build the indexes now (a few seconds) so the first search of a server is fast."""
    _municipalities()
    _places()


@cache
def _places() -> list[Place]:
    t = read_table(
        "geonames.parquet", ["country", "name_local", "name", "lat", "lon", "population"]
    )
    rows = t.to_pydict()
    out = [
        Place(cc, rows["name_local"][i] or rows["name"][i], rows["lat"][i], rows["lon"][i], p)
        for i, cc in enumerate(rows["country"])
        if (p := int(rows["population"][i] or 0)) >= 20_000
    ]
    out.sort(key=lambda p: -p.population)
    return out


def major_places(min_population: int = 100_000) -> list[Place]:
    """Places of at least ``min_population`` inhabitants, largest first (map labels).

    Example
    -------
    >>> major_places(3_000_000)[0].name
    'Istanbul'
    """
    return [p for p in _places() if p.population >= min_population]
