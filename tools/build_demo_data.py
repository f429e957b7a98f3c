"""Copy the real data subsets the built-in demo ingests into src/regioatlas/data/demo/.

Every file is a real published file or a row subset of one (no value changed); see
src/regioatlas/data/demo/README.md for origin, licence and attribution.
Run: ``python tools/build_demo_data.py [../shared/data]``.
"""

from __future__ import annotations

import csv
import gzip
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
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data")
