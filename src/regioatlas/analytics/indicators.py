"""The indicators of the attractiveness scorecard: people, competence and capital.

The indicators are entries of the one measure catalogue (``regioatlas.analytics.measures``,
kind "scorecard indicator"); this module gives them the shape the scorecard computes with. Each
indicator says what it measures, in which unit, whether higher is better, where its values
come from (a Eurostat series id ``"<dataset>/<key>"`` as the readers in
``regioatlas.sources.eurostat_tables`` name it, or a figure the atlas computes from its own
store), under which licence, and at which NUTS levels it is published. Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

from regioatlas.analytics.measures import MEASURES, measures
from regioatlas.model.errors import NotFound
from regioatlas.model.measures import Measure

PILLARS = ("people", "competence", "capital")

_EUROSTAT = "© European Union, re-use authorised with acknowledgement (CC BY 4.0)"
_SOURCE_EUROSTAT = "Source: Eurostat"

#: series ids of figures the atlas computes from its store (see ``regioatlas.api.scorecard``)
ATLAS_H2020 = "atlas/h2020_eur_per_inhabitant"
ATLAS_EU_FUNDING = "atlas/eu_contribution_eur_per_inhabitant"
ATLAS_INTERREG = "atlas/interreg_erdf_eur_per_inhabitant"
POPULATION = "demo_r_pjanaggr3/A.NR.T.TOTAL"


@dataclass(frozen=True, slots=True)
class Derivation:
    """How an indicator's values come from series.

    ``kind``: ``"series"`` (the values of ``series``), ``"share"`` (``series`` / ``base`` × 100,
    same region and year), ``"ratio"`` (``series`` / ``base`` × ``factor``) or ``"growth"``
    (% change of ``series`` over ``years`` years).
    """

    kind: str
    series: str
    base: str | None = None
    factor: float = 1.0
    years: int = 0

    def inputs(self) -> tuple[str, ...]:
        return (self.series,) if self.base is None else (self.series, self.base)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of the catalogue.

    Example
    -------
    >>> get_indicator("gdp_per_head_pps").direction
    1
    """

    id: str
    pillar: str
    title: str
    definition: str
    unit: str
    #: +1 when a higher value is better for the region's attractiveness, -1 when lower is better
    direction: int
    derivation: Derivation
    #: the dataset(s) and publication, as a person cites them
    source: str
    #: NUTS levels at which values are published
    levels: tuple[int, ...]
    #: how a trend is expressed: "pct" (% growth), "pp" (difference in the unit) or "" (none:
    #: a single period)
    change: str
    licence: str = _EUROSTAT
    attribution: str = _SOURCE_EUROSTAT
    #: used in the composite index and the peer distance by default
    composite: bool = True
    note: str = ""
    #: the title in en, fi, de, it and fr
    names: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["derivation"] = asdict(self.derivation)
        out["levels"] = list(self.levels)
        return out


def _indicator(m: Measure) -> Indicator:
    card = m.details["scorecard"]
    return Indicator(
        m.id,
        m.area,
        m.names["en"],
        m.definition,
        m.unit,
        m.sign,
        Derivation(**card["derivation"]),
        m.source["dataset"],
        tuple(card["levels"]),
        card["change"],
        licence=m.source["licence"],
        attribution=m.source["attribution"],
        composite=card["composite"],
        note=card["note"],
        names=dict(m.names),
    )


def catalogue() -> tuple[Indicator, ...]:
    """The scorecard's indicators: the measures of kind "scorecard indicator".

    Read from the measure registry when asked, so an indicator a plug-in registers joins the
    scorecard; cached while the registry's entries stay the same.

    Example
    -------
    >>> [i.id for i in catalogue()][:2]
    ['population', 'population_change']
    """
    return _catalogue_of(tuple(MEASURES.entries().items()))


@lru_cache(maxsize=8)
def _catalogue_of(entries: tuple[tuple[str, str], ...]) -> tuple[Indicator, ...]:
    # ``entries`` is only the cache key: measures() reads the same registry
    return tuple(_indicator(m) for m in measures("scorecard indicator"))


def get_indicator(indicator_id: str) -> Indicator:
    """The catalogue entry, or NotFound naming the known ids.

    Example
    -------
    >>> get_indicator("tertiary_attainment").pillar
    'competence'
    """
    found = {i.id: i for i in catalogue()}
    if indicator_id not in found:
        raise NotFound(
            f"unknown indicator {indicator_id!r}; known: {', '.join(found)}", parameter="indicator"
        )
    return found[indicator_id]


def series_needed(indicators: tuple[Indicator, ...] | None = None) -> list[str]:
    """Every series id the indicators (default: the catalogue's) are computed from.

    Example
    -------
    >>> "nama_10r_3gdp/A.PPS_EU27_2020_HAB" in series_needed()
    True
    """
    chosen = catalogue() if indicators is None else indicators
    return sorted({s for i in chosen for s in i.derivation.inputs()})
