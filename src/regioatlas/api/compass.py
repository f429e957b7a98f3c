"""Digital Compass handlers: the 2030 targets and a region's plan (any NUTS level and version)."""

from __future__ import annotations

from regioatlas.analytics.compass import Observation, persons_16_74, plan_target
from regioatlas.analytics.measures import compass_not_translated, measures
from regioatlas.api.problems import not_found
from regioatlas.geo.regions import ResolvedRegion, resolve_region
from regioatlas.model import Unavailable
from regioatlas.model.regions import ATLAS_VERSION

ATTRIBUTION = {
    "desi": "Source: European Commission, Digital Decade / DESI",
    "eurostat": "Source: Eurostat",
}
#: population on 1 January by broad age group (Eurostat demo_r_pjanaggr3, ingested by the demo)
POPULATION_SERIES = "demo_r_pjanaggr3/A.NR.T."
AGE_GROUPS = ("TOTAL", "Y_LT15", "Y15-64", "Y_GE65")

SERIES_SOURCE = {
    "desi_2022_edition": "DESI 2022 edition",
    "desi_2026_country_profile": "Digital Decade 2026 country profile",
}
CONTEXT_VERSION = 2016  # tgs00049 and isoc_r_iuse_i are coded in NUTS 2016


def compass_spec() -> dict:
    """The 2030 targets as the planner reads them: the ``compass`` sections of the catalogue's
    KPIs (``regioatlas.analytics.measures``), each with its KPI's target and unit."""
    targets = []
    for m in measures("kpi"):
        if "compass" in m.details and m.targets:
            goal = m.targets[0]
            targets.append(
                {**m.details["compass"], "kpi": m.id, "target": goal["value"], "unit": goal["unit"]}
            )
    return {"targets": targets, "not_translated": compass_not_translated()}


def country_observations(store, country: str, spec: dict) -> list[Observation]:
    """A target's country series from the stored DESI figures, in percent, by reference year."""
    out = []
    for s in spec["series"]:
        for f in store.figures(f"{s['file']}/{s['indicator']}", codes=[country]):
            if f.value is None or f.year is None:
                continue
            out.append(
                Observation(
                    f.year + s["year_offset"],
                    f.value * s["scale"],
                    f"{SERIES_SOURCE[s['file']]} ({s['indicator']}, edition {f.year})",
                )
            )
    out.sort(key=lambda o: o.year)
    # the same reference year from two editions: the later edition wins
    dedup: dict[int, Observation] = {}
    for o in out:
        dedup[o.year] = o
    return list(dedup.values())


def desi_countries(store) -> list[str]:
    """The countries with stored Digital Decade values; Unavailable when none are stored."""
    indicators = {
        f"{s['file']}/{s['indicator']}" for t in compass_spec()["targets"] for s in t["series"]
    }
    countries = {f.nuts_code for i in sorted(indicators) for f in store.figures(i)}
    if not countries:
        raise Unavailable(
            "the store holds no Digital Decade country indicators: ingest the dataset "
            "'digital-decade' (`regioatlas ingest digital-decade desi_country_kpis.csv`; "
            "`regioatlas demo` does it with the shipped file)",
            dataset="digital-decade",
        )
    return sorted(countries)


class CompassApi:
    """Handlers for /api/compass."""

    def __init__(self, atlas):
        self.atlas = atlas

    def targets(self) -> dict:
        spec = compass_spec()
        return {
            "target_year": 2030,
            "legal_basis": "Decision (EU) 2022/2481 Art. 4; KPIs: Implementing Decision (EU) 2023/1353",
            "targets": spec["targets"],
            "not_translated": spec["not_translated"],
            "countries": desi_countries(self.atlas.store),
        }

    def _resolve(self, code: str, version) -> tuple[str, int, str, int, ResolvedRegion]:
        """(code asked, its version, code in NUTS 2024, level, how it was resolved)."""
        found = resolve_region(code, version, self.atlas.registry)
        target = found.code
        return found.asked, found.asked_version, target, len(target) - 2, found

    def plan(self, region: str, version=None) -> dict:
        """The region's plan, kept per data version: it reads 40 stored series (200-400 ms on
        the demo store), and the Compass page of a region is opened again and again."""
        atlas = self.atlas
        return atlas.aggregate_answers.get(
            atlas.store.data_version(),
            ("compass", region, version),
            lambda: self._plan(region, version),
        )

    def _plan(self, region: str, version=None) -> dict:
        asked, v, code, level, found = self._resolve(region, version)
        reg = self.atlas.registry
        r = reg.get(code, ATLAS_VERSION)
        country = r.country
        store = self.atlas.store
        if country not in desi_countries(store):
            raise not_found(
                f"no Digital Decade values for {country} (the scoreboard covers the EU member states)"
            )
        pop = _population(store, code, asked)
        spec = compass_spec()
        plans = []
        for t in spec["targets"]:
            obs = country_observations(store, country, t)
            baseline = None
            if pop and t["baseline"] == "persons_16_74":
                baseline = {
                    **persons_16_74(pop["groups"]),
                    "year": pop["year"],
                    "code": pop["code"],
                }
            elif pop and t["baseline"] == "population":
                total = int(pop["groups"]["TOTAL"])
                baseline = {
                    "unit": "persons",
                    "low": total,
                    "high": total,
                    "basis": "total population on 1 January (Eurostat demo_r_pjanaggr3)",
                    "year": pop["year"],
                    "code": pop["code"],
                }
            p = plan_target(t, obs, baseline, estimated_from_national=level > 0)
            if t["baseline"] == "enterprises":
                p["gap_note"] = (
                    "no count of enterprises by region in the shipped data: the gap is given in percentage points"
                )
            elif t.get("gap_note"):
                p["gap_note"] = t["gap_note"]
            p["regional_context"] = [
                _context(store, c, code, level, reg) for c in t.get("regional_context", [])
            ]
            plans.append(p)
        return {
            "region": {
                "code": code,
                "version": ATLAS_VERSION,
                "level": level,
                "name": r.name_latin,
                "country": country,
                "asked": {"code": asked, "version": v},
            },
            "resolved": {"region": found.as_dict()},
            "population": pop,
            "targets": plans,
            "not_translated": spec["not_translated"],
            "method": {
                "current": "latest country value of the Digital Decade scoreboard; for a region below the country it is the national value, labelled 'estimated from national', because no regional statistic with the target's definition exists",
                "trend": "least-squares slope of the country series over its reference years (edition year - 1)",
                "needed": "(target - current) / (2030 - reference year)",
                "year_reached": "first whole year in which current + trend x years reaches the target",
                "gap": "gap share x baseline; persons 16-74 are a range from Eurostat's broad age groups",
            },
            "attribution": [ATTRIBUTION["desi"], ATTRIBUTION["eurostat"]],
        }


def _population(store, code: str, asked: str) -> dict | None:
    """Latest population by broad age group of the region (2024 code, else the code asked)."""
    for c in (code, asked):
        years: dict[int, dict[str, float]] = {}
        for age in AGE_GROUPS:
            for f in store.figures(POPULATION_SERIES + age, codes=[c]):
                if f.value is not None and f.year is not None:
                    years.setdefault(f.year, {})[age] = f.value
        full = [y for y, g in years.items() if {"TOTAL", "Y15-64", "Y_GE65"} <= set(g)]
        if full:
            y = max(full)
            return {
                "code": c,
                "year": y,
                "groups": years[y],
                "source": "Eurostat demo_r_pjanaggr3 (population on 1 January)",
            }
    return None


def _context(store, ctx: dict, code: str, level: int, reg) -> dict:
    """The latest regional statistic of the region's NUTS 2 (else its country), as stored."""
    candidates = []
    if level >= 2:
        nuts2 = code[:4]
        flows = reg.recode(nuts2, ATLAS_VERSION, CONTEXT_VERSION)
        if flows and flows[0][1] >= 0.95:
            candidates.append(flows[0][0])
        candidates.append(nuts2)
    candidates.append(code[:2])
    for c in candidates:
        series = sorted(
            (f.year, f.value)
            for f in store.figures(ctx["table"], codes=[c])
            if f.year is not None and f.value is not None
        )
        if series:
            year, value = series[-1]
            return {
                "table": ctx["table"],
                "label": ctx["label"],
                "relation": ctx["relation"],
                "code": c,
                "level": len(c) - 2,
                "observed": "regional" if len(c) > 2 else "national",
                "year": year,
                "value": value,
                "series": [{"year": y, "value": x} for y, x in series],
                "source": "Source: Eurostat",
            }
    return {
        "table": ctx["table"],
        "label": ctx["label"],
        "value": None,
        "note": "no value for the region or its country",
    }
