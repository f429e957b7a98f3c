"""The scorecard's view of a store: the indicator panel, rebuilt when the store's data change.

Reads the catalogue's Eurostat series with ``Store.figures`` and computes the atlas's own
per-inhabitant figures from ``Store.aggregate`` (Horizon 2020 and all projects) and the keep.eu
Interreg figures; everything is cached under ``Store.data_version()``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from regioatlas.analytics.indicators import (
    ATLAS_EU_FUNDING,
    ATLAS_H2020,
    ATLAS_INTERREG,
    POPULATION,
    catalogue,
    series_needed,
)
from regioatlas.analytics.panel import EU27, Panel, Recoder, build_panel
from regioatlas.analytics.scorecard import CrossSection, cross_section
from regioatlas.model import RegionFigure
from regioatlas.model.query import ProjectFilter

ANALYSIS_VERSION = 2024
#: the population year of the 2014-2020 programme figures (end of the period)
PROGRAMME_YEAR = 2020


@dataclass
class State:
    data_version: str
    panel: Panel
    datasets: list
    sections: dict[int, CrossSection] = field(default_factory=dict)
    composites: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: the ids of the indicators the panel holds (a plug-in may register more)
    indicators: tuple[str, ...] = ()


class ScorecardData:
    """Panel and derived figures of a store, cached by the store's data version."""

    #: seconds during which a state is used without asking the store for its data version
    recheck_seconds = 1.0

    def __init__(self, store, registry):
        self.store = store
        self.registry = registry
        self._state: State | None = None
        self._checked = -math.inf
        self._lock = threading.Lock()

    def state(self) -> State:
        """The current state; the store's data version is checked at most once per
        ``recheck_seconds`` (a write by another process is seen within that time)."""
        state, now = self._state, time.monotonic()
        # an indicator registered by a plug-in joins the panel at once
        ids = tuple(i.id for i in catalogue())
        if state is not None and state.indicators != ids:
            state = None
        if state is not None and now - self._checked < self.recheck_seconds:
            return state
        version = self.store.data_version()
        if state is not None and state.data_version == version:
            self._checked = now
            return state
        with self._lock:
            current = self._state
            if current is None or (current.data_version, current.indicators) != (version, ids):
                current = self._state = self._build(version)
            self._checked = time.monotonic()
            return current

    # ------------------------------------------------------------------ building

    def _build(self, data_version: str) -> State:
        figures = {
            sid: self.store.figures(sid) for sid in series_needed() if not sid.startswith("atlas/")
        }
        recode = Recoder(self.registry, ANALYSIS_VERSION)
        population = self._population(figures.get(POPULATION, []), recode)
        figures.update(self._atlas_figures(population, recode))
        panel = build_panel(figures, self.registry, version=ANALYSIS_VERSION)
        indicators = tuple(i.id for i in catalogue())
        return State(data_version, panel, self.store.datasets(), indicators=indicators)

    def _population(self, figures: list[RegionFigure], recode) -> dict[str, dict[int, float]]:
        """Population by analysis code and year (the ``population`` indicator as a fallback)."""
        if not figures:
            figures = self.store.figures("population")
        out: dict[str, dict[int, float]] = {}
        for f in figures:
            code = recode(f.nuts_code, f.nuts_version)
            if code and f.value is not None and f.year is not None:
                out.setdefault(code, {})[f.year] = f.value
        return out

    def _per_inhabitant(self, amounts, population, year, series) -> list[RegionFigure]:
        out = []
        for code, eur in amounts.items():
            pop = population.get(code, {})
            y = year if year is not None else (max(pop) if pop else None)
            if y is None or not pop.get(y):
                continue
            out.append(RegionFigure(series, code, ANALYSIS_VERSION, eur / pop[y], "EUR_HAB", y))
        return out

    def _regions(self, level: int) -> list[str]:
        return [
            r.code
            for r in self.registry.regions(ANALYSIS_VERSION, level)
            if r.country in EU27 and set(r.code[2:]) != {"Z"}
        ]

    def _atlas_figures(self, population, recode) -> dict[str, list[RegionFigure]]:
        """EUR per inhabitant from the store's projects and keep.eu figures, NUTS 2 and 3."""
        out: dict[str, list[RegionFigure]] = {
            ATLAS_H2020: [],
            ATLAS_EU_FUNDING: [],
            ATLAS_INTERREG: [],
        }
        sources = set(self.store.facets().get("sources", []))
        latest = max((y for years in population.values() for y in years), default=None)
        for level in (2, 3):
            regions = self._regions(level)
            if "cordis-h2020" in sources:
                rows = self.store.aggregate(level, ProjectFilter(sources=["cordis-h2020"]))
                out[ATLAS_H2020] += self._per_inhabitant(
                    _amounts(rows, regions), population, PROGRAMME_YEAR, ATLAS_H2020
                )
            if sources:
                rows = self.store.aggregate(level, ProjectFilter())
                out[ATLAS_EU_FUNDING] += self._per_inhabitant(
                    _amounts(rows, regions), population, latest, ATLAS_EU_FUNDING
                )
        interreg: dict[str, float] = {}
        for f in self.store.figures("interreg_erdf_eur"):
            code = recode(f.nuts_code, f.nuts_version)
            if code and f.value is not None and len(code) == 5:
                interreg[code] = f.value
        if interreg:
            level2: dict[str, float] = {}
            for code in self._regions(2):
                kids = [k.code for k in self.registry.children(code, ANALYSIS_VERSION)]
                kids = [k for k in kids if set(k[2:]) != {"Z"}]
                if kids and all(k in interreg for k in kids):
                    level2[code] = sum(interreg[k] for k in kids)
            out[ATLAS_INTERREG] = self._per_inhabitant(
                {**interreg, **level2}, population, PROGRAMME_YEAR, ATLAS_INTERREG
            )
        return out

    # ------------------------------------------------------------------ derived, cached

    def regions(self, level: int) -> list[str]:
        """EU27 regions of a level in the analysis version (the comparison universe)."""
        return self._regions(level)

    def section(self, level: int, state: State | None = None) -> CrossSection:
        """The cross-section of the composite indicators at a level (cached)."""
        state = state or self.state()
        with state.lock:
            if level not in state.sections:
                ids = [i.id for i in catalogue() if i.composite]
                state.sections[level] = cross_section(state.panel, level, self._regions(level), ids)
            return state.sections[level]

    def cached(self, key, compute, state: State | None = None):
        """A composite (or other) result cached for this data version (32 most recent)."""
        state = state or self.state()
        with state.lock:
            if key in state.composites:
                state.composites.move_to_end(key)
                return state.composites[key]
        value = compute()
        with state.lock:
            state.composites[key] = value
            while len(state.composites) > 32:
                state.composites.popitem(last=False)
        return value


def _amounts(rows: list[dict], regions: list[str]) -> dict[str, float]:
    """EUR per region from aggregate rows. A region gets 0 only in a country where the source
    located participants at this level (there, no participant means nothing received); in other
    countries a region without a row stays missing, never 0."""
    located = {r["code"][:2] for r in rows if r.get("code")}
    amounts = {c: 0.0 for c in regions if c[:2] in located}
    amounts.update({r["code"]: r["eu_contribution_eur"] or 0.0 for r in rows if r.get("code")})
    return amounts
