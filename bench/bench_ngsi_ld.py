"""Benchmark: NGSI-LD entity creations per second (sequential and 8 clients, DuckDB and
PostGIS) and a query by type and ``georel`` over 10,000 KeyPerformanceIndicator entities.

The set: the 10 percentage KPIs of the Digital Decade in the measure catalogue (real measures)
x the first 1,000 NUTS 2024 level-3 regions (real codes and GISCO centroids) x 2025, published
by a publisher ``bench`` (values constructed: region index mod 100; they do not change the
work). Per store: single creations (``POST /entities``, one dataset each) through the real
server (uvicorn, the app, an editor token) from one client and from 8 keep-alive clients,
then the same through the framework-neutral handler in process (what the server adds shows
in the difference); the rest in ``entityOperations/create`` batches of 1,000 up to 10,000.
For reference in the same run, the write path before (``Store.replace_dataset``: on DuckDB a
copy and rename of the whole file per creation). Queries: ``type=KeyPerformanceIndicator``,
``georel=near;maxDistance==100000`` (and ``within`` a 1-degree box) around 200 region
centroids, ``limit=100``, ``count=true``, keyValues, in process and over HTTP.

Targets (issue 12): at least 300 creations per second on 2 cores; the query's p95 < 20 ms.
Run: ``python bench/bench_ngsi_ld.py [--no-write] [--no-postgis]``; writes the section
"NGSI-LD" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _report import load_note, p95, write_section  # noqa: E402
from bench_ogc import _free_port, _wait  # noqa: E402

from regioatlas.analytics.measures import measures  # noqa: E402
from regioatlas.api.atlas import Atlas  # noqa: E402
from regioatlas.api.auth import create_token  # noqa: E402
from regioatlas.api.ngsi_ld import writes  # noqa: E402
from regioatlas.api.ngsi_ld.handlers import NgsiLdApi  # noqa: E402
from regioatlas.store import open_store  # noqa: E402

CLIENTS = 8
WORKERS = 2  # server processes for PostGIS (the 2 cores)
SEQUENTIAL, CONCURRENT, IN_PROCESS, OLD_PATH = 200, 400, 200, 5
QUERY_POINTS = 100  # region centroids, every 10th of the 1,000
TOTAL = 10_000
ENTITIES = "/ngsi-ld/v1/entities"


def entity(eid: str, value: int) -> dict:
    return {"id": eid, "type": "KeyPerformanceIndicator", "kpiValue": value}


def the_ids(api: NgsiLdApi) -> tuple[list[tuple[str, int]], list[str]]:
    kpis = [m.id for m in measures("kpi") if m.unit == "%"][:10]
    regions = [r.code for r in api.atlas.registry.regions(2024, 3)]
    regions = [c for c in regions if api.catalogue.centroid(c)][:1000]
    ids = [
        (f"urn:ngsi-ld:KeyPerformanceIndicator:bench:{k}:{c}:2025-01-01", i % 100)
        for k in kpis
        for i, c in enumerate(regions)
    ]
    return ids, regions


def serve(url: str, read_only: bool = False, workers: int = 1) -> tuple[subprocess.Popen, int]:
    """The real app over ``url``: one worker under uvicorn, or ``regioatlas serve --workers``
    (a DuckDB file under several workers is read-only, so DuckDB writes go to one)."""
    port = _free_port()
    if workers > 1:
        command = [sys.executable, "-c", "from regioatlas.cli import main; main()", "serve"]
        command += ["--store", url]
        command += ["--port", str(port), "--workers", str(workers)]
    else:
        code = (
            "import uvicorn; from regioatlas.web.app import create_app; "
            f"uvicorn.run(create_app({url!r}, read_only={read_only}), host='127.0.0.1', "
            f"port={port}, log_level='warning', access_log=False)"
        )
        command = [sys.executable, "-c", code]
    proc = subprocess.Popen(command, env=os.environ.copy())
    _wait(port, "/healthz")
    return proc, port


def post_all(port: int, token: str, bodies: list[bytes], clients: int) -> dict:
    """POST each body to /entities from ``clients`` keep-alive clients: creations/s, p95."""
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(share: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in share:
            t = time.perf_counter()
            conn.request("POST", ENTITIES, body=body, headers=headers)
            r = conn.getresponse()
            answer = r.read()
            with lock:
                times.append(time.perf_counter() - t)
                if r.status != 201:
                    failures.append(f"{r.status} {answer[:200]!r}")

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(bodies[k::clients],)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"rate": len(bodies) / wall, "p95": p95(times) * 1000, "failures": failures}


def in_process(api: NgsiLdApi, bodies: list[bytes], clients: int) -> float:
    """Creations per second through the handler, from ``clients`` threads."""
    start = time.perf_counter()
    threads = [
        threading.Thread(
            target=lambda share: [api.create_entity(b, "bench", "http://x") for b in share],
            args=(bodies[k::clients],),
        )
        for k in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(bodies) / (time.perf_counter() - start)


def old_path(store, ids: list[tuple[str, int]]) -> float:
    """Creations per second through ``Store.replace_dataset`` (the write path before)."""
    units = writes.measure_units()
    start = time.perf_counter()
    for eid, v in ids:
        value = writes.read_entity(entity(eid, v), units=units)
        dataset, figures = writes.dataset_for("bench", [value], json.dumps(eid).encode())
        store.replace_dataset(dataset, [], [], figures)
    return len(ids) / (time.perf_counter() - start)


def queries(api: NgsiLdApi, regions: list[str], port: int | None, georel: str) -> dict:
    """p50/p95 of the geo-query around 200 centroids (in process, and over HTTP)."""
    times, http_times, hits = [], [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60) if port else None
    for code in regions[:: len(regions) // QUERY_POINTS]:
        lon, lat = api.catalogue.centroid(code)["coordinates"]
        if georel == "near":
            q = {"georel": "near;maxDistance==100000", "geometry": "Point"}
            q["coordinates"] = f"[{lon},{lat}]"
        else:
            box = [[lon - 0.5, lat - 0.5], [lon + 0.5, lat - 0.5], [lon + 0.5, lat + 0.5]]
            box += [[lon - 0.5, lat + 0.5], [lon - 0.5, lat - 0.5]]
            q = {"georel": "within", "geometry": "Polygon", "coordinates": json.dumps([box])}
        q.update(type="KeyPerformanceIndicator", limit="100", count="true", options="keyValues")
        t = time.perf_counter()
        _, headers, _ = api.entities(q, None, "http://x")
        times.append(time.perf_counter() - t)
        hits.append(int(headers["NGSILD-Results-Count"]))
        if conn is not None:
            from urllib.parse import urlencode

            t = time.perf_counter()
            conn.request("GET", f"{ENTITIES}?{urlencode(q)}")
            r = conn.getresponse()
            r.read()
            http_times.append(time.perf_counter() - t)
            assert r.status == 200, r.status
    out = {
        "p50": statistics.median(times) * 1000,
        "p95": p95(times) * 1000,
        "hits": statistics.median(hits),
        "n": len(times),
    }
    if http_times:
        out["http_p50"] = statistics.median(http_times) * 1000
        out["http_p95"] = p95(http_times) * 1000
    return out


def run_store(url: str, kind: str) -> dict:
    """Every measurement on one (new, empty) store."""
    store = open_store(url)
    api = NgsiLdApi(Atlas(store))
    ids, regions = the_ids(api)
    token = create_token(store, "bench", "editor")
    bodies = [json.dumps(entity(e, v)).encode() for e, v in ids]
    out: dict = {"kind": kind}
    used = 0
    out["old"] = old_path(store, ids[used : used + OLD_PATH])
    print(kind, "old path", out["old"], flush=True)
    used += OLD_PATH
    if kind == "DuckDB":
        store.close()  # the server process takes the file
    out["workers"] = 1 if kind == "DuckDB" else WORKERS
    proc, port = serve(url, workers=out["workers"])
    try:
        out["http_seq"] = post_all(port, token, bodies[used : used + SEQUENTIAL], 1)
        print(kind, "HTTP sequential", out["http_seq"]["rate"], flush=True)
        used += SEQUENTIAL
        out["http_8"] = post_all(port, token, bodies[used : used + CONCURRENT], CLIENTS)
        print(
            kind, "HTTP 8 clients", out["http_8"]["rate"], out["http_8"]["failures"][:2], flush=True
        )
        used += CONCURRENT
    finally:
        proc.terminate()
        proc.wait()
    if kind == "DuckDB":
        store = open_store(url)
    api = NgsiLdApi(Atlas(store))
    out["proc_seq"] = in_process(api, bodies[used : used + IN_PROCESS], 1)
    used += IN_PROCESS
    out["proc_8"] = in_process(api, bodies[used : used + IN_PROCESS], CLIENTS)
    used += IN_PROCESS
    rest = ids[used:TOTAL]
    start = time.perf_counter()
    for k in range(0, len(rest), 1000):
        batch = [entity(e, v) for e, v in rest[k : k + 1000]]
        api.create_batch(json.dumps(batch).encode(), "bench")
    out["batched"] = len(rest) / (time.perf_counter() - start)
    print(kind, "in process", out["proc_seq"], out["proc_8"], "batched", out["batched"], flush=True)
    start = time.perf_counter()
    out["entities"] = len(api.catalogue.table("KeyPerformanceIndicator").entities)
    out["build"] = time.perf_counter() - start
    port = None
    if kind == "DuckDB":  # readers only now: the server and this process share the file
        store.close()
    proc, port = serve(url, read_only=kind == "DuckDB")
    try:
        if kind == "DuckDB":
            store = open_store(url, read_only=True)
            api = NgsiLdApi(Atlas(store))
            api.catalogue.table("KeyPerformanceIndicator")
        from urllib.parse import urlencode

        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # builds the table
        warm.request("GET", f"{ENTITIES}?{urlencode({'type': 'KeyPerformanceIndicator'})}")
        warm.getresponse().read()
        out["near"] = queries(api, regions, port, "near")
        print(kind, "near", out["near"], flush=True)
        out["within"] = queries(api, regions, port, "within")
    finally:
        proc.terminate()
        proc.wait()
        store.close()
    return out


def pg_url() -> tuple[object | None, str | None]:
    """A throwaway PostGIS database (tests/pg.py), or (None, None) without PostgreSQL."""
    from tests.pg import Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        return None, None
    cluster = Cluster(bindir).start()
    return cluster, cluster.new_database()


def report(results: list[dict], load: str) -> str:
    rows = []
    for r in results:
        k = r["kind"]
        fails = len(r["http_seq"]["failures"]) + len(r["http_8"]["failures"])
        rows += [
            f"| {k} | before: `replace_dataset` per creation, {OLD_PATH} | {r['old']:,.1f} /s | |",
            f"| {k} | `POST /entities` over HTTP ({r['workers']} worker(s)), 1 client, "
            f"{SEQUENTIAL} | "
            f"**{r['http_seq']['rate']:,.0f} /s** | p95 {r['http_seq']['p95']:.1f} ms |",
            f"| {k} | `POST /entities` over HTTP ({r['workers']} worker(s)), {CLIENTS} clients, "
            f"{CONCURRENT} | "
            f"**{r['http_8']['rate']:,.0f} /s** | p95 {r['http_8']['p95']:.1f} ms, "
            f"{fails} failed |",
            f"| {k} | handler in process, 1 thread, {IN_PROCESS} | {r['proc_seq']:,.0f} /s | |",
            f"| {k} | handler in process, {CLIENTS} threads, {IN_PROCESS} | "
            f"{r['proc_8']:,.0f} /s | |",
            f"| {k} | `entityOperations/create`, batches of 1,000 | {r['batched']:,.0f} /s | |",
        ]
    qrows = []
    for r in results:
        for rel in ("near", "within"):
            q = r[rel]
            qrows.append(
                f"| {r['kind']} | {rel} | {q['p50']:.1f} / **{q['p95']:.1f}** | "
                f"{q.get('http_p50', float('nan')):.1f} / {q.get('http_p95', float('nan')):.1f} "
                f"| {q['hits']:,.0f} |"
            )
    first = results[0]
    return f"""`python bench/bench_ngsi_ld.py` — {first["entities"]:,} KeyPerformanceIndicator
entities (the Digital Decade % KPIs of the catalogue x 1,000 NUTS 3 regions x 2025) published through the write
path, per store. {load} Server and clients share the same 2 cores (the Python clients cost
CPU too); the creations over HTTP run on {WORKERS} server processes for PostGIS, one for DuckDB (a
DuckDB file served by several is read-only).

Creations (each `POST /entities` one dataset with provenance and one audit entry, committed
before the 201):

| store | how | creations | |
|---|---|---:|---|
{chr(10).join(rows)}

Queries, `type=KeyPerformanceIndicator` + geo-query + `count=true` + `limit=100`, keyValues,
{first["near"]["n"]} points (region centroids); `near` is `near;maxDistance==100000`, `within`
a 1-degree polygon:

| store | georel | handler p50 / p95 ms | HTTP p50 / p95 ms | matched (median) |
|---|---|---:|---:|---:|
{chr(10).join(qrows)}

Building the KPI entity table after the writes (once per data version): {first["build"]:.2f} s.
Orion-LD and Stellio publish 131-241 creations per second on 8 vCPU (their own benchmarks,
single creations): context, not the same machine.
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-postgis", action="store_true")
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_store(str(Path(tmp) / "bench.duckdb"), "DuckDB"))
        print(json.dumps(results[-1], indent=1, default=str)[:3000])
        if not args.no_postgis:
            cluster, url = pg_url()
            if url is not None:
                try:
                    results.append(run_store(url, "PostGIS"))
                finally:
                    cluster.stop()  # type: ignore[attr-defined]
    load = load_note(load_start)
    body = report(results, load)
    print(body)
    if not args.no_write:
        write_section("NGSI-LD", body)


if __name__ == "__main__":
    main()
