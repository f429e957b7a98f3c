"""Copy the real typology inputs of the attractiveness scorecard into src/regioatlas/data/scorecard/.

* ``metro_regions_nuts2016.csv``: Eurostat metropolitan regions (NUTS 2016), unchanged copy.
* ``oecd_tl3_metro_typology_units.csv``: OECD TL3 access-to-metropolitan-areas typology units,
  column subset (REG_ID, REG_ID_M, iso3, region_name, metro_code), every row, no value changed.
* ``urban_rural_typology_nuts3_2024.csv``: the urban-rural type of each NUTS 3 region (NUTS 2024)
  as printed with Eurostat's Urban-rural Europe 2026 GDP map (columns geo, urban_rural_type).

The statistics the demo ingests are copied by ``tools/build_demo_data.py``
(``copy_scorecard_statistics``). Run: ``python tools/build_scorecard_data.py [../shared/data]``.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src/regioatlas/data/scorecard"


def _subset_columns(src: Path, dest: Path, columns: list[str]) -> int:
    with src.open(encoding="utf-8", newline="") as f, dest.open("w", encoding="utf-8") as g:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        n = 0
        for row in reader:
            writer.writerow({c: row[c] for c in columns})
            n += 1
    return n


def main(shared: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        shared / "typology_metro_regions/metro_regions_nuts2016.csv",
        OUT / "metro_regions_nuts2016.csv",
    )
    _subset_columns(
        shared / "typology_oecd_tl3_metro_access/oecd_tl3_metro_typology_units.csv",
        OUT / "oecd_tl3_metro_typology_units.csv",
        ["REG_ID", "REG_ID_M", "iso3", "region_name", "metro_code"],
    )
    _subset_columns(
        shared / "eurostat_regional/ure2026_gdp_per_inhabitant_change_2013_2023_nuts3.csv",
        OUT / "urban_rural_typology_nuts3_2024.csv",
        ["geo", "urban_rural_type"],
    )
    print("wrote", sorted(p.name for p in OUT.iterdir()))


def fixtures(shared: Path) -> None:
    """Real test inputs in tests/fixtures/scorecard: the older bulk-TSV layout (``unit,geo\\time``,
    years descending) of nama_10r_3gdp, lines of Finland and Austria for two units."""
    import gzip

    dest = REPO / "tests/fixtures/scorecard"
    dest.mkdir(parents=True, exist_ok=True)
    src = shared / "eurostat_regional/nama_10r_3gdp.tsv.gz"
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        lines = f.readlines()
    keep = [
        line
        for line in lines[1:]
        if line.startswith(("PPS_HAB,FI", "PPS_HAB,AT", "EUR_HAB,FI", "EUR_HAB,AT"))
    ]
    (dest / "nama_10r_3gdp_FI_AT.tsv").write_text(lines[0] + "".join(keep), encoding="utf-8")


if __name__ == "__main__":
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data"
    main(shared)
    fixtures(shared)
