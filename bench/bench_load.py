"""Load on loopback: 50 clients for 60 s against `regioatlas serve --workers 2`, and against
Datasette serving the same 144,726 H2020 participations from SQLite, in the same run.

Both answer the same questions: per region of a NUTS level, the projects (distinct),
participations and EU contribution, under a country and an organisation-type filter (240
questions: 10 countries x NUTS 0-3 x no type or one of 5 types). RegioAtlas gets
``/api/aggregates``; Datasette runs the equivalent SQL on a SQLite copy of the located
participations (with indexes on the filtered columns) through its JSON API.

The load generator is wrk (Debian's ``wrk``; 2 threads, 50 connections, a Lua script cycling
through the questions, 30 s timeout). Datasette runs from its own virtualenv,
``bench/.venv-datasette`` (``python3 -m venv bench/.venv-datasette &&
bench/.venv-datasette/bin/pip install datasette``), never from the product's dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import load_note, write_section  # noqa: E402

from regioatlas.demo import demo_file  # noqa: E402
from regioatlas.ingest import ingest  # noqa: E402
from regioatlas.model.query import ProjectFilter  # noqa: E402
from regioatlas.store import open_store  # noqa: E402

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
DATASETTE = HERE / ".venv-datasette" / "bin" / "datasette"
CLIENTS, SECONDS, WARM_SECONDS = 50, 60, 5
COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "FI", "PL", "SE"]
ORG_TYPES = [None, "HES", "PRC", "REC", "PUB", "OTH"]
QUESTIONS = [(c, level, t) for c in COUNTRIES for level in range(4) for t in ORG_TYPES]

#: the SQL Datasette runs: what ``/api/aggregates`` computes (see ``store/sql.py``)
DATASETTE_SQL = (
    "select nuts{level} as code, count(distinct project_id) as projects, "
    "count(*) as participations, sum(eu_contribution_eur) as eu_contribution_eur "
    "from participations where nuts{level} is not null and nuts0 = :country{type} "
    "group by 1 order by 1"
)

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"status": %%d, "timeout": %%d, "p50": %%.2f, "p95": %%.2f, "p99": %%.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def h2020_store() -> Path:
    """The DuckDB store of the H2020 participations and population, built once."""
    path = CACHE / "h2020.duckdb"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial.duckdb")
        partial.unlink(missing_ok=True)
        with open_store(str(partial)) as store:
            ingest(store, "eurostat-population", [demo_file("estat_demo_r_pjanaggr3_total.tsv.gz")])
            ingest(
                store,
                "cordis-h2020",
                [demo_file("h2020_participations_eunets_2020-12.csv.gz")],
                allow_partial=True,
            )
        partial.rename(path)
    return path


def sqlite_copy(store_path: Path) -> Path:
    """The same located participations in SQLite, for Datasette (indexes on the filters)."""
    path = CACHE / "h2020.sqlite"
    if path.exists():
        return path
    with open_store(str(store_path), read_only=True) as store:
        rows = store.participants(ProjectFilter(sources=["cordis-h2020"]))
    columns = ["project_id", "seq", "org_type", "eu_contribution_eur", "nuts0", "nuts1"]
    columns += ["nuts2", "nuts3"]
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(partial) as con:
        con.execute(f"CREATE TABLE participations ({', '.join(columns)})")
        con.executemany(
            f"INSERT INTO participations VALUES ({', '.join('?' for _ in columns)})",
            ([r[c] for c in columns] for r in rows),
        )
        con.execute("CREATE INDEX participations_country ON participations (nuts0, org_type)")
    con.close()
    partial.rename(path)
    return path


def regioatlas_paths() -> list[str]:
    return [
        f"/api/aggregates?level={level}&country={c}" + (f"&org_type={t}" if t else "")
        for c, level, t in QUESTIONS
    ]


def datasette_paths() -> list[str]:
    paths = []
    for c, level, t in QUESTIONS:
        params = {
            "sql": DATASETTE_SQL.format(level=level, type=" and org_type = :type" if t else ""),
            "country": c,
            "_shape": "array",
        }
        if t:
            params["type"] = t
        paths.append("/h2020.json?" + urllib.parse.urlencode(params))
    return paths


def _wait(url: str, seconds: float = 600) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _check(base: str, paths: list[str]) -> None:
    """Every question answers 200 with JSON rows before the load starts."""
    for p in paths:
        with urllib.request.urlopen(base + p, timeout=60) as r:
            json.loads(r.read())


def wrk(base: str, paths: list[str], seconds: int, tmp: Path) -> dict:
    script = tmp / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    done = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
        + [base],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _load(name: str, command: list[str], base: str, paths: list[str], env=None) -> dict:
    tmp = CACHE / f"load-{name}"
    tmp.mkdir(parents=True, exist_ok=True)
    log = (tmp / "log").open("w")
    # a session of its own: the server and its worker processes are stopped together
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait(base + paths[0])
        _check(base, paths)
        wrk(base, paths, WARM_SECONDS, tmp)
        result = wrk(base, paths, SECONDS, tmp)
        print(name, result, flush=True)
        return result
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:  # a worker still closing its connections
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("error: wrk is not installed (apt-get install wrk)")
    if not DATASETTE.exists():
        sys.exit(f"error: no Datasette at {DATASETTE}; see this script's docstring")
    store = h2020_store()
    db = sqlite_copy(store)
    load = os.getloadavg()[0]
    port = _free_port()
    regioatlas = Path(sys.executable).with_name("regioatlas")
    ours = _load(
        "regioatlas",
        [str(regioatlas), "serve", "--store", str(store), "--workers", "2", "--port", str(port)],
        f"http://127.0.0.1:{port}",
        regioatlas_paths(),
    )
    port = _free_port()
    theirs = _load(
        "datasette",
        [str(DATASETTE), "serve", str(db), "--host", "127.0.0.1", "--port", str(port)]
        + ["--setting", "sql_time_limit_ms", "30000", "--setting", "max_returned_rows", "5000"],
        f"http://127.0.0.1:{port}",
        datasette_paths(),
    )

    def row(label: str, r: dict) -> str:
        return (
            f"| {label} | {r['requests']:,} | {r['errors']} | {r['p50']:.1f} ms | "
            f"{r['p95']:.1f} ms | {r['p99']:.1f} ms | **{r['rps']:.1f}** |"
        )

    body = f"""
`python bench/bench_load.py`: {CLIENTS} clients (wrk, 2 threads, one connection each) for
{SECONDS} s after a {WARM_SECONDS} s warm-up, on 127.0.0.1, against each server in turn in the
same run. Data: the 144,726 H2020 participations (real CORDIS file), located by RegioAtlas; the
same located rows copied into SQLite for Datasette. Questions: {len(QUESTIONS)} per-region
aggregates (10 countries x NUTS 0-3 x no organisation type or one of 5), cycled in the same
order on both.

| server | requests | errors | p50 | p95 | p99 | requests/s |
|---|---|---|---|---|---|---|
{row("`regioatlas serve --workers 2` (DuckDB)", ours)}
{row("Datasette (SQLite, 1 process)", theirs)}

RegioAtlas / Datasette requests per second: **{ours["rps"] / theirs["rps"]:.1f}x** (goal >= 5x).
Errors count connection, read, write and timeout errors and answers other than 2xx/3xx.

RegioAtlas answers a question from the summary rows once per data version and worker, then
replays the whole answer kept for that data version (`web/response_cache.py`: no routing,
checks or JSON encoding); Datasette runs the SQL for every request (SQLite's page cache only).
The load generator runs on the same 2 cores as the servers. {load_note(load)}
"""
    write_section("Load (50 clients)", body)
    print(body)


if __name__ == "__main__":
    main()
