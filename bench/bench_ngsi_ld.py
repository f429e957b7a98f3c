"""Benchmark: NGSI-LD entity creations per second and a query by type and ``georel`` over
10,000 KeyPerformanceIndicator entities.

The set: the 10 percentage KPIs of the Digital Decade in the measure catalogue (real measures)
x the first 1,000 NUTS 2024 level-3 regions (real codes and GISCO centroids) x one period
(2025), published by a publisher ``bench`` through the handlers' write path into a real
DuckDB file (values constructed: region index mod 100, they do not change the work).
Creations: single ``POST /entities`` each (one dataset each) for the first 300, then batches
of 1,000 (one dataset per batch) for the rest. Query: ``type=KeyPerformanceIndicator``,
``georel=near;maxDistance==100000`` around 200 region centroids, ``limit=100``,
``count=true``, keyValues, through the framework-neutral handler (the HTTP layer adds the
same JSON encoding to every route).

Run: ``python bench/bench_ngsi_ld.py [--no-write]``; writes the section "NGSI-LD" of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section  # noqa: E402

from regioatlas.analytics.measures import measures  # noqa: E402
from regioatlas.api.atlas import Atlas  # noqa: E402
from regioatlas.api.ngsi_ld.handlers import NgsiLdApi  # noqa: E402
from regioatlas.store import open_store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    kpis = [m.id for m in measures("kpi") if m.unit == "%" and m.id.startswith("dd_")][:10]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.duckdb"))
        api = NgsiLdApi(Atlas(store))
        regions = [r.code for r in api.atlas.registry.regions(2024, 3)][:1000]
        regions = [c for c in regions if api.catalogue.centroid(c)][:1000]
        ids = [
            (f"urn:ngsi-ld:KeyPerformanceIndicator:bench:{k}:{c}:2025-01-01", i % 100)
            for k in kpis
            for i, c in enumerate(regions)
        ]
        entity = lambda eid, v: {"id": eid, "type": "KeyPerformanceIndicator", "kpiValue": v}  # noqa: E731
        t0 = time.perf_counter()
        for eid, v in ids[:300]:
            api.create_entity(json.dumps(entity(eid, v)).encode(), "bench", "http://x")
        single = 300 / (time.perf_counter() - t0)
        rest = ids[300:]
        t0 = time.perf_counter()
        for start in range(0, len(rest), 1000):
            batch = [entity(e, v) for e, v in rest[start : start + 1000]]
            api.create_batch(json.dumps(batch).encode(), "bench")
        batched = len(rest) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        total = len(api.catalogue.table("KeyPerformanceIndicator").entities)
        build = time.perf_counter() - t0
        times, hits = [], []
        for code in regions[::5]:
            lon, lat = api.catalogue.centroid(code)["coordinates"]
            q = {
                "type": "KeyPerformanceIndicator",
                "georel": "near;maxDistance==100000",
                "geometry": "Point",
                "coordinates": f"[{lon},{lat}]",
                "limit": "100",
                "count": "true",
                "options": "keyValues",
            }
            t = time.perf_counter()
            _, headers, _ = api.entities(q, None, "http://x")
            times.append((time.perf_counter() - t) * 1000)
            hits.append(int(headers["NGSILD-Results-Count"]))
        store.close()
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    body = f"""`python bench/bench_ngsi_ld.py` — {total:,} KeyPerformanceIndicator entities
({len(kpis)} Digital Decade % KPIs x {len(regions):,} NUTS 3 regions x 2025), published
through the write path into a DuckDB file.

| what | figure |
|---|---|
| creations, one `POST /entities` each (one dataset each), first 300 | {single:,.0f} per second |
| creations, `entityOperations/create` batches of 1,000 (one dataset per batch) | {batched:,.0f} per second |
| building the KPI entity table after the writes (once per data version) | {build:.2f} s |
| `type` + `georel=near;maxDistance==100000` + `count`, {len(times)} points: p50 / p95 | {p50:.1f} / {p95:.1f} ms (target p95 < 20 ms) |
| entities matched per query (median) | {statistics.median(hits):,.0f} |

Orion-LD and Stellio publish 131-241 creations per second on 8 vCPU (single creations).
"""
    print(body)
    if not args.no_write:
        write_section("NGSI-LD", body)


if __name__ == "__main__":
    main()
