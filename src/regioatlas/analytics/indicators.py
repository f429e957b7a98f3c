"""The indicator catalogue of the attractiveness scorecard: people, competence and capital.

Each indicator says what it measures, in which unit, whether higher is better, where its values
come from (a Eurostat series id ``"<dataset>/<key>"`` as the readers in
``regioatlas.sources.eurostat_tables`` name it, or a figure the atlas computes from its own
store), under which licence, and at which NUTS levels it is published. Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

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

    def as_dict(self) -> dict:
        out = asdict(self)
        out["derivation"] = asdict(self.derivation)
        out["levels"] = list(self.levels)
        return out


def _series(s: str) -> Derivation:
    return Derivation("series", s)


CATALOGUE: tuple[Indicator, ...] = (
    # ------------------------------------------------------------------ people
    Indicator(
        "population", "people", "Population",
        "Population on 1 January.",
        "persons", 1, _series(POPULATION),
        "Eurostat demo_r_pjanaggr3 (population on 1 January by broad age group, sex and NUTS 3 region)",
        (2, 3), "pct", composite=False,
        note="A size, not an intensity: shown with its trend, left out of the composite index.",
    ),
    Indicator(
        "population_change", "people", "Population change over five years",
        "Change of the population on 1 January over the five preceding years, in % "
        "(natural change plus net migration).",
        "% over 5 years", 1, Derivation("growth", POPULATION, years=5),
        "Eurostat demo_r_pjanaggr3, derived by RegioAtlas",
        (2, 3), "pp",
    ),
    Indicator(
        "working_age_share", "people", "Working-age population",
        "Persons aged 15-64 as a share of the population on 1 January.",
        "% of population", 1,
        Derivation("share", "demo_r_pjanaggr3/A.NR.T.Y15-64", POPULATION, 100.0),
        "Eurostat demo_r_pjanaggr3, derived by RegioAtlas",
        (2, 3), "pp",
    ),
    Indicator(
        "old_age_share", "people", "Population aged 65 and over",
        "Persons aged 65 or over as a share of the population on 1 January.",
        "% of population", -1,
        Derivation("share", "demo_r_pjanaggr3/A.NR.T.Y_GE65", POPULATION, 100.0),
        "Eurostat demo_r_pjanaggr3, derived by RegioAtlas",
        (2, 3), "pp",
    ),
    Indicator(
        "net_migration_rate", "people", "Net migration",
        "Average annual crude rate of net migration plus statistical adjustment, 2015-2024, "
        "per 1,000 inhabitants (the year shown is the end of the period).",
        "per 1,000 inhabitants per year", 1, _series("ure2026/CNMIGRATRT_AVG_2015_2024"),
        "Eurostat, Urban-rural Europe 2026, map M05 (from demo_r_gind3)",
        (3,), "",
        note="One period only (2015-2024 average), so no trend.",
    ),
    # ------------------------------------------------------------------ competence
    Indicator(
        "tertiary_attainment", "competence", "Tertiary education",
        "Persons aged 25-64 with tertiary educational attainment (ISCED 5-8), % of the age group.",
        "% of persons aged 25-64", 1, _series("tgs00109/A.PC.ED5-8.Y25-64.T"),
        "Eurostat tgs00109 (from edat_lfse_04, EU labour force survey)",
        (2,), "pp",
    ),
    Indicator(
        "employment_rate_tertiary", "competence", "Employment rate of the tertiary educated",
        "Employment rate of persons aged 25-64 with tertiary education (ISCED 5-8).",
        "% of persons aged 25-64 with ISCED 5-8", 1, _series("ryb2026/CH04M3C"),
        "Eurostat Regional Yearbook 2026, chapter 4, map 3C (EU labour force survey)",
        (2,), "pp",
        note="One year (2025) in our data, so no trend.",
    ),
    Indicator(
        "gerd_intensity", "competence", "R&D expenditure",
        "Gross domestic expenditure on R&D, all sectors, as a share of GDP.",
        "% of GDP", 1, _series("tgs00042/A.TOTAL.PC_GDP"),
        "Eurostat tgs00042 (from rd_e_gerdreg)",
        (2,), "pp",
        note="Many countries publish regional GERD every second year.",
    ),
    Indicator(
        "rd_personnel", "competence", "R&D personnel",
        "R&D personnel and researchers, all sectors, full-time equivalents per 1,000 inhabitants "
        "(population on 1 January of the same year, tgs00096).",
        "FTE per 1,000 inhabitants", 1,
        Derivation("ratio", "rd_p_persreg/TOTAL.T.TOTAL.FTE", "tgs00096/NR.T.TOTAL", 1000.0),
        "Eurostat rd_p_persreg and tgs00096, ratio by RegioAtlas",
        (2,), "pct",
        note="Our extract has 2009 and 2018 only.",
    ),
    Indicator(
        "patent_applications", "competence", "Patent applications",
        "Patent applications to the EPO by priority year, per million inhabitants.",
        "per million inhabitants", 1, _series("pat_ep_rtot/P_MHAB"),
        "Eurostat pat_ep_rtot",
        (2, 3), "pct",
        note="Our extract ends in 2012.",
    ),
    Indicator(
        "h2020_funding", "competence", "Horizon 2020 funding won",
        "EU contribution to Horizon 2020 participants located in the region (2014-2020 "
        "programme, all projects), per inhabitant (population on 1 January 2020).",
        "EUR per inhabitant", 1, _series(ATLAS_H2020),
        "CORDIS H2020 participations located by RegioAtlas; Eurostat demo_r_pjanaggr3",
        (2, 3), "",
        licence="CC BY 4.0 (CORDIS, Eurostat)",
        attribution="© European Union, CORDIS; Source: Eurostat",
        note="Whole programme period, so no trend.",
    ),
    # ------------------------------------------------------------------ capital
    Indicator(
        "gdp_per_head_pps", "capital", "GDP per inhabitant",
        "Gross domestic product at current market prices per inhabitant, in purchasing power "
        "standards (EU27 from 2020).",
        "PPS per inhabitant", 1, _series("nama_10r_3gdp/A.PPS_EU27_2020_HAB"),
        "Eurostat nama_10r_3gdp (May 2024 download)",
        (2, 3), "pct",
    ),
    Indicator(
        "disposable_income_pps", "capital", "Disposable household income",
        "Net disposable income of private households (balance, B6N) per inhabitant, in "
        "purchasing power standards.",
        "PPS per inhabitant", 1, _series("tgs00026/PPS_HAB.B6N.BAL"),
        "Eurostat tgs00026 (extract of December 2020)",
        (2,), "pct",
        note="Our extract ends in 2018.",
    ),
    Indicator(
        "employment_rate", "capital", "Employment rate",
        "Employed persons aged 15-64 as a share of the population of that age.",
        "% of persons aged 15-64", 1, _series("tgs00007/A.PC.T.Y15-64"),
        "Eurostat tgs00007 (EU labour force survey)",
        (2,), "pp",
    ),
    Indicator(
        "interreg_funding", "capital", "Interreg ERDF received",
        "ERDF of Interreg 2014-2020 projects with a partner in the region (keep.eu aggregates), "
        "per inhabitant (population on 1 January 2020).",
        "EUR per inhabitant", 1, _series(ATLAS_INTERREG),
        "keep.eu Interreg 2014-2020 aggregates by NUTS 3; Eurostat demo_r_pjanaggr3",
        (2, 3), "",
        licence="keep.eu: free use citing the source; Eurostat CC BY 4.0",
        attribution="Source: keep.eu; Source: Eurostat",
        note="Whole programme period, so no trend. NUTS 2 values are sums of their NUTS 3 "
        "regions (only when every NUTS 3 region has a value).",
    ),
    Indicator(
        "eu_funding", "capital", "EU funding in the atlas",
        "EU contribution of every project in the atlas store located in the region (Horizon, "
        "cohesion-policy operations, ...), per inhabitant (latest population).",
        "EUR per inhabitant", 1, _series(ATLAS_EU_FUNDING),
        "the datasets ingested in the atlas (see /api/datasets); Eurostat demo_r_pjanaggr3",
        (2, 3), "", composite=False,
        licence="as the ingested datasets; Eurostat CC BY 4.0",
        attribution="as the ingested datasets (see /api/datasets); Source: Eurostat",
        note="Coverage depends on the ingested datasets: cohesion-policy operations only where a "
        "national list is ingested (demo: FI, AT, PL), so not comparable across countries and "
        "left out of the composite index.",
    ),
)  # fmt: skip

_BY_ID = {i.id: i for i in CATALOGUE}


def get_indicator(indicator_id: str) -> Indicator:
    """The catalogue entry, or KeyError naming the known ids."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}; known: {', '.join(_BY_ID)}") from None


def series_needed(indicators=CATALOGUE) -> list[str]:
    """Every series id the indicators are computed from."""
    return sorted({s for i in indicators for s in i.derivation.inputs()})
