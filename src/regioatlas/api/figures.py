"""Stored region figures in any NUTS version: each figure keeps the version it was published in
(``RegionFigure.nuts_version``); asked for another version, the figures are recoded through the
JRC cross-walks (``regioatlas.geo.recoding``) and every value says how.
"""

from __future__ import annotations

import math

import numpy as np

from regioatlas.api.problems import bad_request, not_found
from regioatlas.geo.recoding import KINDS, RECODE_VERSIONS, WEIGHT_TEXT, WEIGHTS, recode_values
from regioatlas.geo.regions import resolve_region

#: Units of stored figures -> extensive (adds up over territory) or intensive
UNIT_KIND = {
    "persons": "extensive",
    "count": "extensive",
    "eur": "extensive",
    "%": "intensive",
    "percent": "intensive",
    "rate": "intensive",
    "eur per inhabitant": "intensive",
}
MAX_LIMIT = 20000


class FiguresApi:
    """Handler for /api/figures."""

    def __init__(self, atlas):
        self.atlas = atlas

    def figures(self, params: dict) -> dict:
        indicator = (params.get("indicator") or "").strip()
        if not indicator:
            raise bad_request(
                "indicator is required (e.g. population, interreg_erdf_eur)", "indicator"
            )
        version = _version(params.get("version"))
        weight = (params.get("weight") or "population").strip()
        if weight not in WEIGHTS:
            raise bad_request(f"weight must be one of {', '.join(WEIGHTS)}", "weight")
        year = params.get("year")
        if year not in (None, ""):
            try:
                year = int(year)
            except ValueError:
                raise bad_request(f"year must be a whole number, not {year!r}", "year") from None
        else:
            year = None
        try:
            limit = int(params.get("limit") or 5000)
            offset = int(params.get("offset") or 0)
        except ValueError:
            raise bad_request("limit and offset must be whole numbers", "limit") from None
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise bad_request(f"limit must be 1-{MAX_LIMIT} and offset not negative", "limit")
        found = (
            resolve_region(params["region"], None, self.atlas.registry, target=version)
            if params.get("region")
            else None
        )
        region = found.code if found else None
        figs = self.atlas.store.figures(indicator, year=year)
        if not figs:
            raise not_found(
                f"no stored figures for indicator {indicator!r}"
                + (f" in {year}" if year else "")
                + " (see /api/datasets for what is stored)"
            )
        units = sorted({f.unit for f in figs})
        kind = (params.get("kind") or "").strip() or _kind(units)
        if kind not in KINDS:
            raise bad_request(
                f"kind must be 'extensive' (adds up: persons, EUR) or 'intensive' (rates); "
                f"it cannot be told from the unit {', '.join(units)}",
                "kind",
            )
        items = _recode_figures(figs, version, kind, weight)
        if region:
            items = [i for i in items if i["code"].startswith(region)]
        items.sort(key=lambda i: (i["code"], i["year"] if i["year"] is not None else -1))
        total = len(items)
        return {
            **({"resolved": {"region": found.as_dict()}} if found else {}),
            "indicator": indicator,
            "version": version,
            "kind": kind,
            "weight": WEIGHT_TEXT[weight],
            "unit": units[0] if len(units) == 1 else units,
            "published_versions": sorted({f.nuts_version for f in figs}),
            "total": total,
            "limit": limit,
            "offset": offset,
            "items": items[offset : offset + limit],
        }


def _version(value) -> int:
    if value in (None, ""):
        return 2024
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise bad_request(
            f"version must be a NUTS version year, not {value!r}", "version"
        ) from None
    if v not in RECODE_VERSIONS:
        raise bad_request(
            f"unknown NUTS version {v}; use one of {', '.join(map(str, RECODE_VERSIONS))}",
            "version",
        )
    return v


def _kind(units: list[str]) -> str | None:
    from regioatlas.model.units import kind_of_unit

    kinds = {UNIT_KIND.get(u.strip().lower()) or kind_of_unit(u) for u in units}
    return kinds.pop() if len(kinds) == 1 else None


def _recode_figures(figs, version: int, kind: str, weight: str) -> list[dict]:
    out: dict[tuple[str, int | None], dict] = {}
    by_version: dict[int, list] = {}
    for f in figs:
        by_version.setdefault(f.nuts_version, []).append(f)
    # published in the asked version: as published, and preferred over recoded values
    for f in by_version.pop(version, []):
        out[(f.nuts_code, f.year)] = {
            "code": f.nuts_code,
            "year": f.year,
            "value": f.value,
            "unit": f.unit,
            "flag": f.flag,
            "method": "as published",
            "published": {"code": f.nuts_code, "version": f.nuts_version},
            "recode_flag": "",
            "note": "",
        }
    for v, group in sorted(by_version.items()):
        unit = group[0].unit
        if v not in RECODE_VERSIONS:
            for f in group:
                out.setdefault(
                    (f.nuts_code, f.year),
                    {
                        "code": f.nuts_code,
                        "year": f.year,
                        "value": None,
                        "unit": unit,
                        "flag": f.flag,
                        "method": "",
                        "published": {"code": f.nuts_code, "version": v},
                        "recode_flag": "not recodable",
                        "note": f"published in NUTS {v}, which the cross-walks do not cover",
                    },  # fmt: skip
                )
            continue
        res = recode_values(
            [f.nuts_code for f in group],
            [f.year if f.year is not None else -1 for f in group],
            [np.nan if f.value is None else f.value for f in group],
            v,
            version,
            kind=kind,
            weight=weight,
        )
        for i in range(len(res["code"])):
            y = int(res["period"][i])
            key = (str(res["code"][i]), None if y == -1 else y)
            if key in out and out[key]["method"] == "as published":
                continue
            value = float(res["value"][i])
            out[key] = {
                "code": key[0],
                "year": key[1],
                "value": None if math.isnan(value) else value,
                "unit": unit,
                "flag": None,
                "method": res["method"][i] or "",
                "published": {"sources": res["sources"][i], "version": v},
                "recode_flag": res["flag"][i],
                "note": res["note"][i],
            }
    return list(out.values())
