"""Rebuild the good-practice subsets shipped in src/regioatlas/data/practices/ from ../shared/data."""

from __future__ import annotations

import csv
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "regioatlas" / "data" / "practices"


def _write(rows: list[dict], name: str) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    ecesp = SHARED / "good_practices_circular_economy_ecesp"
    rows = list(
        csv.DictReader(
            (ecesp / "ecesp_good_practices_2025-11_with_descriptions.csv").open(encoding="utf-8")
        )
    )
    _write(rows[::5], "ecesp_good_practices_subset.csv")
    jrc = SHARED / "public_sector_innovation_cases_jrc" / "ips_cases_2022-08.csv"
    rows = list(csv.DictReader(jrc.open(encoding="utf-8")))
    _write(
        [r for r in rows if r["geoextent"] in ("Local", "Regional")][::4],
        "jrc_ipso_cases_subset.csv",
    )


if __name__ == "__main__":
    main()
