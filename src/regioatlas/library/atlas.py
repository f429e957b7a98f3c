"""The analyst's door: the atlas as pandas DataFrames and GeoPandas GeoDataFrames.

``open_atlas(store)`` gives an :class:`AtlasFrames`; every query takes the atlas filters as
keyword arguments, validated by the same parsing as the HTTP API (a bad value raises
``BadInput`` naming the parameter), and returns a DataFrame, or a GeoDataFrame (EPSG:4326)
with ``geometry=True``. The CLI prints these frames; the API's aggregates come from the same
functions (:mod:`regioatlas.library.figures`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pandas as pd

from regioatlas.api.params import parse_filter, parse_level, parse_page, parse_version
from regioatlas.library.figures import aggregate_rows
from regioatlas.library.frames import frame, geoframe
from regioatlas.model.errors import BadInput
from regioatlas.model.query import ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store import open_store, sql
from regioatlas.store.base import Store

if TYPE_CHECKING:
    pass

#: the atlas filters, as keyword arguments (``from_`` because ``from`` is a Python keyword)
FILTERS = ("source", "programme", "fund", "q", "from", "to", "country", "region", "version",
           "org_type")  # fmt: skip
REGION_COLUMNS = ["code", "version", "level", "country", "name_latin", "name_national", "parent"]
AGGREGATE_COLUMNS = ["code", "name", "projects", "participations", "eu_contribution_eur",
                     "public_funding_eur", "population", "population_year", "eu_contribution_per_inhabitant"]  # fmt: skip
PROJECT_COLUMNS = ["id", "source", "native_id", "programme", "fund", "title", "acronym", "status",
                   "start_date", "end_date", "total_cost_eur", "eu_contribution_eur", "currency",
                   "country", "dataset_id"]  # fmt: skip
PARTICIPANT_COLUMNS = [name for name, _ in sql.PARTICIPANT_COLUMNS if name != "dataset_id"] + [
    "project_acronym", "project_title", "project_source", "project_programme"]  # fmt: skip


def open_atlas(store: Store | str, registry: Any = None) -> AtlasFrames:
    """The atlas over a store (an open ``Store`` or a store URL), as data frames.

    Parameters
    ----------
    store : Store or str
        An open store, or a URL (``duckdb:///path/atlas.duckdb``, a DuckDB file path, ...):
        a URL is opened read-only, and closed by ``AtlasFrames.close()`` or ``with``.
    registry : NutsRegistry, optional
        The NUTS regions (the shipped ones by default).

    Example
    -------
    >>> atlas = open_atlas(store_url)
    >>> atlas.aggregates(level=0).set_index("code").loc["FI", "projects"] > 1000
    np.True_
    """
    if isinstance(store, str):
        return AtlasFrames(open_store(store, read_only=True), registry, owns_store=True)
    return AtlasFrames(store, registry)


class AtlasFrames:
    """Regions, projects, participants, aggregates, scorecards, KPIs and similar projects
    of one store, as DataFrames (see :func:`open_atlas`)."""

    def __init__(self, store: Store, registry: Any = None, *, owns_store: bool = False):
        from regioatlas.geo.nuts import NutsRegistry

        self.store = store
        self.registry = registry or NutsRegistry.default()
        self._owns_store = owns_store

    def close(self) -> None:
        """Close the store if ``open_atlas`` opened it from a URL."""
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> AtlasFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- filters -----------------------------------------------------------------------
    def filter(self, **filters: Any) -> ProjectFilter:
        """The validated filter of keyword arguments (what every query below applies).

        Parameters
        ----------
        **filters
            ``source``, ``programme``, ``fund`` (a value, comma-separated values or a list),
            ``q`` (text), ``from_`` and ``to`` (``YYYY`` or ``YYYY-MM-DD``), ``country``,
            ``region`` (a NUTS code of ``version``, default 2024), ``org_type``.

        Example
        -------
        >>> atlas.filter(region="FI1C6", from_=2016).period_from
        datetime.date(2016, 1, 1)
        >>> atlas.filter(colour="blue")
        Traceback (most recent call last):
        ...
        regioatlas.model.errors.BadInput: unknown filter 'colour'; one of source, programme, fund, q, from_, to, country, region, version, org_type
        """
        return parse_filter(_params(filters), self.registry)

    # --- regions -----------------------------------------------------------------------
    def regions(
        self,
        version: int | str | None = None,
        level: int | str | None = None,
        country: str | None = None,
        *,
        geometry: bool = True,
        zoom: float | None = None,
    ) -> pd.DataFrame:
        """NUTS regions of a version (default 2024), optionally of one level and country.

        Returns a GeoDataFrame of their polygons (EPSG:4326; simplified for a web-map
        ``zoom``, full without it), or a DataFrame with ``geometry=False``.

        Example
        -------
        >>> fi = atlas.regions(level=3, country="FI", zoom=6)
        >>> fi.loc[fi.code == "FI1C6", ["name_latin", "parent"]].values.tolist()
        [['Päijät-Häme', 'FI1C']]
        >>> fi.crs.to_string(), fi.dropna().geom_type.isin(["Polygon", "MultiPolygon"]).all()
        ('EPSG:4326', np.True_)
        """
        v = parse_version(version)
        lvl = None if level in (None, "") else parse_level(level)
        regions = self.registry.regions(v, lvl, (country or "").upper() or None)
        df = frame((dataclasses.asdict(r) for r in regions), None)
        df = df[REGION_COLUMNS] if len(df) else frame([], REGION_COLUMNS)
        if not geometry:
            return df
        shapes: dict[str, dict] = {}
        for one in sorted({r.level for r in regions}):
            shapes |= self.registry.geometries(v, one, zoom)
        return geoframe(df, [shapes.get(r.code) for r in regions])

    # --- projects and participants -----------------------------------------------------
    def projects(
        self, *, limit: int | None = None, offset: int = 0, sort: str = "id", **filters: Any
    ) -> pd.DataFrame:
        """Projects under the filters (every one when ``limit`` is None), sorted by ``sort``
        (a column; prefix ``-`` for descending). ``attrs["total"]`` is how many match.

        Example
        -------
        >>> top = atlas.projects(region="FI1C6", sort="-total_cost_eur", limit=3)
        >>> len(top), top.attrs["total"] > 3, top.total_cost_eur.is_monotonic_decreasing
        (3, True, True)
        """
        flt = self.filter(**filters)
        page = parse_page({"limit": 1 if limit is None else limit, "offset": offset, "sort": sort})
        if limit is None:  # every project: one page as long as the whole list
            total, _ = self.store.query_projects(flt, dataclasses.replace(page, limit=1))
            page = dataclasses.replace(page, limit=max(total, 1))
        total, rows = self.store.query_projects(flt, page)
        df = frame(rows, PROJECT_COLUMNS)
        df.attrs["total"] = total
        return df

    def participants(self, *, geometry: bool = False, **filters: Any) -> pd.DataFrame:
        """Participations under the filters: the organisation, its role and EU contribution,
        where it was located (NUTS 0-3 of 2024, method, confidence) and its project.

        With ``geometry=True`` a GeoDataFrame of the participants' points (longitude,
        latitude as published; None where none was given).

        Example
        -------
        >>> p = atlas.participants(region="FI1B1", org_type="HES")
        >>> set(p.nuts3), set(p.org_type), len(p) > 0
        ({'FI1B1'}, {'HES'}, True)
        """
        rows = self.store.participants(self.filter(**filters))
        df = frame(rows, PARTICIPANT_COLUMNS)
        if not geometry:
            return df
        points = [
            {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
            if r.get("lat") is not None and r.get("lon") is not None
            else None
            for r in rows
        ]
        return geoframe(df, points)

    # --- aggregates --------------------------------------------------------------------
    def aggregates(
        self,
        level: int | str = 2,
        *,
        geometry: bool = False,
        zoom: float | None = None,
        **filters: Any,
    ) -> pd.DataFrame:
        """Per region of a NUTS level (2024): projects, participations, EU contribution (EUR),
        latest population and EU contribution per inhabitant, under the filters.

        With ``geometry=True`` a GeoDataFrame of the regions' polygons, ready to map
        (``.plot(column="eu_contribution_per_inhabitant")``).

        Example
        -------
        >>> fi = atlas.aggregates(level=3, country="FI", geometry=True, zoom=6)
        >>> row = fi.set_index("code").loc["FI1C6"]
        >>> row["name"], row.projects > 0, row.population_year
        ('Päijät-Häme', np.True_, np.int64(2025))
        >>> fi.geometry.notna().all()
        np.True_
        """
        lvl = parse_level(level)
        rows = aggregate_rows(self.store, self.registry, lvl, self.filter(**filters))
        df = frame(rows, AGGREGATE_COLUMNS)
        if not geometry:
            return df
        shapes = self.registry.geometries(ATLAS_VERSION, lvl, zoom)
        return geoframe(df, [shapes.get(c) for c in df["code"]])

    # --- scorecard, KPIs, similar projects ---------------------------------------------
    def scorecard(self, region: str, **options: Any) -> pd.DataFrame:
        """One region's scorecard: a row per indicator with the region's value, trend and
        rank, its metropolis and the median of its peers (``docs/scorecard.md``).

        ``options`` are those of ``/api/scorecard``: ``version``, ``peers``, ``as_of``,
        ``peer_scope``; the whole card (typology, peers, composite) is in ``attrs["card"]``.

        Example
        -------
        >>> card = atlas.scorecard("FI1C6")
        >>> card.attrs["card"]["typology"]["type"], card.attrs["card"]["metropolis"]["code"]
        ('next_to_metropolis', 'FI1B1')
        >>> card.set_index("id").loc["gdp_per_head_pps", "region.value"] > 0
        np.True_
        """
        from regioatlas.api.scorecard import Scorecards

        card = Scorecards(self.store).scorecard(region, **options)
        df = pd.json_normalize(card["indicators"])
        df.attrs["card"] = {k: v for k, v in card.items() if k != "indicators"}
        return df

    def kpis(self, lang: str = "en") -> pd.DataFrame:
        """The KPI registry: id, area, name (in ``lang``), definition, unit, direction, source
        and thresholds.

        Example
        -------
        >>> atlas.kpis("fi").set_index("id").loc["aq_pm25_annual_mean", "unit"]
        'µg/m³'
        """
        from regioatlas.analytics.kpis import kpi_json, registry

        return frame(kpi_json(k, lang) for k in registry().values())

    def similar(
        self,
        project_id: str | None = None,
        *,
        text: str | None = None,
        method: str = "lexical",
        limit: int = 10,
        **params: Any,
    ) -> pd.DataFrame:
        """Projects similar to a project (by id) or to a text, best first, with their scores
        and the reasons (``docs/similarity.md``); other ``params`` as in ``/api/similar``.

        Example
        -------
        >>> hits = atlas.similar(text="hydrogen buses for public transport", limit=5)
        >>> len(hits), hits.score.is_monotonic_decreasing
        (5, True)
        """
        from regioatlas.api.atlas import Atlas
        from regioatlas.api.similarity import Similarity

        if (project_id is None) == (text is None):
            raise BadInput("give a project id or a text, not both", parameter="text")
        sim = Similarity(Atlas(self.store, self.registry), wait=True)
        query = params | {"method": method, "limit": limit}
        if project_id is not None:
            out = sim.similar_to_project(project_id, query)
        else:
            out = sim.similar_to_text(query | {"text": text})
        df = pd.json_normalize(out["items"])
        df.attrs["query"] = out.get("query")
        return df


def _params(filters: dict[str, Any]) -> dict[str, Any]:
    """Keyword filters → the API's query parameters (``from_`` → ``from``; lists kept)."""
    out: dict[str, Any] = {}
    for key, value in filters.items():
        name = key.removesuffix("_") if key == "from_" else key
        if name not in FILTERS:
            raise BadInput(
                f"unknown filter {key!r}; one of "
                + ", ".join("from_" if f == "from" else f for f in FILTERS),
                parameter=key,
            )
        if value is None:
            continue
        out[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    return out
