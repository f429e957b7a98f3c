"""`regioatlas update` with nothing changed: target < 2 s and nothing written.

A loopback mirror (``http.server`` on 127.0.0.1) serves, at the publishers' paths, the CORDIS
H2020 export zip of tests/fixtures/fetch (real records, official layout) and the Eurostat
population TSV shipped in the package, with ETags. `regioatlas fetch` downloads and ingests
both; then `regioatlas update` runs as a user runs it (a new process: start-up included) and
the cache folder and the store file are compared before and after.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import write_section  # noqa: E402

import regioatlas.data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "/data/cordis-h2020projects-csv.zip": (
        ROOT / "tests/fixtures/fetch/cordis-h2020projects-csv.zip",
        "application/zip",
    ),
    "/eurostat/api/dissemination/sdmx/2.1/data/demo_r_pjanaggr3?format=TSV&compressed=true": (
        Path(regioatlas.data.__file__).parent / "demo/estat_demo_r_pjanaggr3_total.tsv.gz",
        "application/octet-stream",
    ),
}
REQUESTS: list[str] = []


class Mirror(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        REQUESTS.append(self.path)
        path, ctype = FILES[self.path]
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _snapshot(*paths: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root in paths:
        for p in [root, *root.rglob("*")] if root.is_dir() else [root]:
            st = p.stat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


def _cli(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from regioatlas.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"regioatlas {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        cache, store = Path(tmp) / "cache", Path(tmp) / "atlas.duckdb"
        env = {
            **os.environ,
            "REGIOATLAS_FETCH_CACHE": str(cache),
            "REGIOATLAS_FETCH_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "REGIOATLAS_STORE": str(store),
        }
        first = _cli(["fetch", "cordis-h2020", "eurostat-population"], env)
        before, seen = _snapshot(cache, store), len(REQUESTS)
        runs = [_cli(["update"], env) for _ in range(5)]
        written = _snapshot(cache, store) != before
        requests = (len(REQUESTS) - seen) / len(runs)
        startup = min(_cli(["--version"], env) for _ in range(3))
    server.shutdown()
    best, worst = min(runs), max(runs)
    verdict = "meets" if worst < 2 and not written else "MISSES"
    write_section(
        "Fetch / update",
        f"""
Loopback mirror, two sources fetched and ingested (CORDIS H2020 fixture zip, 114 kB, 1,076
organisations; Eurostat demo_r_pjanaggr3 TSV). `regioatlas fetch cordis-h2020
eurostat-population` (download + ingest, new process): **{first:.2f} s**.

`regioatlas update` with nothing changed, new process each time, 5 runs: best **{best:.2f} s**,
worst **{worst:.2f} s** ({verdict} the target < 2 s); {requests:.0f} HTTP requests per run (one
conditional GET per file, each answered 304); files written: **{"some" if written else "none"}**
(cache folder and store compared by size and mtime). Of that, Python start-up and importing the
CLI (`regioatlas --version`) take {startup:.2f} s.
""",
    )
    print(f"update unchanged: best {best:.2f} s, worst {worst:.2f} s, written: {written}")


if __name__ == "__main__":
    main()
