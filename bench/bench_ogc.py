"""OGC API – Features: items of the NUTS 3 collection (limit=100) with 8 clients, against
pygeoapi over the same polygons (its GeoJSON and GeoPackage providers), and ``numberMatched``
of a filtered collection of 1.5 million rows.

pygeoapi runs in its own virtualenv (``bench/.venv-pygeoapi``, created here from PyPI), never
a dependency of RegioAtlas. Targets: at least 5x pygeoapi's requests per second, p95 under
10 ms, zero errors; the count under 100 ms.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import load_note, p95, write_section  # noqa: E402

HERE = Path(__file__).parent
VENV = HERE / ".venv-pygeoapi"
CLIENTS, REQUESTS = 8, 800
PATH = "/collections/{}/items?limit=100&offset={}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, path: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"no server on port {port} answering {path}")


def load(port: int, prefix: str, collection: str, matched: int) -> dict:
    """8 keep-alive clients, REQUESTS pages in all: requests/s, p50, p95, errors."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(per_client):
            offset = ((k * per_client + i) * 100) % max(matched - 100, 1)
            t = time.perf_counter()
            try:
                conn.request("GET", prefix + PATH.format(collection, offset))
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200 and body.count(b'"Feature"') == 100
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            dt = time.perf_counter() - t
            with lock:
                times.append(dt)
                errors[0] += not ok

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    times.sort()
    return {
        "rps": len(times) / wall,
        "p50": times[len(times) // 2] * 1000,
        "p95": p95(times) * 1000,
        "errors": errors[0],
    }


WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", string.format(PATH_FORMAT, (counter * 100) % OFFSETS))
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.duration, summary.errors.status + summary.errors.timeout + summary.errors.read,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_load(port: int, prefix: str, collection: str, matched: int, pid: int) -> dict | None:
    """The same pages from ``wrk`` (Debian's, a C client: its own cost is small, so the
    server's latency shows), 8 connections for 15 s after 3 s of warm-up; None without wrk.
    Also the server process's CPU time per request."""
    import shutil

    if not shutil.which("wrk"):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(
            f'PATH_FORMAT = "{prefix}/collections/{collection}/items?limit=100&offset=%d"\n'
            f"OFFSETS = {max(matched - 100, 1)}\n" + WRK_SCRIPT
        )
        script = f.name
    url = f"http://127.0.0.1:{port}"
    base = ["wrk", "-t1", f"-c{CLIENTS}", "--timeout", "30s", "-s", script]
    subprocess.run([*base, "-d3s", url], capture_output=True, text=True)
    cpu = _cpu_seconds(pid)
    out = subprocess.run([*base, "-d15s", url], capture_output=True, text=True).stdout
    cpu = _cpu_seconds(pid) - cpu
    os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, micros, errors, p50, p95_, p99 = line.split()[1:]
    return {
        "rps": int(n) / (int(micros) / 1e6),
        "p50": float(p50),
        "p95": float(p95_),
        "p99": float(p99),
        "errors": int(errors),
        "cpu_ms": cpu / max(int(n), 1) * 1000,
    }


def serve_regioatlas(store: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    code = (
        "import uvicorn; from regioatlas.web.app import create_app; "
        f"uvicorn.run(create_app({str(store)!r}), host='127.0.0.1', port={port}, "
        "log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    _wait(port, "/ogc/collections/nuts-2024-3/items?limit=1")
    return proc, port


def _base_python() -> str:
    """A Python whose sqlite3 loads extensions (pygeoapi's GeoPackage provider loads
    SpatiaLite, Debian package libsqlite3-mod-spatialite); Debian's has it, pyenv's may not."""
    for candidate in ("/usr/bin/python3", sys.executable):
        probe = "import sqlite3; sqlite3.connect(':memory:').enable_load_extension(True)"
        if Path(candidate).exists() and not subprocess.run([candidate, "-c", probe]).returncode:
            return candidate
    return sys.executable


def pygeoapi_venv() -> str | None:
    """The venv's python with pygeoapi, or None (the error is reported)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([_base_python(), "-m", "venv", str(VENV)], check=True)
    if subprocess.run([str(python), "-c", "import pygeoapi"], capture_output=True).returncode:
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "pygeoapi", "uvicorn", "starlette"],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print("pygeoapi cannot be installed:", done.stderr[-2000:])
            return None
    return str(python)


def write_polygons(folder: Path) -> tuple[Path, Path, int]:
    """NUTS 2024 level 3 as GeoJSON and GeoPackage (the same polygons RegioAtlas serves)."""
    import geopandas as gpd
    import shapely

    from regioatlas.geo.nuts import NutsRegistry

    reg = NutsRegistry.default()
    codes, shapes = reg.shapes(2024, 3)
    regions = {r.code: r for r in reg.regions(2024, 3)}
    frame = gpd.GeoDataFrame(
        {
            "code": codes,
            "name_latin": [regions[c].name_latin for c in codes],
            "country": [regions[c].country for c in codes],
        },
        geometry=list(shapes),
        crs="OGC:CRS84",
    )
    frame["geometry"] = shapely.force_2d(frame.geometry.values)
    geojson, gpkg = folder / "nuts3.geojson", folder / "nuts3.gpkg"
    frame.to_file(geojson, driver="GeoJSON")
    frame.to_file(gpkg, driver="GPKG", layer="nuts3")
    return geojson, gpkg, len(frame)


PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 10, max_items: 1000}}
  map: {{url: 'http://127.0.0.1/tiles/{{z}}/{{x}}/{{y}}.png', attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                   terms_of_service: none, url: 'http://127.0.0.1'}}
  license: {{name: CC-BY 4.0, url: 'https://creativecommons.org/licenses/by/4.0/'}}
  provider: {{name: bench, url: 'http://127.0.0.1'}}
  contact: {{name: bench, position: bench, address: x, city: x, stateorprovince: x,
            postalcode: x, country: x, phone: x, fax: x, email: x, url: x, hours: x,
            instructions: x, role: pointOfContact}}
resources:
  nuts3:
    type: collection
    title: NUTS 3
    description: NUTS 2024 level 3
    keywords: [nuts]
    extents: {{spatial: {{bbox: [-64, -22, 56, 81], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}}}
    providers:
      - {provider}
"""
PROVIDERS = {
    "GeoJSON": "{{type: feature, name: GeoJSON, data: {geojson}, id_field: code}}",
    "GeoPackage": "{{type: feature, name: SQLiteGPKG, data: {gpkg}, id_field: fid, table: nuts3}}",
}


def serve_pygeoapi(python: str, folder: Path, provider: str):
    """pygeoapi over one provider, or (None, port, the error)."""
    port = _free_port()
    config, openapi = folder / f"pygeoapi-{provider}.yml", folder / f"openapi-{provider}.yml"
    data = PROVIDERS[provider].format(geojson=folder / "nuts3.geojson", gpkg=folder / "nuts3.gpkg")
    config.write_text(PYGEOAPI_CONFIG.format(port=port, provider=data))
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(Path(python).parent / "pygeoapi"), "openapi", "generate", str(config),
         "--output-file", str(openapi)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        last = [line for line in done.stderr.splitlines() if line.strip()][-3:]
        return None, port, f"pygeoapi's {provider} provider fails: " + " / ".join(last)
    proc = subprocess.Popen(
        [python, "-m", "uvicorn", "pygeoapi.starlette_app:APP", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env,
    )  # fmt: skip
    _wait(port, "/collections/nuts3/items?limit=1")
    return proc, port, None


def count_bench(folder: Path, demo: Path) -> dict:
    """numberMatched of a filtered participants collection of 1.5 million rows (DuckDB)."""
    import shutil

    import duckdb

    from regioatlas.model.expressions import Call, Prop
    from regioatlas.store import open_store

    path = folder / "big.duckdb"
    shutil.copy(demo, path)
    con = duckdb.connect(str(path))  # the demo's participations repeated: a bench-only shortcut
    n = con.execute("SELECT count(*) FROM participants").fetchone()[0]
    copies = -(-1_500_000 // n)
    con.execute(
        "INSERT INTO participants SELECT p.* REPLACE (p.project_id || '~' || CAST(r.k AS VARCHAR) "
        f"AS project_id) FROM participants p, range(1, {copies}) r(k)"
    )
    rows = con.execute("SELECT count(*) FROM participants").fetchone()[0]
    con.close()
    where = Call(
        "and", (Call("=", (Prop("country"), "DE")), Call("=", (Prop("role"), "coordinator")))
    )
    with open_store(str(path), read_only=True) as store:
        store.features("participants", where, (), 100, 0)  # warm
        calls = []
        for _ in range(20):
            t = time.perf_counter()
            matched, _ = store.features("participants", where, (), 100, 0)
            calls.append(time.perf_counter() - t)
        from regioatlas.api.atlas import Atlas
        from regioatlas.api.ogc.collections import load_collections

        participants = load_collections(Atlas(store))["participants"]
        pages = []
        for k in range(20):  # a client paging through one filter
            t = time.perf_counter()
            assert participants.query(where, [], 100, k * 100)[0] == matched
            pages.append(time.perf_counter() - t)
    # the count alone: the SQL Store.features runs for numberMatched, on its own connection
    from regioatlas.store.feature_sql import features_query

    con = duckdb.connect(str(path), read_only=True)
    columns = {d[0] for d in con.execute("SELECT * FROM participants LIMIT 0").description}
    q = features_query(
        "participants", columns | {"country", "region", "_row", "id"}, where, (), 100, 0
    )
    counts = []
    for _ in range(20):
        t = time.perf_counter()
        assert con.execute(q.count_sql, q.count_params).fetchone()[0] == matched
        counts.append(time.perf_counter() - t)
    con.close()
    calls.sort()
    counts.sort()
    return {"rows": rows, "matched": matched, "count_p50": counts[10] * 1000,
            "count_max": counts[-1] * 1000, "call_p50": calls[10] * 1000,
            "call_max": calls[-1] * 1000, "page_first": pages[0] * 1000,
            "page_p50": sorted(pages[1:])[9] * 1000,
            "page_max": max(pages[1:]) * 1000}  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        from regioatlas.demo import build_demo

        store = folder / "demo.duckdb"
        build_demo(store)
        _, _, matched = write_polygons(folder)
        ours_proc, ours_port = serve_regioatlas(store)
        results: dict[str, dict] = {}
        by_wrk: dict[str, dict | None] = {}
        notes = []
        load_before = os.getloadavg()[0]
        try:
            load(ours_port, "/ogc", "nuts-2024-3", matched)  # warm
            name = "RegioAtlas /ogc (DuckDB store, NUTS from the shipped Parquet)"
            results[name] = load(ours_port, "/ogc", "nuts-2024-3", matched)
            by_wrk[name] = wrk_load(ours_port, "/ogc", "nuts-2024-3", matched, ours_proc.pid)
            print(results, by_wrk, flush=True)
        finally:
            ours_proc.terminate()
            ours_proc.wait()
        python = pygeoapi_venv()
        for provider in PROVIDERS if python else ():
            proc, port, error = serve_pygeoapi(python, folder, provider)
            if error:
                notes.append(error)
                continue
            try:
                load(port, "", "nuts3", matched)
                name = f"pygeoapi 0.21, {provider} provider"
                results[name] = load(port, "", "nuts3", matched)
                by_wrk[name] = wrk_load(port, "", "nuts3", matched, proc.pid)
                print(results, by_wrk, flush=True)
            finally:
                proc.terminate()
                proc.wait()
        count = count_bench(folder, store)
    ours = next(iter(results.values()))
    lines = [
        f"Items of NUTS 2024 level 3 ({matched} polygons), `limit=100`, pages spread over the "
        f"collection, {CLIENTS} keep-alive clients, {REQUESTS} requests each run, one uvicorn "
        "worker per server, client and servers on the same machine. The pages repeat, so after "
        "the warm-up RegioAtlas replays the answers it keeps per data version "
        "(`web/response_cache.py`); pygeoapi builds every answer.",
        "",
        "| server | requests/s | p50 ms | p95 ms | errors | RegioAtlas ÷ it |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = ours["rps"] / r["rps"] if r["rps"] else float("inf")
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['errors']} | "
            f"{ratio:.1f}x |"
        )
    ours_wrk = next(iter(by_wrk.values()), None)
    if ours_wrk:
        lines += [
            "",
            "The same pages from `wrk` (a C load generator: little client cost on the shared "
            "cores), 8 connections, 15 s; CPU ms = the server process's CPU time per request:",
            "",
            "| server | requests/s | p50 ms | p95 ms | p99 ms | errors | CPU ms | RegioAtlas ÷ it |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, w in by_wrk.items():
            if w:
                lines.append(
                    f"| {name} | {w['rps']:.0f} | {w['p50']:.1f} | {w['p95']:.1f} | "
                    f"{w['p99']:.1f} | {w['errors']} | {w['cpu_ms']:.2f} | "
                    f"{ours_wrk['rps'] / w['rps'] if w['rps'] else float('inf'):.1f}x |"
                )
    lines += [
        "",
        load_note(load_before),
        "",
        f"`numberMatched` of `participants` filtered on `country = 'DE' AND role = 'coordinator'` "
        f"over {count['rows']:,} rows (the demo's participations repeated; DuckDB store): "
        f"{count['matched']:,} matched. The count: median {count['count_p50']:.0f} ms, slowest "
        f"of 20 {count['count_max']:.0f} ms (target < 100 ms). The whole `Store.features` call "
        f"with the first page of 100: median {count['call_p50']:.0f} ms, slowest "
        f"{count['call_max']:.0f} ms. Paging through that filter (`limit=100`, 20 pages, the "
        "OGC collection's query): the first page, which counts, "
        f"{count['page_first']:.0f} ms; the next 19, which reuse the count kept for the data "
        f"version and filter: median {count['page_p50']:.0f} ms, slowest "
        f"{count['page_max']:.0f} ms, of which the count 0 ms.",
        *notes,
    ]
    body = "\n".join(lines)
    print(body)
    write_section("OGC API – Features (bench_ogc.py)", body)
    print(json.dumps({"results": results, "count": count}, indent=1))


if __name__ == "__main__":
    if sys.argv[1:] == ["--count-only"]:  # the 1.5-million-row count alone (2 minutes, not 15)
        with tempfile.TemporaryDirectory() as tmp:
            from regioatlas.demo import build_demo

            build_demo(Path(tmp) / "demo.duckdb")
            print(count_bench(Path(tmp), Path(tmp) / "demo.duckdb"))
    else:
        main()
