"""Per-region aggregate with two filters over all H2020 participations, through the HTTP API.

A real uvicorn server on 127.0.0.1 and an httpx client; p95 target < 30 ms. Reference in the
same run: the same aggregate with pandas (groupby on a DataFrame already in memory).
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import p95, write_section  # noqa: E402

from regioatlas.demo import demo_file  # noqa: E402
from regioatlas.ingest import ingest  # noqa: E402
from regioatlas.store import open_store  # noqa: E402

N = 300
QUERIES = [
    "/api/aggregates?level=2&programme=H2020&org_type=HES",
    "/api/aggregates?level=3&country=FI&from=2018",
    "/api/aggregates?level=2&org_type=PRC&from=2016&to=2018",
    "/api/aggregates?level=0&programme=H2020&country=DE,AT",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    import httpx
    import pandas as pd
    import uvicorn

    from regioatlas.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.duckdb")
        with open_store(path) as store:
            ingest(store, "eurostat-population", [demo_file("estat_demo_r_pjanaggr3_total.tsv.gz")])
            ingest(
                store,
                "cordis-h2020",
                [demo_file("h2020_participations_eunets_2020-12.csv.gz")],
                allow_partial=True,
            )
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        times: dict[str, list[float]] = {q: [] for q in QUERIES}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for q in QUERIES:
                client.get(q).raise_for_status()  # warm
            for i in range(N):
                q = QUERIES[i % len(QUERIES)]
                t = time.perf_counter()
                client.get(q).raise_for_status()
                times[q].append((time.perf_counter() - t) * 1000)
        server.should_exit = True
        thread.join()
    df = pd.read_csv(demo_file("h2020_participations_eunets_2020-12.csv.gz"), na_values=["NA"])
    ptimes = []
    for _ in range(50):
        t = time.perf_counter()
        sub = df[(df["type"] == "HES")]
        sub.groupby("country").agg(
            projects=("rcn", "nunique"), participations=("rcn", "size"), eu=("contribution", "sum")
        )
        ptimes.append((time.perf_counter() - t) * 1000)
    all_times = [x for v in times.values() for x in v]
    rows = "\n".join(
        f"| `{q}` | {p95(v):.1f} ms | {sorted(v)[len(v) // 2]:.1f} ms |" for q, v in times.items()
    )
    body = f"""
{N} requests over a real uvicorn server on 127.0.0.1 (httpx client, one connection), store with all
144,726 H2020 participations and Eurostat population. **p95 over all requests: {p95(all_times):.1f} ms**
(target < 30 ms).

| query | p95 | median |
|---|---|---|
{rows}

Reference in the same run: pandas groupby (type filter, per country, nunique + sum) on the DataFrame already
in memory, no HTTP: p95 {p95(ptimes):.1f} ms. The API answer, HTTP and JSON included, takes
{p95(all_times) / p95(ptimes):.1f}x the in-memory pandas computation.
"""
    write_section("API aggregates", body)
    print(body)


if __name__ == "__main__":
    main()
