"""The atlas JSON API as framework-neutral handlers: plain values in, JSON-ready dicts out.

The web layer (``regioatlas.web.app``) maps routes onto these and renders ``ApiError`` as a
problem body. Nothing here knows HTTP frameworks.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from regioatlas.api.params import atlas_region, parse_filter, parse_level, parse_page, parse_version
from regioatlas.api.problems import bad_request, not_found
from regioatlas.model import NotFound, Region
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store.base import Store


class Atlas:
    """The handlers, bound to a store and a NUTS registry."""

    def __init__(self, store: Store, registry=None):
        from regioatlas.geo.nuts import NutsRegistry

        self.store = store
        self.registry = registry or NutsRegistry.default()

    # --- regions -----------------------------------------------------------------------
    def _region(self, code: str, version: int) -> Region:
        try:
            return self.registry.get(code.strip().upper(), version)
        except NotFound as exc:
            raise not_found(str(exc)) from None

    def regions(self, version=None, level=None, country=None) -> dict:
        v = parse_version(version)
        lvl = None if level in (None, "") else parse_level(level)
        items = [
            region_json(r) for r in self.registry.regions(v, lvl, (country or "").upper() or None)
        ]
        return {"version": v, "count": len(items), "items": items}

    def region(self, code: str, version=None) -> dict:
        v = parse_version(version)
        r = self._region(code, v)
        out = region_json(r)
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

        A figure published for an equivalent code of another version (same territory, population
        share >= 0.95 in the JRC cross-walk) is included and says which code and version it has.
        """
        out = []
        for other in (2016, 2021, 2024):
            if other == version:
                equivalent = code
            else:
                targets = self.registry.recode(code, version, other)
                if not targets or targets[0][1] < 0.95:
                    continue
                equivalent = targets[0][0]
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
        v = parse_version(version)
        r = self._region(code, v)
        items = [region_json(c) for c in self.registry.children(r.code, v)]
        return {"code": r.code, "version": v, "count": len(items), "items": items}

    def neighbours(self, code: str, version=None) -> dict:
        v = parse_version(version)
        r = self._region(code, v)
        items = [region_json(n) for n in self.registry.neighbours(r.code, v)]
        return {"code": r.code, "version": v, "count": len(items), "items": items}

    def region_geometry(self, code: str, version=None, zoom=None) -> dict:
        v = parse_version(version)
        r = self._region(code, v)
        z = _zoom(zoom)
        return {
            "type": "Feature",
            "id": r.code,
            "properties": region_json(r),
            "geometry": self.registry.geometry(r.code, v, z),
        }

    def regions_geojson(self, version=None, level=None, zoom=None, country=None) -> dict:
        v, lvl, z = parse_version(version), parse_level(level), _zoom(zoom)
        geoms = self.registry.geometries(v, lvl, z)
        cc = (country or "").upper() or None
        feats = [
            {
                "type": "Feature",
                "id": r.code,
                "properties": region_json(r),
                "geometry": geoms.get(r.code),
            }
            for r in self.registry.regions(v, lvl, cc)
            if geoms.get(r.code)
        ]
        return {"type": "FeatureCollection", "features": feats}

    def validate(self, code: str, version=None) -> dict:
        v = parse_version(version) if version not in (None, "") else None
        code = code.strip().upper()
        versions = self.registry.versions_of(code)
        out: dict = {"code": code, "versions": versions}
        if v is not None:
            out["version"] = v
            out["valid"] = v in versions
            if not out["valid"] and versions:
                out["recoded"] = [
                    {"code": c, "share": s} for c, s in self.registry.recode(code, versions[-1], v)
                ]
        return out

    # --- projects ----------------------------------------------------------------------
    def projects(self, params: dict) -> dict:
        flt = parse_filter(params, self.registry)
        page = parse_page(params)
        total, rows = self.store.query_projects(flt, page)
        return {
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
            "items": [_jsonable(r) for r in rows],
        }

    def project(self, project_id: str) -> dict:
        p = self.store.project(project_id)
        if p is None:
            raise not_found(f"no project {project_id!r} (ids look like 'cordis-h2020:221856')")
        # a url from a published file is served only when it is a web address: a client that
        # makes it a link must never get "javascript:" or "data:" (the web app checks too)
        url = (p.get("url") or "").strip()
        p["url"] = url if url.lower().startswith(("http://", "https://")) else None
        return _jsonable(p)

    # --- aggregates --------------------------------------------------------------------
    def aggregates(self, params: dict) -> dict:
        level = parse_level(params.get("level"))
        flt = parse_filter(params, self.registry)
        rows = self.store.aggregate(level, flt)
        pops = self._population([r["code"] for r in rows], ATLAS_VERSION)
        names = {r.code: r for r in self.registry.regions(ATLAS_VERSION, level)}
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
                    "population": pop["value"] if pop else None,
                    "population_year": pop["year"] if pop else None,
                    "eu_contribution_per_inhabitant": (eu / pop["value"])
                    if (pop and eu is not None and pop["value"])
                    else None,
                }
            )
        return {
            "level": level,
            "version": ATLAS_VERSION,
            "count": len(items),
            "items": items,
            "filters": _jsonable(asdict(flt)),
        }

    def _population(self, codes: list[str], version: int) -> dict[str, dict]:
        if not codes:
            return {}
        latest: dict[str, dict] = {}
        for f in self.store.figures("population", version, codes=codes):
            if f.value is not None and (
                f.nuts_code not in latest or f.year > latest[f.nuts_code]["year"]
            ):
                latest[f.nuts_code] = {"value": f.value, "year": f.year, "flag": f.flag}
        return latest

    # --- datasets and facets -----------------------------------------------------------
    def datasets(self) -> dict:
        items = [_jsonable(asdict(d)) for d in self.store.datasets()]
        return {"count": len(items), "items": items}

    def facets(self) -> dict:
        return self.store.facets()

    def atlas_region(self, code: str, version=None) -> str:
        return atlas_region(code.upper(), parse_version(version), self.registry)


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


def _zoom(zoom) -> float | None:
    if zoom in (None, ""):
        return None
    try:
        z = float(zoom)
    except (TypeError, ValueError):
        raise bad_request(f"zoom must be a number, not {zoom!r}", "zoom") from None
    if not 0 <= z <= 24:
        raise bad_request("zoom must be between 0 and 24", "zoom")
    return z


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value
