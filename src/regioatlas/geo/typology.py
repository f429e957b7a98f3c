"""Typology of NUTS 2 and NUTS 3 regions: metropolis, next to a metropolis, or other.

Criteria (documented in docs/scorecard.md):

1. **Metropolitan metro regions** are the Eurostat metropolitan regions (NUTS 2016 typology) that
   are a *capital* metro region (code ending ``MC``) or a *large* metropolitan region in the
   OECD TL3 typology (``MR-L``: a functional urban area of at least 1.5 million people).
2. **Metropolis, NUTS 3**: a NUTS 3 region of a metropolitan metro region that is predominantly
   urban (Eurostat urban-rural typology, type 1); when none of its regions is, its most populous
   NUTS 3 region (so every metropolitan metro region has a core).
3. **Next to a metropolis, NUTS 3**: not a metropolis, and either it shares a border with a
   metropolis NUTS 3 region (``NutsRegistry.neighbours``: generalised polygons, 0.002° tolerance
   for slivers, at least 0.01° of common boundary) or it belongs to a metropolitan metro region
   (the metropolis's commuting belt).
4. **Metropolis, NUTS 2**: for each metropolitan metro region, the NUTS 2 region holding the
   largest part of the population of its metropolis NUTS 3 regions.
5. **Next to a metropolis, NUTS 2**: not a metropolis, and it shares a border with a metropolis
   NUTS 2 region or holds a NUTS 3 region of a metropolitan metro region.
6. Everything else is **other**. A user can override the class and the metropolis of a region.

The inputs are in NUTS 2016 (metro regions) and NUTS 2024 (urban-rural type, population); they
are carried into the NUTS version asked for through the JRC cross-walks (a NUTS 3 region takes
the membership and type of the source region holding at least half of its population), and
adjacency is taken from that version's polygons. So a code of NUTS 2016, 2021 or 2024 is
classified in its own version.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import threading
from dataclasses import dataclass, replace
from importlib import resources
from typing import TypeVar

from regioatlas.model import NotFound
from regioatlas.model.errors import BadInput

METROPOLIS = "metropolis"
NEXT_TO = "next_to_metropolis"
OTHER = "other"
TYPES = (METROPOLIS, NEXT_TO, OTHER)

_V = TypeVar("_V")


class TypologyError(BadInput, ValueError):
    """A region or an override the typology cannot take."""


@dataclass(frozen=True, slots=True)
class TypologyInputs:
    """What the classification is computed from (see ``load_inputs`` for the shipped data)."""

    #: NUTS 3 (NUTS 2016) -> Eurostat metro region code
    metro_members: dict[str, str]
    #: metro region code -> name
    metro_names: dict[str, str]
    #: capital metro regions (code ends in MC)
    capital_metros: frozenset[str]
    #: OECD large metropolitan regions (MR-L), as Eurostat metro region codes
    large_metros: frozenset[str]
    #: NUTS 3 (NUTS 2024) -> urban-rural type (1 urban, 2 intermediate, 3 rural)
    urban_type: dict[str, int]
    #: NUTS 2024 code (levels 2 and 3) -> population (latest year)
    population: dict[str, float]
    population_year: int | None = None

    @property
    def metropolitan_metros(self) -> frozenset[str]:
        return self.capital_metros | self.large_metros


@dataclass(frozen=True, slots=True)
class RegionType:
    """The class of one region, with the metropolis it relates to and why."""

    code: str
    version: int
    level: int
    type: str
    #: the metropolis region of the same level this region is compared with (None for a metropolis)
    metropolis: str | None
    #: how ``metropolis`` relates: "adjacent", "same metro region", "nearest in country",
    #: "nearest", "override" or None
    relation: str | None
    #: every metropolis region of the same level it borders or shares a metro region with
    metropolises: tuple[str, ...] = ()
    #: the Eurostat metro region (code, name) the region belongs to, if any
    metro_region: tuple[str, str] | None = None
    reasons: tuple[str, ...] = ()
    source: str = "rules"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "version": self.version,
            "level": self.level,
            "type": self.type,
            "metropolis": self.metropolis,
            "relation": self.relation,
            "metropolises": list(self.metropolises),
            "metro_region": (
                {"code": self.metro_region[0], "name": self.metro_region[1]}
                if self.metro_region
                else None
            ),
            "reasons": list(self.reasons),
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Override:
    """A user's classification of a region; ``metropolis`` None keeps the computed one."""

    type: str | None = None
    metropolis: str | None = None
    note: str = "user override"


def _data(name: str):
    return resources.files("regioatlas.data").joinpath(name).open("rb")


def _rows(name: str) -> csv.DictReader:
    text = resources.files("regioatlas.data").joinpath(name).read_text(encoding="utf-8")
    return csv.DictReader(io.StringIO(text))


def _latest_population() -> tuple[dict[str, float], int | None]:
    """Latest total population per NUTS 2024 code from the shipped demo_r_pjanaggr3 extract."""
    with _data("demo/estat_demo_r_pjanaggr3_total.tsv.gz") as raw:
        text = gzip.decompress(raw.read()).decode("utf-8")
    lines = text.splitlines()
    years = [int(y) for y in lines[0].split("\t")[1:]]
    out: dict[str, float] = {}
    best_year = None
    for line in lines[1:]:
        cells = line.split("\t")
        geo = cells[0].split(",")[-1]
        for year, cell in sorted(zip(years, cells[1:]), reverse=True):
            number = cell.strip().split(" ")[0]
            if number and number != ":":
                out[geo] = float(number)
                best_year = max(best_year or year, year)
                break
    return out, best_year


def load_inputs() -> TypologyInputs:
    """The typology inputs shipped in ``regioatlas/data/scorecard`` (see its README.md)."""
    members, names, capitals = {}, {}, set()
    for row in _rows("scorecard/metro_regions_nuts2016.csv"):
        members[row["NUTS_ID"]] = row["MREG_CODE"]
        names[row["MREG_CODE"]] = row["metro_region_name"]
        if row["MREG_CODE"].endswith("MC"):
            capitals.add(row["MREG_CODE"])
    large = set()
    for row in _rows("scorecard/oecd_tl3_metro_typology_units.csv"):
        if row["metro_code"] == "MR-L":
            large.add(row["REG_ID_M"] if row["REG_ID_M"] != "NA" else row["REG_ID"])
    urban = {}
    for row in _rows("scorecard/urban_rural_typology_nuts3_2024.csv"):
        if row["urban_rural_type"].strip().isdigit():
            urban[row["geo"]] = int(row["urban_rural_type"])
    population, year = _latest_population()
    return TypologyInputs(
        members, names, frozenset(capitals), frozenset(large), urban, population, year
    )


class Typology:
    """Classify regions of NUTS 2016, 2021 or 2024, levels 2 and 3 (computed once per version).

    Example
    -------
    >>> t = Typology.default()
    >>> t.classify("FI1C3", 2021).type, t.classify("FI1C3", 2021).metropolis
    ('next_to_metropolis', 'FI1B1')
    >>> t.classify("AT12", 2024).metropolis
    'AT13'
    """

    _default: Typology | None = None
    _default_lock = threading.Lock()

    def __init__(self, inputs: TypologyInputs, registry=None):
        from regioatlas.geo.nuts import NutsRegistry

        self.inputs = inputs
        self.registry = registry or NutsRegistry.default()
        self._lock = threading.RLock()
        self._cache: dict[tuple[int, int], dict[str, RegionType]] = {}

    @classmethod
    def default(cls) -> Typology:
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls(load_inputs())
        return cls._default

    # ------------------------------------------------------------------ public

    def classify(
        self, code: str, version: int, overrides: dict[str, Override] | None = None
    ) -> RegionType:
        """The class of one region (``TypologyError`` for a level other than 2 or 3)."""
        region = self.registry.get(code, version)
        if region.level not in (2, 3):
            raise TypologyError(
                f"{region.code} is a NUTS {region.level} region; the typology classifies "
                "NUTS 2 and NUTS 3 regions"
            )
        table = self.regions(version, region.level)
        if region.code not in table:
            raise TypologyError(f"{region.code} (NUTS {version}) has no polygon to classify")
        result = table[region.code]
        if overrides and region.code in overrides:
            result = self.apply_override(result, overrides[region.code])
        return result

    def regions(self, version: int, level: int) -> dict[str, RegionType]:
        """Every region of a level with a polygon in a version, by code (cached)."""
        key = (version, level)
        if key not in self._cache:
            with self._lock:
                if key not in self._cache:
                    self._cache[key] = (
                        self._level3(version) if level == 3 else self._level2(version)
                    )
        return self._cache[key]

    def apply_override(self, result: RegionType, override: Override) -> RegionType:
        """The region's class with a user's override applied (validated)."""
        kind = override.type or result.type
        if kind not in TYPES:
            raise TypologyError(f"type must be one of {', '.join(TYPES)}, not {kind!r}")
        metropolis = override.metropolis or (None if kind == METROPOLIS else result.metropolis)
        if override.metropolis:
            try:
                metro = self.registry.get(override.metropolis, result.version)
            except NotFound as exc:
                raise TypologyError(str(exc)) from None
            if metro.level != result.level:
                raise TypologyError(
                    f"metropolis {metro.code} is a NUTS {metro.level} region; give a NUTS "
                    f"{result.level} region like {result.code}"
                )
            if metro.code == result.code:
                raise TypologyError("a region cannot be its own metropolis")
            metropolis = metro.code
        return replace(
            result,
            type=kind,
            metropolis=metropolis,
            relation="override" if override.metropolis else result.relation,
            reasons=(*result.reasons, f"{override.note}: type {kind}, metropolis {metropolis}"),
            source="override",
        )

    # ------------------------------------------------------------------ computing

    def _carry(self, values: dict[str, _V], from_version: int, version: int) -> dict[str, _V]:
        """Values keyed by codes of one version, carried to another (majority population share)."""
        out: dict[str, _V] = {}
        for code, value in values.items():
            for target, share in self.registry.recode(code, from_version, version):
                if share >= 0.5:
                    out.setdefault(target, value)
        return out

    def _population(self, version: int) -> dict[str, float]:
        if version == 2024:
            return self.inputs.population
        out: dict[str, float] = {}
        for code, pop in self.inputs.population.items():
            for target, share in self.registry.recode(code, 2024, version):
                out[target] = out.get(target, 0.0) + pop * share
        return out

    def _distance(self, a: str, b: str, version: int) -> float:
        ea, eb = self.registry.extent(a, version), self.registry.extent(b, version)
        if ea is None or eb is None:
            return math.inf
        (lon1, lat1), (lon2, lat2) = ea.centroid, eb.centroid
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dl, dp = math.radians(lon2 - lon1), p2 - p1
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(h))

    def _mapped(self, version: int, level: int) -> list:
        return [
            r
            for r in self.registry.regions(version, level)
            if self.registry.extent(r.code, version) is not None
        ]

    def _level3(self, version: int) -> dict[str, RegionType]:
        inp = self.inputs
        members = self._carry(inp.metro_members, 2016, version)
        urban = self._carry(inp.urban_type, 2024, version)
        pop = self._population(version)
        regions = self._mapped(version, 3)
        metro_of = {r.code: members.get(r.code) for r in regions}
        by_metro: dict[str, list[str]] = {}
        for code, m in metro_of.items():
            if m in inp.metropolitan_metros:
                by_metro.setdefault(m, []).append(code)
        cores: set[str] = set()
        why: dict[str, str] = {}
        for m, codes in by_metro.items():
            kind = "capital" if m in inp.capital_metros else "large (OECD MR-L)"
            urban_members = [c for c in codes if urban.get(c) == 1]
            biggest = max(codes, key=lambda c: pop.get(c, 0.0))
            for c in codes:
                if urban.get(c) == 1 or (not urban_members and c == biggest):
                    cores.add(c)
                    why[c] = (
                        f"in the {kind} metro region {m} {inp.metro_names.get(m, '')}".rstrip()
                        + (
                            ", predominantly urban"
                            if urban.get(c) == 1
                            else ", its most populous NUTS 3 region"
                        )
                    )
        out: dict[str, RegionType] = {}
        for r in regions:
            m = metro_of[r.code]
            metro = (m, inp.metro_names.get(m, "")) if m else None
            if r.code in cores:
                out[r.code] = RegionType(
                    r.code, version, 3, METROPOLIS, None, "self", (), metro, (why[r.code],)
                )
                continue
            adjacent = [
                n.code for n in self.registry.neighbours(r.code, version) if n.code in cores
            ]
            same_metro = [c for c in by_metro.get(m, []) if c in cores] if m else []
            reasons = []
            if adjacent:
                reasons.append("shares a border with metropolis " + ", ".join(adjacent))
            if same_metro and m:  # same_metro is only filled for a member of a metro region
                reasons.append(
                    f"belongs to the metropolitan metro region {m} {inp.metro_names.get(m, '')}".rstrip()
                )
            related = tuple(dict.fromkeys(same_metro + adjacent))
            if related:
                primary, relation = self._primary(r, same_metro, adjacent, version)
                out[r.code] = RegionType(
                    r.code, version, 3, NEXT_TO, primary, relation, related, metro, tuple(reasons)
                )
            else:
                near, near_relation = self._nearest(r, cores, version)
                out[r.code] = RegionType(
                    r.code, version, 3, OTHER, near, near_relation, (), metro,
                    ("neither borders a metropolis nor belongs to a metropolitan metro region",),
                )  # fmt: skip
        return out

    def _level2(self, version: int) -> dict[str, RegionType]:
        inp = self.inputs
        level3 = self.regions(version, 3)
        pop = self._population(version)
        regions = self._mapped(version, 2)
        belt: dict[str, list[str]] = {}
        # per metropolitan metro region: population of its metropolis NUTS 3 regions by NUTS 2
        core_pop: dict[str, dict[str, float]] = {}
        for r in regions:
            kids = [k.code for k in self.registry.children(r.code, version) if k.code in level3]
            for k in kids:
                t = level3[k]
                if t.type == METROPOLIS and t.metro_region:
                    by = core_pop.setdefault(t.metro_region[0], {})
                    by[r.code] = by.get(r.code, 0.0) + pop.get(k, 0.0)
            metros = {
                metro[0]
                for k in kids
                if (metro := level3[k].metro_region) and metro[0] in inp.metropolitan_metros
            }
            belt[r.code] = sorted(metros)
        cores: set[str] = set()
        why: dict[str, str] = {}
        for m, by in sorted(core_pop.items()):
            total = sum(by.values())
            best = max(by, key=lambda c: by[c])
            cores.add(best)
            part = f"{by[best] / total:.0%} of" if total else "the"
            note = f"holds {part} the metropolis population of {m} {inp.metro_names.get(m, '')}"
            why[best] = f"{why[best]}; {note.rstrip()}" if best in why else note.rstrip()
        core_of_metro: dict[str, list[str]] = {}
        for c in cores:
            for m in belt[c]:
                core_of_metro.setdefault(m, []).append(c)
        out: dict[str, RegionType] = {}
        for r in regions:
            if r.code in cores:
                out[r.code] = RegionType(
                    r.code, version, 2, METROPOLIS, None, "self", (), None, (why[r.code],)
                )
                continue
            adjacent = [
                n.code for n in self.registry.neighbours(r.code, version) if n.code in cores
            ]
            same_metro = [c for m in belt[r.code] for c in core_of_metro.get(m, [])]
            reasons = []
            if adjacent:
                reasons.append("shares a border with metropolis " + ", ".join(adjacent))
            if same_metro:
                reasons.append(
                    "holds NUTS 3 regions of the metropolitan metro region(s) "
                    + ", ".join(f"{m} {inp.metro_names.get(m, '')}".strip() for m in belt[r.code])
                )
            related = tuple(dict.fromkeys(same_metro + adjacent))
            if related:
                primary, relation = self._primary(r, same_metro, adjacent, version)
                out[r.code] = RegionType(
                    r.code, version, 2, NEXT_TO, primary, relation, related, None, tuple(reasons)
                )
            else:
                near, near_relation = self._nearest(r, cores, version)
                out[r.code] = RegionType(
                    r.code, version, 2, OTHER, near, near_relation, (), None,
                    ("neither borders a metropolis nor holds part of a metropolitan metro region",),
                )  # fmt: skip
        return out

    def _primary(self, region, same_metro, adjacent, version) -> tuple[str, str]:
        """The metropolis a region is compared with: one it shares a metro region with and
        borders, else one it borders in its own country, else the core of its metro region,
        else one it borders across the border; the nearest (centroids) when several are left."""
        both = [c for c in same_metro if c in adjacent]
        own = [c for c in adjacent if c[:2] == region.code[:2]]
        for candidates, relation in (
            (both, "adjacent"),
            (own, "adjacent"),
            (same_metro, "same metro region"),
            (adjacent, "adjacent"),
        ):
            if candidates:
                best = min(candidates, key=lambda c: self._distance(region.code, c, version))
                return best, relation
        raise AssertionError("no candidate")  # callers pass at least one

    def _nearest(self, region, cores: set[str], version: int) -> tuple[str | None, str | None]:
        own = [c for c in cores if c[:2] == region.code[:2]]
        pool, relation = (own, "nearest in country") if own else (list(cores), "nearest")
        if not pool:
            return None, None
        return min(pool, key=lambda c: self._distance(region.code, c, version)), relation
