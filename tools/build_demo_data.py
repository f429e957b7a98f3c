"""Copy the real data subsets the built-in demo ingests into src/regioatlas/data/demo/.

Every file is a real published file or a row subset of one (no value changed); see
src/regioatlas/data/demo/README.md for origin, licence and attribution.
Run: ``python tools/build_demo_data.py [../shared/data]``.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src/regioatlas/data/demo"


def _gzip_copy(src: Path, dest: Path) -> None:
    # mtime=0 keeps the bytes identical between builds
    with (
        src.open("rb") as f,
        dest.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as g,
    ):
        shutil.copyfileobj(f, g)


def main(shared: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cordis = shared / "cordis"
    for name in (
        "h2020_participations_eunets_2020-12.csv.gz",
        "h2020_project_programme_parts_eunets_2020-12.csv.gz",
    ):
        shutil.copyfile(cordis / name, OUT / name)
    for name in ("horizon_europe_projects_sample.csv", "horizon_europe_organizations_sample.csv"):
        _gzip_copy(cordis / name, OUT / f"{name}.gz")
    # topics and EuroSciVoc rows of the sample's projects only (the full files cover 20,000 projects)
    ids = {r["id"] for r in csv.DictReader((cordis / "horizon_europe_projects_sample.csv").open())}
    for name in (
        "horizon_europe_project_topics_2026-03.csv",
        "horizon_europe_project_euroscivoc_2026-03.csv",
    ):
        with (
            (cordis / name).open(newline="") as f,
            gzip.open(
                OUT / f"{name.replace('.csv', '_sample.csv')}.gz",
                "wt",
                newline="",
                encoding="utf-8",
            ) as g,
        ):
            reader = csv.reader(f)
            writer = csv.writer(g, lineterminator="\n")
            writer.writerow(next(reader))
            for row in reader:
                if row[0] in ids:
                    writer.writerow(row)
    for name in (
        "FI_ERDF_ESF_2014-2020_projektilista.csv",
        "AT_ERDF_2014-2020_Vorhabensliste.csv",
        "PL_ERDF_2014-2020_projects.csv",
    ):
        shutil.copyfile(shared / "cohesion_operations_lists_2014_2020" / name, OUT / name)
    shutil.copyfile(
        shared / "interreg_keep_eu/keep_eu_interreg_2014_2020_by_nuts3.csv",
        OUT / "keep_eu_interreg_2014_2020_by_nuts3.csv",
    )
    # total population only (sex T, age TOTAL): the rows the atlas uses, in the original TSV layout
    src = shared / "eurostat_population_nuts3/estat_demo_r_pjanaggr3.tsv"
    with (
        src.open(encoding="utf-8") as f,
        gzip.open(OUT / "estat_demo_r_pjanaggr3_total.tsv.gz", "wt", encoding="utf-8") as g,
    ):
        lines = f.readlines()
        g.write(lines[0])
        g.writelines(line for line in lines[1:] if line.startswith("A,NR,T,TOTAL,"))
    copy_scorecard_statistics(shared)
    copy_he_results(shared, ids)
    print("wrote", sorted(p.name for p in OUT.iterdir()))


def copy_he_results(shared: Path, ids: set[str]) -> None:
    """Deliverables and periodic reports of the sample's projects (the rows whose projectID is
    one of ``ids``), rows unchanged: into the demo and, the same bytes, into the test fixtures
    (deliverables gzip-compressed, reports plain, as the full files are)."""
    results = shared / "cordis_horizon_europe_results"
    fixtures = REPO / "tests/fixtures/cordis"
    for name, packed in (
        ("horizon_europe_project_deliverables_2025-03.csv.gz", True),
        ("horizon_europe_report_summaries_titles_2025-03.csv", False),
    ):
        opener = gzip.open if packed else open
        with opener(results / name, "rt", newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            at = header.index("projectID")
            rows = [row for row in reader if row[at] in ids]
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([header, *rows])
        data = out.getvalue().encode("utf-8")
        if packed:
            data = gzip.compress(data, mtime=0)  # mtime 0: identical bytes between builds
        target = name.replace("_2025-03.csv", "_2025-03_sample.csv")
        for folder in (OUT, fixtures):
            (folder / target).write_bytes(data)


def copy_scorecard_statistics(shared: Path) -> None:
    """The Eurostat statistics of the attractiveness scorecard (issue 4), in their published
    layouts; row subsets keep the original header and lines byte for byte."""

    def lines_where(src: Path, dest: str, keep) -> None:
        opener = gzip.open if src.suffix == ".gz" else open
        with (
            opener(src, "rt", encoding="utf-8", newline="") as f,
            gzip.GzipFile(OUT / dest, "wb", mtime=0) as g,
        ):
            lines = f.readlines()
            g.write(lines[0].encode())
            g.writelines(line.encode() for line in lines[1:] if keep(line))

    def whole(src: Path, dest: str) -> None:
        lines_where(src, dest, lambda line: True)

    reg, n2, pop = (
        shared / "eurostat_regional",
        shared / "eurostat_regional_nuts2_2013_2024",
        shared / "eurostat_population_nuts3",
    )
    lines_where(
        reg / "estat_nama_10r_3gdp_2024-05.tsv",
        "estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz",
        lambda line: line.startswith("A,PPS_EU27_2020_HAB,"),
    )
    lines_where(
        pop / "estat_demo_r_pjanaggr3.tsv",
        "estat_demo_r_pjanaggr3_age_groups.tsv.gz",
        lambda line: line.startswith(
            ("A,NR,T,TOTAL,", "A,NR,T,Y_LT15,", "A,NR,T,Y15-64,", "A,NR,T,Y_GE65,")
        ),
    )
    for name in (
        "eurostat_tgs00109_tertiary_education_25_64.csv",
        "eurostat_tgs00042_gerd_rd_expenditure.csv",
        "eurostat_tgs00007_employment_rate.csv",
    ):
        whole(n2 / name, f"{name}.gz")
    lines_where(
        reg / "eurostat_indicators_nuts0_nuts2_2000_2020.csv",
        "eurostat_indicators_nuts2_tgs00026_tgs00096.csv.gz",
        lambda line: ",tgs00026," in line or ",tgs00096," in line,
    )
    lines_where(
        reg / "pat_ep_rtot_patents_nuts_2008_2012.csv",
        "pat_ep_rtot_patents_p_mhab_2008_2012.csv.gz",
        lambda line: line.startswith("P_MHAB,"),
    )
    whole(reg / "rd_personnel_fte_nuts_2009_2018.csv", "rd_personnel_fte_nuts_2009_2018.csv.gz")
    lines_where(
        reg / "ryb2026_regional_indicators.csv",
        "ryb2026_regional_indicators_ch04m3.csv.gz",
        lambda line: line.startswith("RYB2026_CH04M3"),
    )
    whole(
        pop / "ure2026_net_migration_crude_rate_avg_2015_2024_nuts3.csv",
        "ure2026_net_migration_crude_rate_avg_2015_2024_nuts3.csv.gz",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data")
