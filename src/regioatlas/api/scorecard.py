"""Attractiveness scorecard handlers: indicators, typology, one region's scorecard, the composite
index, CSV downloads. Framework-neutral: plain values in, JSON-ready dicts (or text) out;
bad input raises a domain error (a 4xx problem body), never a 5xx. Region codes of any NUTS
version go through ``regioatlas.geo.regions.resolve_region``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import overload

import numpy as np

from regioatlas.analytics.composite import CompositeOptions, composite_index
from regioatlas.analytics.indicators import PILLARS, catalogue, get_indicator
from regioatlas.analytics.scorecard import find_peers, indicator_figures, region_scorecard
from regioatlas.api.downloads import SafeWriter
from regioatlas.api.problems import bad_request, not_found
from regioatlas.api.scorecard_data import ANALYSIS_VERSION, ScorecardData
from regioatlas.geo.regions import (
    ResolvedRegion,
    equivalent_codes,
    has_maps,
    parse_mapped_version,
    resolve_region,
)
from regioatlas.geo.typology import METROPOLIS, TYPES, Override, Typology, TypologyError
from regioatlas.model import NotFound, RegioAtlasError

MAX_PEERS = 20
MAX_RUNS = 10_000
PEER_SCOPES = ("eu", "type", "country")


@dataclass(frozen=True)
class Resolved:
    """A region as asked (code and the NUTS version it was read in) and in the analysis version;
    ``resolved`` is the region door's answer (how the code was mapped)."""

    asked: str
    asked_version: int
    code: str
    level: int
    name: str
    country: str
    resolved: ResolvedRegion

    def as_dict(self, registry) -> dict:
        equivalents = {
            str(v): c for v, c in equivalent_codes(self.code, ANALYSIS_VERSION, registry).items()
        }
        return {
            "code": self.code,
            "version": ANALYSIS_VERSION,
            "level": self.level,
            "name": self.name,
            "country": self.country,
            "asked": {"code": self.asked, "version": self.asked_version},
            "equivalents": equivalents,
        }


@overload
def _int(value: object, name: str, lo: int, hi: int, default: int) -> int: ...
@overload
def _int(value: object, name: str, lo: int, hi: int, default: None = None) -> int | None: ...
def _int(value, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be a whole number, not {value!r}", name) from None
    if not lo <= n <= hi:
        raise bad_request(f"{name} must be between {lo} and {hi}, not {n}", name)
    return n


def _float(value, name: str, lo: float, hi: float, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be a number, not {value!r}", name) from None
    if not (lo <= x <= hi) or math.isnan(x):
        raise bad_request(f"{name} must be between {lo} and {hi}, not {value}", name)
    return x


def _weights(text, name: str) -> dict[str, float]:
    """``"gdp_per_head_pps:2,tertiary_attainment:1"`` -> dict (400 when malformed)."""
    if text in (None, ""):
        return {}
    if isinstance(text, dict):
        return {str(k): float(v) for k, v in text.items()}
    out = {}
    for part in str(text).split(","):
        key, sep, value = part.partition(":")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise bad_request(f"{name} must look like 'id:2,other:1', not {text!r}", name) from None
    return out


def _jsonable(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, np.floating):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


class Scorecards:
    """The scorecard handlers, bound to a store, a NUTS registry and the typology."""

    def __init__(self, store, registry=None, typology: Typology | None = None):
        from regioatlas.geo.nuts import NutsRegistry

        self.registry = registry or NutsRegistry.default()
        self.typology_ = typology or Typology.default()
        self.data = ScorecardData(store, self.registry)

    # ------------------------------------------------------------------ regions

    def resolve(self, code: str, version=None, parameter: str = "region") -> Resolved:
        """The region of a code of any NUTS version, in the analysis version (or a 4xx).

        The scorecard compares like with like: a region merged into a larger one has no
        equivalent to score, so it is a 400 like a split one.
        """
        found = resolve_region(code, version, self.registry, parameter=parameter)
        target = found.code
        if not found.equivalent:
            raise bad_request(
                f"{found.asked} (NUTS {found.asked_version}) has no one-to-one equivalent in "
                f"NUTS {ANALYSIS_VERSION} ({found.mapping} into {target}); give a NUTS "
                f"{ANALYSIS_VERSION} code",
                parameter,
            )
        region = self.registry.get(target, ANALYSIS_VERSION)
        if region.level not in (2, 3):
            raise bad_request(
                f"{found.asked} is a NUTS {region.level} region; the scorecard compares NUTS 2 "
                "and NUTS 3 regions",
                parameter,
            )
        return Resolved(
            found.asked,
            found.asked_version,
            target,
            region.level,
            region.name_latin,
            region.country,
            found,
        )

    def _name(self, code: str) -> str | None:
        try:
            return self.registry.get(code, ANALYSIS_VERSION).name_latin
        except NotFound:
            return None

    # ------------------------------------------------------------------ indicators

    def indicators(self) -> dict:
        """The catalogue with what the store holds of each indicator per level."""
        panel = self.data.state().panel
        items = []
        for ind in catalogue():
            d = ind.as_dict()
            d["available"] = []
            for lvl in ind.levels:
                t = panel.table(ind.id, lvl)
                rng = t.year_range() if t else None
                d["available"].append(
                    {
                        "level": lvl,
                        "regions": int((~np.isnan(t.values)).any(axis=1).sum()) if t else 0,
                        "first_year": rng[0] if rng else None,
                        "last_year": rng[1] if rng else None,
                    }
                )
            items.append(d)
        return {"count": len(items), "pillars": list(PILLARS), "items": items}

    def indicator(self, indicator_id: str, level=None, year=None, country=None) -> dict:
        """One indicator's values for every region of a level in a year (default: latest)."""
        ind = get_indicator(indicator_id)  # NotFound naming the known ids
        lvl = _int(level, "level", 0, 3, ind.levels[-1] if 2 not in ind.levels else 2)
        table = self.data.state().panel.table(ind.id, lvl)
        if lvl not in ind.levels and table is None:
            raise bad_request(
                f"{ind.id} is published at NUTS {', '.join(map(str, ind.levels))}, not NUTS {lvl}",
                "level",
            )
        span = table.year_range() if table is not None else None
        if table is None or span is None:
            raise not_found(f"the store holds no values of {ind.id} at NUTS {lvl}")
        first, last = span
        y = _int(year, "year", 1900, 2100, last)
        if y not in table.col or np.isnan(table.column(y)).all():
            raise not_found(
                f"no value of {ind.id} for {y} at NUTS {lvl}; values exist for {first}-{last}"
            )
        cc = (country or "").strip().upper() or None
        if cc and not any(c[:2] == cc for c in table.codes):
            raise bad_request(f"no NUTS {lvl} region of country {cc!r} in {ind.id}", "country")
        items = []
        for code in table.codes:
            if cc and code[:2] != cc:
                continue
            cell = table.cell(code, y)
            if cell is None:
                continue
            fig = indicator_figures(table, code, y) if cell.value is not None else None
            items.append(
                {
                    "code": code,
                    "name": self._name(code),
                    **cell.as_dict(),
                    "rank_eu": fig.get("rank_eu") if fig and fig["year"] == y else None,
                    "rank_country": fig.get("rank_country") if fig and fig["year"] == y else None,
                }
            )
        return {
            "indicator": ind.as_dict(),
            "level": lvl,
            "year": y,
            "version": ANALYSIS_VERSION,
            "count": len(items),
            "items": items,
        }

    # ------------------------------------------------------------------ typology

    def _override(self, type_=None, metropolis=None, level=None) -> Override | None:
        if type_ in (None, "") and metropolis in (None, ""):
            return None
        if type_ not in (None, "") and type_ not in TYPES:
            raise bad_request(f"type must be one of {', '.join(TYPES)}, not {type_!r}", "type")
        metro = None
        if metropolis not in (None, ""):
            metro = self.resolve(metropolis, parameter="metropolis").code
            if level is not None and len(metro) - 2 != level:
                raise bad_request(
                    f"metropolis {metro} is a NUTS {len(metro) - 2} region; give one of NUTS {level}",
                    "metropolis",
                )
        return Override(type_ or None, metro)

    def _classify(self, code: str, version: int, override: Override | None):
        try:
            result = self.typology_.classify(code, version)
            return self.typology_.apply_override(result, override) if override else result
        except TypologyError as exc:  # a bad-input error already; say which parameter
            exc.parameter = exc.parameter or ("metropolis" if override else "code")
            raise

    def typology(self, code: str, version=None, type=None, metropolis=None) -> dict:
        """The class of one region in its own NUTS version (2016, 2021, 2024), or in NUTS 2024
        for a code of 2006-2013."""
        r = self.resolve(code, version, parameter="code")
        v = r.asked_version if has_maps(r.asked_version) else ANALYSIS_VERSION
        own = r.asked if v == r.asked_version else r.code
        override = self._override(type, metropolis, r.level)
        if override and override.metropolis and v != ANALYSIS_VERSION:
            there = equivalent_codes(override.metropolis, ANALYSIS_VERSION, self.registry).get(v)
            override = Override(override.type, there)
        out = self._classify(own, v, override).as_dict()
        out["name"] = self.registry.get(own, v).name_latin
        out["metropolis_name"] = (
            self.registry.get(out["metropolis"], v).name_latin if out["metropolis"] else None
        )
        out["region"] = r.as_dict(self.registry)
        out["resolved"] = {"code": r.resolved.as_dict()}
        return out

    def typologies(self, level=None, version=None, country=None) -> dict:
        lvl = _int(level, "level", 2, 3, 3)
        v = parse_mapped_version(version, default=ANALYSIS_VERSION)
        cc = (country or "").strip().upper() or None
        items = [
            t.as_dict()
            for code, t in sorted(self.typology_.regions(v, lvl).items())
            if cc is None or code[:2] == cc
        ]
        counts = {k: sum(1 for i in items if i["type"] == k) for k in TYPES}
        return {"level": lvl, "version": v, "count": len(items), "counts": counts, "items": items}

    # ------------------------------------------------------------------ scorecard

    def scorecard(
        self,
        code: str,
        version=None,
        peers=None,
        as_of=None,
        peer_scope=None,
        type=None,
        metropolis=None,
    ) -> dict:
        """One region against its metropolis and its k peers (see docs/scorecard.md)."""
        r = self.resolve(code, version, parameter="code")
        k = _int(peers, "peers", 1, MAX_PEERS, 5)
        year = _int(as_of, "as_of", 1900, 2100)
        scope = (peer_scope or "eu").strip().lower()
        if scope not in PEER_SCOPES:
            raise bad_request(f"peer_scope must be one of {', '.join(PEER_SCOPES)}", "peer_scope")
        kind = self._classify(r.code, ANALYSIS_VERSION, self._override(type, metropolis, r.level))
        metro = kind.metropolis if kind.type != METROPOLIS or kind.source == "override" else None
        state = self.data.state()  # one data-version check per request
        section = self.data.section(r.level, state)
        candidates = None
        if scope == "type":
            table = self.typology_.regions(ANALYSIS_VERSION, r.level)
            candidates = [c for c, t in table.items() if t.type == kind.type]
        elif scope == "country":
            candidates = [c for c in section.codes if c[:2] == r.country]
        found = find_peers(section, r.code, k, candidates=candidates)
        card = region_scorecard(
            state.panel, r.code, metropolis=metro, peers=[p[0] for p in found], as_of=year
        )
        if year is not None and all(i["region"].get("value") is None for i in card["indicators"]):
            raise not_found(f"no indicator has a value for {r.code} up to {year}")
        return {
            "region": r.as_dict(self.registry),
            "resolved": {"code": r.resolved.as_dict()},
            "typology": kind.as_dict(),
            "metropolis": {"code": metro, "name": self._name(metro), "relation": kind.relation}
            if metro
            else None,
            "peers": {
                "k": k,
                "scope": scope,
                "method": "root mean squared difference of z-scores over shared indicators "
                f"(NUTS {r.level}, EU27, reference years: "
                + ", ".join(
                    f"{i.id} {y}" for i, y in zip(section.indicators, section.reference_years)
                )
                + ")",
                "items": [
                    {"code": c, "name": self._name(c), "distance": d, "indicators_compared": n}
                    for c, d, n in found
                ],
            },
            "as_of": year,
            "composite": self._composite_summary(r.code, r.level, state),
            **card,
            "sources": sorted(
                {
                    part.strip()
                    for i in card["indicators"]
                    if i["region"].get("value") is not None
                    for part in i["attribution"].split(";")
                }
            ),
        }

    def _composite_summary(self, code: str, level: int, state=None) -> dict:
        try:
            result, _ = self._composite_result(level, CompositeOptions(), state=state)
        except RegioAtlasError as exc:  # the card is still useful without the index
            return {"status": "not computed", "detail": str(exc)}
        if code not in result.codes:
            return {
                "status": "not scored",
                "detail": result.not_scored.get(code, "not in the index"),
            }
        i = result.codes.index(code)
        return {
            "status": "ok",
            "level": level,
            "score": float(result.score[i]),
            "rank": int(result.rank[i]),
            "of": len(result.codes),
            "median_rank": float(result.median_rank[i]),
            "rank_p05": int(result.rank_p05[i]),
            "rank_p95": int(result.rank_p95[i]),
            "options": "min-max, equal weights, arithmetic; 1,000 runs, seed 0",
        }

    def scorecard_csv(self, code: str, **params) -> str:
        """The scorecard as CSV: one row per indicator and subject (region, metropolis, peers)."""
        card = self.scorecard(code, **params)
        buf = io.StringIO()
        w = SafeWriter(buf)
        w.writerow(
            ["indicator", "pillar", "unit", "direction", "subject", "code", "nuts_code",
             "nuts_version", "year", "value", "flag", "trend_5y", "trend_10y", "rank_country",
             "n_country", "rank_eu", "n_eu", "source", "licence"]
        )  # fmt: skip
        for ind in card["indicators"]:
            head = [ind["id"], ind["pillar"], ind["unit"], ind["direction"]]
            tail = [ind["source"], ind["licence"]]
            subjects = [("region", ind["region"]), ("metropolis", ind["metropolis"])]
            for subject, fig in subjects:
                if not fig:
                    continue
                w.writerow(
                    head
                    + [subject, fig.get("code"), fig.get("nuts_code"), fig.get("nuts_version"),
                       fig.get("year"), fig.get("value"), fig.get("flag"),
                       (fig.get("trend_5y") or {}).get("value"),
                       (fig.get("trend_10y") or {}).get("value"), fig.get("rank_country"),
                       fig.get("n_country"), fig.get("rank_eu"), fig.get("n_eu")]
                    + tail
                )  # fmt: skip
            peers = ind.get("peers")
            if peers:
                w.writerow(
                    head
                    + ["peers_median", " ".join(peers["codes"]), None, None,
                       " ".join(map(str, peers["years"])), peers["median"], None,
                       peers["trend_5y_median"], peers["trend_10y_median"], None, None, None, None]
                    + tail
                )  # fmt: skip
        return buf.getvalue()

    # ------------------------------------------------------------------ composite

    def _options(self, params: dict) -> CompositeOptions:
        return CompositeOptions(
            normalisation=(params.get("normalisation") or "minmax").strip().lower(),
            aggregation=(params.get("aggregation") or "arithmetic").strip().lower(),
            weighting=(params.get("weighting") or "equal").strip().lower(),
            indicator_weights=_weights(params.get("weights"), "weights"),
            pillar_weights=_weights(params.get("pillar_weights"), "pillar_weights"),
            missing=(params.get("missing") or "reweight").strip().lower(),
            min_share=_float(params.get("min_share"), "min_share", 0.01, 1.0, 2 / 3),
            runs=_int(params.get("runs"), "runs", 0, MAX_RUNS, 1000),
            seed=_int(params.get("seed"), "seed", 0, 2**32 - 1, 0),
            spread=_float(params.get("spread"), "spread", 0.0, 0.95, 0.5),
        )

    def _composite_result(
        self, level: int, opts: CompositeOptions, ids: tuple[str, ...] = (), state=None
    ):
        state = state or self.data.state()
        section = self.data.section(level, state)
        if ids:
            from regioatlas.analytics.scorecard import cross_section

            section = cross_section(state.panel, level, self.data.regions(level), list(ids))
        key = (
            "composite", level, ids, opts.normalisation, opts.aggregation, opts.weighting,
            tuple(sorted(opts.indicator_weights.items())), tuple(sorted(opts.pillar_weights.items())),
            opts.missing, opts.min_share, opts.runs, opts.seed, opts.spread,
        )  # fmt: skip
        return self.data.cached(
            key, lambda: composite_index(section.X, section.codes, section.indicators, opts), state
        ), section

    def composite(self, params: dict) -> dict:
        """The composite index of every EU27 region of a level, with rank intervals."""
        level = _int(params.get("level"), "level", 2, 3, 2)
        opts = self._options(params)
        ids = tuple(x.strip() for x in str(params.get("indicators") or "").split(",") if x.strip())
        for iid in ids:
            get_indicator(iid)  # NotFound naming the known ids
        opts.check()
        result, section = self._composite_result(level, opts, ids)
        cc = (params.get("country") or "").strip().upper() or None
        types = self.typology_.regions(ANALYSIS_VERSION, level)
        items = []
        for i, code in enumerate(result.codes):
            if cc and code[:2] != cc:
                continue
            items.append(
                {
                    "code": code,
                    "name": self._name(code),
                    "country": code[:2],
                    "type": types[code].type if code in types else None,
                    "score": _jsonable(float(result.score[i])),
                    "rank": int(result.rank[i]),
                    "median_rank": _jsonable(result.median_rank[i])
                    if result.median_rank is not None
                    else None,
                    "rank_p05": _jsonable(result.rank_p05[i])
                    if result.rank_p05 is not None
                    else None,
                    "rank_p95": _jsonable(result.rank_p95[i])
                    if result.rank_p95 is not None
                    else None,
                    "pillars": {p: _jsonable(float(s[i])) for p, s in result.pillar_scores.items()},
                    "missing_indicators": int(result.missing_count[i]),
                }
            )
        items.sort(key=lambda x: (x["rank"], x["code"]))
        return {
            "level": level,
            "version": ANALYSIS_VERSION,
            "regions": len(result.codes),
            "options": {
                "normalisation": opts.normalisation,
                "aggregation": opts.aggregation,
                "weighting": opts.weighting,
                "missing": opts.missing,
                "min_share": opts.min_share,
                "runs": opts.runs,
                "seed": opts.seed,
                "spread": opts.spread,
            },
            "indicators": [
                {
                    "id": ind.id,
                    "pillar": ind.pillar,
                    "weight": result.weights[ind.id],
                    "reference_year": y,
                    "direction": ind.direction,
                }
                for ind, y in zip(section.indicators, section.reference_years)
            ],  # fmt: skip
            "pillar_weights": result.pillar_weights,
            "excluded_indicators": section.excluded,
            "count": len(items),
            "items": items,
            "not_scored": [
                {"code": c, "reason": why}
                for c, why in sorted(result.not_scored.items())
                if not cc or c[:2] == cc
            ],
        }

    def composite_csv(self, params: dict) -> str:
        data = self.composite(params)
        buf = io.StringIO()
        w = SafeWriter(buf)
        pillars = list(data["pillar_weights"])
        w.writerow(
            ["code", "name", "country", "type", "score", "rank", "median_rank", "rank_p05",
             "rank_p95", *pillars, "missing_indicators"]
        )  # fmt: skip
        for it in data["items"]:
            w.writerow(
                [it["code"], it["name"], it["country"], it["type"], it["score"], it["rank"],
                 it["median_rank"], it["rank_p05"], it["rank_p95"],
                 *(it["pillars"].get(p) for p in pillars), it["missing_indicators"]]
            )  # fmt: skip
        return buf.getvalue()

    def report(self, code: str, fmt: str = "png", **params) -> tuple[bytes, str]:
        """A one-page report of the scorecard as PNG or PDF: (bytes, media type)."""
        fmt = (fmt or "png").lower()
        if fmt not in ("png", "pdf"):
            raise bad_request(f"format must be png or pdf, not {fmt!r}", "format")
        from regioatlas.api.scorecard_report import render_report

        card = self.scorecard(code, **params)
        return render_report(card, fmt), "image/png" if fmt == "png" else "application/pdf"
