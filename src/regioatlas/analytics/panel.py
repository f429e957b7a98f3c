"""Indicator values as region × year tables in one NUTS version (the analysis version).

Published figures come in the NUTS version of their dataset (GDP of May 2024 in NUTS 2021,
population of 2026 in NUTS 2024, ...). A figure enters the table of the analysis version when
its region has a one-to-one equivalent there: the JRC cross-walk puts at least 95 % of the
region's population into one region of the analysis version, and that region's population comes
at least 95 % from it (FI1C3 of 2021 is FI1C6 of 2024; a split or merged region has no
equivalent and stays out, counted in ``dropped``). Every cell keeps the code and version it was
published under, its flag, and the year; missing values stay missing (NaN, flag ``":"`` when the
publisher marked them), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from regioatlas.analytics.indicators import Indicator
from regioatlas.analytics.indicators import catalogue as scorecard_catalogue
from regioatlas.model import RegionFigure

#: member states of the EU (NUTS country codes; EL is Greece)
EU27 = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
#: share of population both ways for a region of another version to count as the same region
EQUIVALENCE = 0.95


@dataclass(frozen=True, slots=True)
class Cell:
    """One value with its provenance."""

    value: float | None
    year: int
    flag: str | None
    nuts_code: str
    nuts_version: int

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "year": self.year,
            "flag": self.flag,
            "nuts_code": self.nuts_code,
            "nuts_version": self.nuts_version,
        }


@dataclass
class IndicatorTable:
    """Values of one indicator at one NUTS level: rows are regions, columns years."""

    indicator: Indicator
    level: int
    codes: list[str]
    years: np.ndarray
    values: np.ndarray
    flags: np.ndarray
    sources: np.ndarray
    row: dict[str, int] = field(init=False)
    col: dict[int, int] = field(init=False)

    country: np.ndarray = field(init=False)
    eu: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.row = {c: i for i, c in enumerate(self.codes)}
        self.col = {int(y): j for j, y in enumerate(self.years)}
        self.country = np.array([c[:2] for c in self.codes], dtype=object)
        self.eu = np.array([c[:2] in EU27 for c in self.codes], dtype=bool)

    def cell(self, code: str, year: int) -> Cell | None:
        """The cell of a region and year (a missing value has ``value=None``), or None."""
        i, j = self.row.get(code), self.col.get(year)
        if i is None or j is None or self.sources[i, j] is None:
            return None
        v = self.values[i, j]
        src_code, src_version = self.sources[i, j]
        return Cell(
            None if np.isnan(v) else float(v), year, self.flags[i, j], src_code, src_version
        )

    def latest(self, code: str, at_most: int | None = None) -> Cell | None:
        """The region's latest cell with a value (at or before ``at_most``)."""
        i = self.row.get(code)
        if i is None:
            return None
        for j in range(len(self.years) - 1, -1, -1):
            if at_most is not None and self.years[j] > at_most:
                continue
            if not np.isnan(self.values[i, j]):
                return self.cell(code, int(self.years[j]))
        return None

    def column(self, year: int) -> np.ndarray:
        j = self.col.get(year)
        return np.full(len(self.codes), np.nan) if j is None else self.values[:, j]

    def series(self, code: str) -> list[float | None]:
        i = self.row.get(code)
        if i is None:
            return [None] * len(self.years)
        return [None if v != v else v for v in self.values[i].tolist()]  # v != v: NaN

    def year_range(self) -> tuple[int, int] | None:
        valued = np.where(~np.isnan(self.values).all(axis=0))[0]
        if not len(valued):
            return None
        return int(self.years[valued[0]]), int(self.years[valued[-1]])


@dataclass
class Panel:
    """Every indicator's tables in the analysis NUTS version, by (indicator id, level)."""

    version: int
    tables: dict[tuple[str, int], IndicatorTable]
    #: figures left out per series: (code, version) without an equivalent in ``version``
    dropped: dict[str, int]

    def table(self, indicator_id: str, level: int) -> IndicatorTable | None:
        return self.tables.get((indicator_id, level))

    def levels(self, indicator_id: str) -> list[int]:
        return sorted(lvl for (i, lvl) in self.tables if i == indicator_id)


class Recoder:
    """Codes of any version -> the analysis version, one-to-one equivalents only (cached)."""

    def __init__(self, registry, version: int):
        self.registry, self.version = registry, version
        self.cache: dict[tuple[str, int], str | None] = {}

    def __call__(self, code: str, version: int) -> str | None:
        key = (code, version)
        if key in self.cache:
            return self.cache[key]
        out = None
        if version == self.version:
            out = code if self.registry.is_valid(code, version) else None
        else:
            there = self.registry.recode(code, version, self.version)
            if there and there[0][1] >= EQUIVALENCE:
                back = self.registry.recode(there[0][0], self.version, version)
                if back and back[0][0] == code and back[0][1] >= EQUIVALENCE:
                    out = there[0][0]
        if out is not None and set(out[2:]) == {"Z"}:
            out = None  # Extra-Regio is not a region to compare
        self.cache[key] = out
        return out


#: (analysis code, year) -> (value or None, flag, (source code, source version))
Values = dict[tuple[str, int], tuple[float | None, str | None, tuple[str, int]]]


def _better(new, old, version: int) -> bool:
    """Of two figures landing on one cell, keep a value over a gap, then the analysis version's."""
    if (new[0] is None) != (old[0] is None):
        return new[0] is not None
    return new[2][1] == version and old[2][1] != version


def map_series(figures: list[RegionFigure], recode, version: int) -> tuple[Values, int]:
    """Figures of one series onto analysis codes; returns the values and the count dropped."""
    out: Values = {}
    dropped = 0
    for f in figures:
        if f.year is None:
            continue
        code = recode(f.nuts_code, f.nuts_version)
        if code is None:
            dropped += 1
            continue
        item = (f.value, f.flag, (f.nuts_code, f.nuts_version))
        key = (code, f.year)
        if key not in out or _better(item, out[key], version):
            out[key] = item
    return out, dropped


def _flags(*flags: str | None) -> str | None:
    letters = "".join(sorted({c for f in flags if f for c in f if c != ":"}))
    return letters or None


def derive(indicator: Indicator, series: dict[str, Values]) -> Values:
    """The indicator's values from its input series (see ``Derivation``)."""
    d = indicator.derivation
    base = series.get(d.series, {})
    if d.kind == "series":
        return base
    out: Values = {}
    if d.kind in ("share", "ratio"):
        den = series.get(d.base or "", {})
        for key, (v, flag, src) in base.items():
            other = den.get(key)
            if other is None:
                continue
            dv, dflag, _ = other
            if v is None or dv is None or dv == 0:
                out[key] = (None, ":", src)
            else:
                out[key] = (v / dv * d.factor, _flags(flag, dflag), src)
        return out
    if d.kind == "growth":
        for (code, year), (v, flag, src) in base.items():
            prev = base.get((code, year - d.years))
            if prev is None:
                continue
            between = [
                base.get((code, y), (None, None, None))[1] for y in range(year - d.years + 1, year)
            ]
            if v is None or prev[0] is None or prev[0] == 0:
                out[(code, year)] = (None, ":", src)
            else:
                out[(code, year)] = (
                    (v / prev[0] - 1.0) * 100.0,
                    _flags(flag, prev[1], *between),
                    src,
                )
        return out
    raise ValueError(f"unknown derivation {d.kind!r}")


def _tables(indicator: Indicator, values: Values) -> dict[int, IndicatorTable]:
    by_level: dict[int, dict[tuple[str, int], tuple]] = {}
    for (code, year), item in values.items():
        by_level.setdefault(len(code) - 2, {})[(code, year)] = item
    out = {}
    for level, cells in by_level.items():
        codes = sorted({c for c, _ in cells})
        years = np.array(sorted({y for _, y in cells}), dtype=int)
        row = {c: i for i, c in enumerate(codes)}
        col = {int(y): j for j, y in enumerate(years)}
        vals = np.full((len(codes), len(years)), np.nan)
        flags = np.full((len(codes), len(years)), None, dtype=object)
        srcs = np.full((len(codes), len(years)), None, dtype=object)
        for (code, year), (v, flag, src) in cells.items():
            i, j = row[code], col[year]
            if v is not None:
                vals[i, j] = v
            flags[i, j] = flag
            srcs[i, j] = src
        out[level] = IndicatorTable(indicator, level, codes, years, vals, flags, srcs)
    return out


def build_panel(
    figures: dict[str, list[RegionFigure]],
    registry,
    *,
    version: int = 2024,
    catalogue: tuple[Indicator, ...] | None = None,
) -> Panel:
    """Tables of every catalogue indicator in ``version`` from the figures of their series.

    Parameters
    ----------
    figures
        Series id -> its figures (as ``Store.figures(series_id)`` returns them).
    registry
        A ``NutsRegistry`` (for the cross-walks).
    version
        The analysis NUTS version.

    Example
    -------
    >>> from regioatlas.geo.nuts import NutsRegistry
    >>> from regioatlas.model import RegionFigure
    >>> gdp = [RegionFigure("nama_10r_3gdp/A.PPS_EU27_2020_HAB", "FI1C3", 2021, 28300.0, "PPS", 2021)]
    >>> p = build_panel({"nama_10r_3gdp/A.PPS_EU27_2020_HAB": gdp}, NutsRegistry.default())
    >>> p.table("gdp_per_head_pps", 3).cell("FI1C6", 2021).nuts_code
    'FI1C3'
    """
    recode = Recoder(registry, version)
    mapped: dict[str, Values] = {}
    dropped: dict[str, int] = {}
    for sid, figs in figures.items():
        mapped[sid], dropped[sid] = map_series(figs, recode, version)
    tables: dict[tuple[str, int], IndicatorTable] = {}
    for ind in scorecard_catalogue() if catalogue is None else catalogue:
        for level, table in _tables(ind, derive(ind, mapped)).items():
            tables[(ind.id, level)] = table
    return Panel(version, tables, dropped)
