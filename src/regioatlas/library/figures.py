"""The atlas figures per region, computed once for the library, the API and the CLI.

Plain rows in, plain rows out: a store, a NUTS registry and a validated filter give the
per-region rows that ``AtlasFrames.aggregates`` turns into a DataFrame and the
``/api/aggregates`` handler into JSON.
"""

from __future__ import annotations

from typing import Any

from regioatlas.model.query import ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store.base import Store


def latest_population(store: Store, codes: list[str], version: int) -> dict[str, dict[str, Any]]:
    """The latest population figure of each region (value, year, flag), by code.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> latest_population(open_store("duckdb://:memory:"), ["FI1C2"], 2024)
    {}
    """
    if not codes:
        return {}
    latest: dict[str, dict[str, Any]] = {}
    for f in store.figures("population", version, codes=codes):
        if f.value is not None and (
            f.nuts_code not in latest or f.year > latest[f.nuts_code]["year"]
        ):
            latest[f.nuts_code] = {"value": f.value, "year": f.year, "flag": f.flag}
    return latest


def aggregate_rows(store: Store, registry: Any, level: int, flt: ProjectFilter) -> list[dict]:
    """Per region of a NUTS level (atlas version): projects, participations, EU contribution
    in EUR, the latest population and the EU contribution per inhabitant.

    Parameters
    ----------
    store : Store
        Where the projects are.
    registry : NutsRegistry
        For the region names.
    level : int
        NUTS level, 0-3 (validated by the caller).
    flt : ProjectFilter
        The validated filters (``regioatlas.api.params.parse_filter``).

    Returns
    -------
    list of dict
        One row per region with participations: ``code``, ``name``, ``projects``,
        ``participations``, ``eu_contribution_eur``, ``public_funding_eur`` (EU + national
        public funding where a list gives only that, e.g. the Finnish list; None elsewhere),
        ``population``, ``population_year``, ``eu_contribution_per_inhabitant`` (None without
        population).

    Example
    -------
    >>> from regioatlas.geo.nuts import NutsRegistry
    >>> from regioatlas.store import open_store
    >>> aggregate_rows(open_store("duckdb://:memory:"), NutsRegistry.default(), 3, ProjectFilter())
    []
    """
    rows = store.aggregate(level, flt)
    pops = latest_population(store, [r["code"] for r in rows], ATLAS_VERSION)
    names = {r.code: r for r in registry.regions(ATLAS_VERSION, level)}
    items = []
    for row in rows:
        region = names.get(row["code"])
        pop = pops.get(row["code"])
        eu = row["eu_contribution_eur"]
        items.append(
            {
                "code": row["code"],
                "name": region.name_latin if region else None,
                "projects": row["projects"],
                "participations": row["participations"],
                "eu_contribution_eur": eu,
                "public_funding_eur": row.get("public_funding_eur"),
                "population": pop["value"] if pop else None,
                "population_year": pop["year"] if pop else None,
                "eu_contribution_per_inhabitant": (eu / pop["value"])
                if (pop and eu is not None and pop["value"])
                else None,
            }
        )
    return items
