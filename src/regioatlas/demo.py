"""The built-in demo: real data shipped in the package, ingested into a DuckDB store.

Centred on our users' places: Päijät-Häme and Kanta-Häme next to Helsinki-Uusimaa (the
Finnish list of operations), Lower Austria around Vienna (the Austrian list), Poland, every
H2020 participation and the Horizon Europe sample, keep.eu Interreg aggregates, and Eurostat
population for the per-inhabitant figures.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from regioatlas.ingest import IngestReport, Progress, dataset_id, files_sha256, ingest
from regioatlas.store import Store, open_store, store_exists

#: the publication each bundled file was taken from, as data/demo/README.md states it (the
#: files came without a machine-readable date), keyed by the dataset's first file
DEMO_PUBLISHED = {
    "h2020_participations_eunets_2020-12.csv.gz": "2020-12",
    "horizon_europe_projects_sample.csv.gz": "2026-03",
    "horizon_europe_project_deliverables_2025-03_sample.csv.gz": "2025-03",
    "FI_ERDF_ESF_2014-2020_projektilista.csv": "2016",
    "AT_ERDF_2014-2020_Vorhabensliste.csv": "2016",
    "PL_ERDF_2014-2020_projects.csv": "2016",
    "estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz": "2024-05",
}

#: (source, files in regioatlas/data/demo, or ``folder/name`` in regioatlas/data)
DEMO_DATASETS: list[tuple[str, list[str]]] = [
    ("eurostat-population", ["estat_demo_r_pjanaggr3_total.tsv.gz"]),
    (
        "cordis-h2020",
        [
            "h2020_participations_eunets_2020-12.csv.gz",
            "h2020_project_programme_parts_eunets_2020-12.csv.gz",
        ],
    ),
    (
        "cordis-he-sample",
        [
            "horizon_europe_projects_sample.csv.gz",
            "horizon_europe_organizations_sample.csv.gz",
            "horizon_europe_project_topics_2026-03_sample.csv.gz",
            "horizon_europe_project_euroscivoc_2026-03_sample.csv.gz",
        ],
    ),
    # what those Horizon Europe projects produced: their deliverables and periodic reports
    (
        "cordis-he-results",
        [
            "horizon_europe_project_deliverables_2025-03_sample.csv.gz",
            "horizon_europe_report_summaries_titles_2025-03_sample.csv",
        ],
    ),
    ("fi-rakennerahastot", ["FI_ERDF_ESF_2014-2020_projektilista.csv"]),
    ("at-efre", ["AT_ERDF_2014-2020_Vorhabensliste.csv"]),
    ("pl-mapadotacji", ["PL_ERDF_2014-2020_projects.csv"]),
    ("keep-eu", ["keep_eu_interreg_2014_2020_by_nuts3.csv"]),
    # Eurostat statistics of the attractiveness scorecard (issue 4), one dataset per table
    ("eurostat-tsv", ["estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz"]),
    ("eurostat-tsv", ["estat_demo_r_pjanaggr3_age_groups.tsv.gz"]),
    ("eurostat-sdmx-csv", ["eurostat_tgs00109_tertiary_education_25_64.csv.gz"]),
    ("eurostat-sdmx-csv", ["eurostat_tgs00042_gerd_rd_expenditure.csv.gz"]),
    ("eurostat-sdmx-csv", ["eurostat_tgs00007_employment_rate.csv.gz"]),
    ("eurostat-csv", ["eurostat_indicators_nuts2_tgs00026_tgs00096.csv.gz"]),
    ("eurostat-csv", ["pat_ep_rtot_patents_p_mhab_2008_2012.csv.gz"]),
    ("eurostat-csv", ["rd_personnel_fte_nuts_2009_2018.csv.gz"]),
    ("eurostat-csv", ["ryb2026_regional_indicators_ch04m3.csv.gz"]),
    ("eurostat-csv", ["ure2026_net_migration_crude_rate_avg_2015_2024_nuts3.csv.gz"]),
    # Digital Compass inputs (issue 5), shipped in regioatlas/data/kpi
    ("digital-decade", ["kpi/desi_country_kpis.csv"]),
    ("eurostat-regional-digital", ["kpi/eurostat_regional_digital.csv"]),
    # EEA hourly PM2.5 of four Berlin stations, placed by the station table (issue 5)
    (
        "eea-aq",
        [
            *(f"kpi/DE_6001_{n}_2021_timeseries.csv.gz" for n in (71696, 71701, 71702, 71705)),
            "kpi/berlin_stations.csv",
        ],
    ),
]


def demo_file(name: str) -> Path:
    """A demo file: ``name`` in ``regioatlas/data/demo``, or ``folder/name`` in ``regioatlas/data``.

    Example
    -------
    >>> demo_file("kpi/desi_country_kpis.csv").name
    'desi_country_kpis.csv'
    """
    data = resources.files("regioatlas.data")
    path = data.joinpath(*name.split("/")) if "/" in name else data.joinpath("demo", name)
    return Path(str(path))


def demo_is_current(store) -> bool:
    """True when the store holds every demo dataset with the shipped files' hashes."""
    have = {d.id: d.sha256 for d in store.datasets()}
    for source, names in DEMO_DATASETS:
        files = [demo_file(n) for n in names]
        if have.get(dataset_id(source, files)) != files_sha256(files):
            return False
    return _has_demo_practices(store)


#: the good-practice sources whose shipped subsets the demo reads (issue 13)
DEMO_PRACTICES = ("ecesp", "jrc-ipso")


def _has_demo_practices(store) -> bool:
    if store.schema_version() < 6:
        return False
    owners = {v["owner"] for v in store.practice_versions("practice", latest=True)}
    return all(f"source:{name}" in owners for name in DEMO_PRACTICES)


def build_demo(
    path: str | Path, *, rebuild: bool = False, progress: Progress | None = None, on_dataset=None
) -> list[IngestReport]:
    """Ingest every demo dataset into the store at ``path`` (skipped when already current).

    The lists of operations are read with ``allow_partial``: the real Finnish file has a few
    malformed rows, which the report lists instead of dropping silently.
    """
    reports: list[IngestReport] = []
    with open_store(str(path)) as store:
        if not rebuild and demo_is_current(store):
            return reports
        from regioatlas.geo.locate import Locator

        locator = Locator()
        for source, names in DEMO_DATASETS:
            if on_dataset:
                on_dataset(source, names)
            report = ingest(
                store,
                source,
                [demo_file(n) for n in names],
                allow_partial=True,
                progress=progress,
                locator=locator,
                published=DEMO_PUBLISHED.get(names[0]),
            )
            reports.append(report)
        from regioatlas.api.practices import ingest_practices
        from regioatlas.sources.practices_ecesp import shipped_file

        for name in DEMO_PRACTICES:
            ingest_practices(store, name, [shipped_file(name)], "demo", locator=locator)
    return reports


def open_demo_store(path: str | Path) -> Store:
    """The demo store at ``path`` opened read-only, built first when missing or not current.

    A current demo store is never opened for writing, so several readers can share it.

    Example
    -------
    >>> with open_demo_store(tmp / "demo.duckdb") as store:  # doctest: +SKIP
    ...     demo_is_current(store)
    True
    """
    current = False
    if store_exists(str(path)):
        with open_store(str(path), read_only=True) as store:
            current = demo_is_current(store)
    if not current:
        if "://" not in str(path):  # a bare file path: its folder may not exist yet
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        build_demo(path)
    return open_store(str(path), read_only=True)


def store_or_demo(
    store_url: str, usable: Callable[[Store], bool], demo_path: str | Path
) -> tuple[Store, str | None]:
    """The store at ``store_url`` read-only when it exists and is ``usable``, else the demo
    store (built when needed) and why it was chosen instead, for the caller to say.

    Example
    -------
    >>> store, why = store_or_demo("missing.duckdb", lambda s: True, demo)  # doctest: +SKIP
    >>> why
    'there is no store at missing.duckdb'
    """
    if store_exists(store_url):
        store = open_store(store_url, read_only=True)
        if usable(store):
            return store, None
        store.close()
        why = f"{store_url} holds no scorecard statistics"
    else:
        why = f"there is no store at {store_url}"
    return open_demo_store(demo_path), why
