"""The atlas JSON API as framework-neutral handlers: plain values in, JSON-ready dicts out.

The web layer (``regioatlas.web.app``) maps routes onto these and renders the domain errors
they raise (``regioatlas.model.errors``) as problem bodies. Nothing here knows HTTP frameworks.
Every region code goes through ``regioatlas.geo.regions.resolve_region``.
"""

from __future__ import annotations

from dataclasses import asdict, astuple
from datetime import date, datetime

from regioatlas.analytics.coverage import located_shares, period
from regioatlas.api.answers import AnswerCache, filter_key
from regioatlas.api.organisations import Organisations
from regioatlas.api.params import (
    atlas_region,
    parse_filter,
    parse_level,
    parse_page,
    parse_version,
    resolved_regions,
)
from regioatlas.api.problems import bad_request, not_found
from regioatlas.geo.regions import ResolvedRegion, equivalent_codes, resolve_region
from regioatlas.ingest import source_titles
from regioatlas.library.figures import aggregate_rows, latest_population
from regioatlas.model import Region
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store.base import Store

#: the outputs a project's answer carries (the most of one project in the CORDIS files: 76)
OUTPUTS_SHOWN = 200


class Atlas:
    """The handlers, bound to a store and a NUTS registry."""

    def __init__(self, store: Store, registry=None):
        from regioatlas.geo.nuts import NutsRegistry

        self.store = store
        self.registry = registry or NutsRegistry.default()
        self.aggregate_answers = AnswerCache()
        #: organisations matched across sources, cached under the store's data version
        self.organisations = Organisations(store)

    # --- regions -----------------------------------------------------------------------
    def resolve(self, code: str, version=None, parameter: str = "code") -> ResolvedRegion:
        """A region code of any NUTS version resolved onto the atlas version (the one door)."""
        return resolve_region(code, version, self.registry, parameter=parameter)

    def _region(self, code: str, version=None) -> tuple[Region, int, dict]:
        """(region, its version, how it was resolved) for the region routes.

        With an explicit version of the maps (2016, 2021, 2024) the code is read in it, as
        published; without one, a code of any version stands for its atlas region.
        """
        if version in (None, ""):
            found = self.resolve(code)
            return self.registry.get(found.code, ATLAS_VERSION), ATLAS_VERSION, found.as_dict()
        v = parse_version(version)
        found = self.resolve(code, v)
        return self.registry.get(found.asked, v), v, found.as_dict()

    def regions(self, version=None, level=None, country=None) -> dict:
        v = parse_version(version)
        lvl = None if level in (None, "") else parse_level(level)
        items = [
            region_json(r) for r in self.registry.regions(v, lvl, (country or "").upper() or None)
        ]
        return {"version": v, "count": len(items), "items": items}

    def region(self, code: str, version=None) -> dict:
        r, v, resolved = self._region(code, version)
        out = region_json(r)
        out["resolved"] = {"code": resolved}
        out["versions"] = self.registry.versions_of(r.code)
        out["ancestors"] = self.registry.ancestors(r.code, v)
        out["children"] = [c.code for c in self.registry.children(r.code, v)]
        out["neighbours"] = [n.code for n in self.registry.neighbours(r.code, v)]
        pop = self._population([r.code], v).get(r.code)
        out["population"] = pop
        out["figures"] = self._figures(r.code, v)
        return out

    def _figures(self, code: str, version: int) -> list[dict]:
        """Published figures for the region, whatever NUTS version they were published in.

        A figure published for the same territory's code in another version (same code or
        renamed, ``geo.regions.equivalent_codes``) is included and says its code and version.
        """
        out = []
        for other, equivalent in equivalent_codes(code, version, self.registry).items():
            for f in self.store.figures(None, other, codes=[equivalent]):
                if f.indicator == "population":
                    continue
                out.append(
                    {
                        "indicator": f.indicator,
                        "value": f.value,
                        "unit": f.unit,
                        "year": f.year,
                        "flag": f.flag,
                        "nuts_code": f.nuts_code,
                        "nuts_version": f.nuts_version,
                    }
                )
        return out

    def children(self, code: str, version=None) -> dict:
        r, v, resolved = self._region(code, version)
        items = [region_json(c) for c in self.registry.children(r.code, v)]
        return {
            "code": r.code,
            "version": v,
            "resolved": {"code": resolved},
            "count": len(items),
            "items": items,
        }

    def neighbours(self, code: str, version=None) -> dict:
        r, v, resolved = self._region(code, version)
        items = [region_json(n) for n in self.registry.neighbours(r.code, v)]
        return {
            "code": r.code,
            "version": v,
            "resolved": {"code": resolved},
            "count": len(items),
            "items": items,
        }

    def region_geometry(self, code: str, version=None, zoom=None) -> dict:
        r, v, resolved = self._region(code, version)
        z = parse_zoom(zoom)
        return {
            "type": "Feature",
            "id": r.code,
            "properties": {**region_json(r), "resolved": {"code": resolved}},
            "geometry": self.registry.geometry(r.code, v, z),
        }

    def regions_geojson(self, version=None, level=None, zoom=None, country=None, bbox=None) -> dict:
        v, lvl, z = parse_version(version), parse_level(level), parse_zoom(zoom)
        box = parse_bbox(bbox)
        geoms = self.registry.geometries(v, lvl, z)
        cc = (country or "").upper() or None
        regions = self.registry.regions(v, lvl, cc)
        extents = [self.registry.extent(r.code, v) for r in regions]
        feats = [
            {
                "type": "Feature",
                "id": r.code,
                # RFC 7946 section 5: a map knows which regions a view shows without reading
                # every point (the web app's first picture of the map, sketch.js)
                "bbox": _bbox(extent),
                "properties": region_json(r),
                "geometry": geoms.get(r.code),
            }
            for r, extent in zip(regions, extents, strict=True)
            if geoms.get(r.code) and (box is None or _meets(extent, box))
        ]
        return {"type": "FeatureCollection", "features": feats}

    def validate(self, code: str, version=None) -> dict:
        """Which NUTS versions a code belongs to, and its atlas region (NotFound if none)."""
        found = self.resolve(code)
        v = parse_version(version) if version not in (None, "") else None
        versions = self.registry.versions_of(found.asked)
        out: dict = {
            "code": found.asked,
            "versions": versions,
            "resolved": {"code": found.as_dict()},
        }
        if v is not None:
            out["version"] = v
            out["valid"] = v in versions
            if not out["valid"]:
                out["recoded"] = [
                    {"code": c, "share": s}
                    for c, s in self.registry.recode(found.asked, versions[-1], v)
                ]
        return out

    # --- projects ----------------------------------------------------------------------
    def projects(self, params: dict) -> dict:
        flt = parse_filter(params, self.registry)
        page = parse_page(params)
        # kept per data version: the region and compare pages open on the same pages of the
        # same regions (a count and a page over the participations, 40-100 ms on the demo store)
        total, items = self.aggregate_answers.get(
            self.store.data_version(),
            ("projects", filter_key(flt), astuple(page)),
            lambda: self._projects_page(flt, page),
        )
        return {
            **self.resolved(params),
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
            "items": items,
        }

    def _projects_page(self, flt, page) -> tuple[int, list[dict]]:
        total, rows = self.store.query_projects(flt, page)
        return total, [jsonable(r) for r in rows]

    def project(self, project_id: str) -> dict:
        p = self.store.project(project_id)
        if p is None:
            raise not_found(f"no project {project_id!r} (ids look like 'cordis-h2020:221856')")
        # a url from a published file is served only when it is a web address: a client that
        # makes it a link must never get "javascript:" or "data:" (the web app checks too)
        url = (p.get("url") or "").strip()
        p["url"] = url if url.lower().startswith(("http://", "https://")) else None
        # each participant names its organisation, so that a client can link to its page;
        # while the matching is being built the project answers at once without the ids
        org_of = self.organisations.of_project(project_id)
        p["organisations"] = "pending" if org_of is None else "ready"
        if org_of is not None:
            for participant in p.get("participants", []):
                participant["organisation_id"] = org_of.get(participant.get("seq"))
        p.update(self.project_outputs(project_id))
        return jsonable(p)

    def project_outputs(self, project_id: str) -> dict:
        """What a project produced: ``outputs`` (newest first, at most ``OUTPUTS_SHOWN``),
        ``outputs_total`` and ``outputs_sources`` (the publisher, licence and attribution of
        each dataset the outputs come from, which a page showing them must credit)."""
        total, items = self.store.project_outputs(project_id, OUTPUTS_SHOWN)
        used = {item["dataset_id"] for item in items}
        sources = [
            {
                "dataset_id": d.id,
                "source": d.source,
                "publisher": d.publisher,
                "licence": d.licence,
                "attribution": d.attribution,
            }
            for d in (self.store.datasets() if used else [])
            if d.id in used
        ]
        return {"outputs": items, "outputs_total": total, "outputs_sources": sources}

    # --- aggregates --------------------------------------------------------------------
    def aggregates(self, params: dict) -> dict:
        level = parse_level(params.get("level"))
        flt = parse_filter(params, self.registry)
        items = self.aggregate_answers.get(
            self.store.data_version(),
            (level, filter_key(flt)),
            lambda: aggregate_rows(self.store, self.registry, level, flt),
        )
        return {
            **self.resolved(params),
            "level": level,
            "version": ATLAS_VERSION,
            "count": len(items),
            "items": items,
            "filters": jsonable(asdict(flt)),
        }

    def _population(self, codes: list[str], version: int) -> dict[str, dict]:
        return latest_population(self.store, codes, version)

    # --- datasets and facets -----------------------------------------------------------
    def datasets(self) -> dict:
        """Every dataset with its provenance and freshness: the years it covers (``period``),
        its title, and the share of its participations located at each NUTS level or finer.

        Kept per data version, as the facets: every page's shell carries both (8 and 12 ms of
        queries on the demo store, asked by every page a reader opens)."""
        return self.aggregate_answers.get(self.store.data_version(), ("datasets",), self._datasets)

    def _datasets(self) -> dict:
        titles = source_titles()
        items = [
            {
                **jsonable(asdict(d)),
                "title": titles.get(d.source, d.source),
                "period": period(d.first_year, d.last_year),
                "located_share_by_level": located_shares(d.location_report),
            }
            for d in self.store.datasets()
        ]
        return {"count": len(items), "items": items}

    def facets(self) -> dict:
        return self.aggregate_answers.get(self.store.data_version(), ("facets",), self.store.facets)

    def atlas_region(self, code: str, version=None) -> str:
        return atlas_region(code, version, self.registry)

    def resolved(self, params: dict) -> dict:
        """``{"resolved": {...}}`` saying how the region parameters were read, when given."""
        found = resolved_regions(params, self.registry)
        return {"resolved": found} if found else {}


def region_json(r: Region) -> dict:
    return {
        "code": r.code,
        "version": r.version,
        "level": r.level,
        "country": r.country,
        "name_latin": r.name_latin,
        "name_national": r.name_national,
        "parent": r.parent,
    }


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """A lon/lat box ``west,south,east,north`` from a parameter value, None when absent, or
    BadInput naming what is wrong (a box across the antimeridian is not one of Europe's).

    Example
    -------
    >>> parse_bbox("10,57,40.5,66"), parse_bbox(None)
    ((10.0, 57.0, 40.5, 66.0), None)
    """
    if text in (None, ""):
        return None
    try:
        west, south, east, north = (float(x) for x in str(text).split(","))
    except ValueError:
        raise bad_request(
            f"bbox must be four numbers: west,south,east,north, not {text!r}", "bbox"
        ) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise bad_request(
            f"bbox {text!r}: west must not exceed east (-180 to 180) nor south north (-90 to 90)",
            "bbox",
        )
    return west, south, east, north


def _meets(extent, box: tuple[float, float, float, float]) -> bool:
    """Whether a region's box meets ``box`` (edges touching count)."""
    if extent is None:
        return False
    west, south, east, north = extent.bbox
    return west <= box[2] and east >= box[0] and south <= box[3] and north >= box[1]


def _bbox(extent) -> list[float] | None:
    """A region's lon/lat box ``[west, south, east, north]``, to 5 decimals (about a metre).

    Example
    -------
    >>> from regioatlas.geo.nuts import RegionExtent
    >>> _bbox(RegionExtent((25.6, 61.0), (25.1234567, 60.9, 26.2, 61.4))), _bbox(None)
    ([25.12346, 60.9, 26.2, 61.4], None)
    """
    return [round(float(x), 5) for x in extent.bbox] if extent else None


def parse_zoom(zoom) -> float | None:
    """A map zoom (0-24) from a parameter value, None when absent, or BadInput.

    Example
    -------
    >>> parse_zoom("7.5"), parse_zoom(None)
    (7.5, None)
    """
    if zoom in (None, ""):
        return None
    try:
        z = float(zoom)
    except (TypeError, ValueError):
        raise bad_request(f"zoom must be a number, not {zoom!r}", "zoom") from None
    if not 0 <= z <= 24:
        raise bad_request("zoom must be between 0 and 24", "zoom")
    return z


def jsonable(value):
    """Dates as ISO text and NaN as None, recursively: what JSON and CSV can carry.

    Example
    -------
    >>> jsonable({"start": date(2020, 1, 1), "x": float("nan")})
    {'start': '2020-01-01', 'x': None}
    """
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value
