"""The Kohesio-scale store of the speed benchmarks: the real Finnish list of operations
(2,880 operations of the ERDF/ESF 2014-2020 list, located by the real pipeline) repeated to
1.5 million operations, each copy a project of its own (id suffixed ``~k``).

The Finnish list is ingested once through ``regioatlas.ingest``; the copies are written through
the store's own door (``replace_dataset``), so the store holds what an ingest would write,
summary rows included. The DuckDB file is kept in ``bench/.cache`` and reused.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from regioatlas.demo import demo_file
from regioatlas.ingest import ingest
from regioatlas.store import open_store

CACHE = Path(__file__).parent / ".cache"
ROWS = 1_500_000
SOURCE, FILE = "fi-rakennerahastot", "FI_ERDF_ESF_2014-2020_projektilista.csv"


def _finnish_list() -> tuple:
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(str(Path(tmp) / "fi.duckdb")) as store:
            report = ingest(store, SOURCE, [demo_file(FILE)], allow_partial=True)
            return store.export_dataset(report.dataset.id)


def fill(url: str) -> tuple[int, float]:
    """Write the scaled dataset into the store at ``url``; (operations, seconds to write)."""
    dataset, projects, participants, *_ = _finnish_list()
    copies = -(-ROWS // len(projects))
    scaled_projects, scaled_participants = [], []
    for k in range(copies):
        for p in projects:
            scaled_projects.append(dataclasses.replace(p, id=f"{p.id}~{k}"))
        for pa in participants:
            scaled_participants.append(dataclasses.replace(pa, project_id=f"{pa.project_id}~{k}"))
    scaled = dataclasses.replace(dataset, id=f"{dataset.id}~x{copies}")
    t = time.perf_counter()
    with open_store(url) as store:
        store.replace_dataset(scaled, scaled_projects, scaled_participants, [])
        ingest(store, "eurostat-population", [demo_file("estat_demo_r_pjanaggr3_total.tsv.gz")])
    return len(scaled_projects), time.perf_counter() - t


def duckdb_store() -> str:
    """The path of the cached 1.5-million-operation DuckDB store, built when missing."""
    path = CACHE / "kohesio_1_5m.duckdb"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial.duckdb")
        partial.unlink(missing_ok=True)
        n, seconds = fill(str(partial))
        partial.rename(path)
        print(f"built {path}: {n:,} operations written in {seconds:.1f} s")
    return str(path)
