"""Ingest speed: all bundled real sources (target < 30 s) and the 144,726 H2020 participations (< 5 s).

Reference in the same run: pandas.read_csv of the same H2020 file (only parsing, no locating or
storing), the step a user would otherwise start from.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import write_section  # noqa: E402

from regioatlas.demo import DEMO_DATASETS, demo_file  # noqa: E402
from regioatlas.geo.locate import Locator  # noqa: E402
from regioatlas.ingest import ingest  # noqa: E402
from regioatlas.store import open_store  # noqa: E402


def main() -> None:
    import pandas as pd

    locator = Locator()
    locator.locate_many([])  # warm nothing heavy; loading of package data is counted below
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t_all = time.perf_counter()
        with open_store(str(Path(tmp) / "bench.duckdb")) as store:
            for source, names in DEMO_DATASETS:
                t = time.perf_counter()
                report = ingest(
                    store,
                    source,
                    [demo_file(n) for n in names],
                    allow_partial=True,
                    locator=locator,
                )
                dt = time.perf_counter() - t
                rows.append(
                    (
                        source,
                        report.dataset.project_count,
                        report.dataset.participant_count,
                        report.figures,
                        dt,
                    )
                )
        total = time.perf_counter() - t_all
    h2020 = next(r for r in rows if r[0] == "cordis-h2020")
    t = time.perf_counter()
    pd.read_csv(demo_file("h2020_participations_eunets_2020-12.csv.gz"))
    pandas_read = time.perf_counter() - t
    table = "\n".join(f"| {s} | {p:,} | {q:,} | {f:,} | {dt:.2f} s |" for s, p, q, f, dt in rows)
    body = f"""
All bundled real sources (the demo's {len(rows)} datasets) into a fresh DuckDB file, read + locate + write,
one process: **{total:.1f} s** (target < 30 s).

| source | projects | participations | region figures | time |
|---|---|---|---|---|
{table}

The 144,726 H2020 participations: **{h2020[4]:.2f} s** (target < 5 s). In the same run `pandas.read_csv` of the
same file, which only parses it, took {pandas_read:.2f} s: RegioAtlas reads, validates, locates and stores
in {h2020[4] / pandas_read:.1f}x the time pandas needs to parse.
"""
    write_section("Ingest", body)
    print(body)


if __name__ == "__main__":
    main()
