"""Ingest the Swedish, Croatian, Hungarian lists and keep.eu's partner file with their built-in
profiles and print rows, shares located per NUTS level and time (docs/evaluation.md).

Reads the full files from ../shared/data (not shipped). Run:
``PYTHONPATH=src python bench/locate_new_profiles.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from regioatlas.ingest import ingest
from regioatlas.store import open_store

DATA = Path("/work/shared/data")
CASES = [
    ("se-projektbanken", "cohesion_operations_lists_se_hr_hu/SE_ERDF_2014-2020_projektbanken_2016-10.csv"),
    ("hr-karta-projekata", "cohesion_operations_lists_se_hr_hu/HR_ESIF_2007-2020_karta_projekata_2016-04-01.csv"),
    ("hu-uszt-ka", "cohesion_operations_lists_se_hr_hu/HU_CF_USZT_KA_tamogatott_projektek_2016-10.csv"),
    ("keep-eu-partners", "interreg_keep_eu_partners_subset/keep_eu_closed_projects_partners_subset_30000.csv.gz"),
]  # fmt: skip


def main(data: Path = DATA) -> None:
    print("| profile | rows | rejected | NUTS 3 | NUTS 2 | NUTS 1 | NUTS 0 | none | time |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, rel in CASES:
            with open_store(str(Path(tmp) / f"{name}.duckdb")) as store:
                start = time.perf_counter()
                report = ingest(store, name, [data / rel], allow_partial=True)
                seconds = time.perf_counter() - start
            d = report.dataset
            lv = d.location_report["by_level"]
            shares = " | ".join(f"{lv[k]:.1%}" for k in ("3", "2", "1", "0", "none"))
            print(
                f"| {name} | {d.participant_count:,} | {d.rejected_count:,} | {shares} | {seconds:.1f} s |"
            )
            for warning in d.location_report.get("warnings", []):
                print(f"|  warning: {warning} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
