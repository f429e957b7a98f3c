"""Web atlas speed in headless Chromium on localhost, full demo data.

* home page interactive: navigation start → first choropleth drawn (performance mark), < 2 s;
* bytes transferred for the home page excluding the map library, < 1 MB;
* choropleth update after a filter change, < 300 ms.
Reference in the same run: the bytes a naive map would load for the same view (the
unsimplified NUTS 0 GeoJSON the package ships), as a ratio.

* every page ready (its data drawn: ``window.__ra.ready``) under 4x CPU throttling (CDP
  ``Emulation.setCPUThrottlingRate``, a slow laptop), cold context each run, < 1 s p95;
  Chromium driven over its DevTools pipe alone (``_cdp.py``), the app in a process of its own.
  Where the time goes: when the scripts were read (DOMContentLoaded) and when the last API
  answer arrived (``performance.getEntries()``); the previous run's figures stay beside the
  new ones. Each load's later requests are answered before the next load starts.
  ``python bench/bench_web.py --pages`` runs this part alone;
  ``--only "map (Europe, NUTS 0);scorecard"`` measures those pages only and prints them,
  ``--loads 10`` that many loads per page
  (docs/benchmarks.md is written by a run of every page); ``--store PATH`` serves a demo store
  built before (``regioatlas demo``) instead of building one, so that two versions of the code
  can be measured one after the other on the same store.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _cdp import Chromium, Page  # noqa: E402
from _report import DOC, p95, write_section  # noqa: E402
from bench_ogc import serve_regioatlas  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, LiveServer  # noqa: E402

from regioatlas.demo import build_demo  # noqa: E402

RUNS = 7
PAGE_RUNS = 5
THROTTLE = 4
#: every page of the web app, as a reader opens it
PAGES = {
    "map (Europe, NUTS 0)": "/?lang=en",
    "map (Finland, NUTS 3, region panel)": "/?lang=fi&level=3&z=6.5&lat=61.5&lon=25&sel=FI1C6",
    "map as table": "/?lang=de&level=2&table=1",
    "embed": "/embed?z=5&lat=62&lon=24&country=FI",
    "region page": "/region/FI1C6?lang=en",
    "project page": "/project/cordis-he-sample:101083671?lang=en",
    "compare (2 regions)": "/compare?lang=en&regions=FI1C6,AT127",
    "data and licences": "/data?lang=en",
    "scorecard": "/scorecard/AT127?lang=de",
    "Digital Compass": "/compass/FI1C6?lang=fi",
    "air quality": "/air-quality?lang=en",
    "partner search": "/partners/FI1C6?lang=en&text=biorefinery",
}


PAGES_TITLE = "Web pages, 4x CPU throttling"
#: when the scripts were read, and when the last API answer arrived (ms from navigation start)
PHASES = """() => ({
  scripts: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  api: Math.max(0, ...performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/api/')).map((e) => e.responseEnd)),
})"""


#: when the map to pan, zoom and click replaced the map's first picture (null without a map)
MAP_INTERACTIVE = """(() => { const m = performance.getEntriesByName('map-interactive')[0];
  return m ? m.startTime : null; })()"""


#: resolves, in the page, at the first animation frame with the data drawn: the time then
#: (asked over the DevTools protocol in the page's own world, no script of a harness in it)
READY_AT = """new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error("the page was not ready after 60 s")), 60000);
  (function check() {
    if (window.__ra && window.__ra.ready) resolve(performance.now());
    else requestAnimationFrame(check);
  })();
})"""


#: resolves once no resource was added for a second (or after 20 s)
SETTLED = """new Promise((resolve) => {
  const start = performance.now();
  let seen = -1, since = start;
  (function check() {
    const now = performance.now(), count = performance.getEntriesByType('resource').length;
    if (count !== seen) { seen = count; since = now; }
    if (now - since > 1000 || now - start > 20000) resolve(count);
    else setTimeout(check, 100);
  })();
})"""
#: what Playwright's launch gives a headless browser besides the tests' arguments: no first-run
#: work, no timers or renderers slowed as if in the background
DRIVEN = [
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]


def server_quiet(pid: int, quiet: float = 0.5, limit: float = 60) -> None:
    """Returns once the server process ``pid`` has used no CPU for ``quiet`` seconds (or after
    ``limit``): the work a closed page left it (a similarity index the page asked for after
    its first draw) is done before the next load is measured."""

    def cpu() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks

    start = time.monotonic()
    last, since = cpu(), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() - start < limit:
        time.sleep(0.1)
        now = cpu()
        if now != last:
            last, since = now, time.monotonic()


def page_timings(
    base: str, pages: dict[str, str] = PAGES, server: int | None = None
) -> tuple[dict[str, list[float]], dict[str, list[dict]]]:
    """Milliseconds from navigation start to the page's data drawn, per page, throttled 4x;
    and per load when its scripts were read and its last API answer arrived.

    The browser is driven over the DevTools protocol alone (``_cdp.py``): Playwright would
    run its injected script in the measured page (``wait_for_function``: about 300 KB, 45-120
    ms under 4x throttling), create a utility world in it, and handle every event of the page
    in its driver, on the same 2 cores as the page and the server.
    """
    out: dict[str, list[float]] = {name: [] for name in pages}
    phases: dict[str, list[dict]] = {name: [] for name in pages}
    with tempfile.TemporaryDirectory() as profile:
        browser = Chromium(CHROMIUM, [*ARGS, *DRIVEN, f"--user-data-dir={profile}"])
        try:
            for name, path in pages.items():
                for run in range(PAGE_RUNS + 1):  # the first run warms the server's caches
                    page = Page(browser, 1440, 900, THROTTLE)
                    page.goto(base + path)
                    ms = page.evaluate(READY_AT)
                    if run:
                        out[name].append(ms)
                        phases[name].append(page.evaluate(f"({PHASES})()"))
                    # what the page asks for after it is ready (similar projects, minimaps) is
                    # answered before the next load: the warm-up fills the server's caches (the
                    # similarity index: 2 s the first time), and no load is measured while the
                    # server still works for the one before
                    page.evaluate(SETTLED)
                    if run:  # the map pages: when Leaflet's map replaced the first picture
                        phases[name][-1]["map"] = page.evaluate(MAP_INTERACTIVE)
                    page.close()
                    if server:  # a request the page left still being answered (closing
                        server_quiet(server)  # a page does not stop the server's work)
        finally:
            browser.close()
    return out, phases


def previous_run() -> tuple[str, dict[str, tuple[str, str]]]:
    """The date and the (median, p95) per page of the run written last in docs/benchmarks.md."""
    text = DOC.read_text() if DOC.exists() else ""
    section = re.search(rf"^## {re.escape(PAGES_TITLE)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not section:
        return "", {}
    when = re.search(r"_Run (\S+) on", section.group(1))
    rows = re.findall(r"^\| ([^|]+?) \| (\d+) ms \| (\d+) ms \|", section.group(1), re.M)
    kept: dict[str, tuple[str, str]] = {}
    for name, med, high in rows:  # the run's own table first; later tables are hand-measured
        kept.setdefault(name, (med, high))
    return (when.group(1) if when else ""), kept


def pages_section(timings: dict[str, list[float]], phases: dict[str, list[dict]]) -> str:
    when, before = previous_run()

    def row(name: str, t: list[float]) -> str:
        scripts = statistics.median(p["scripts"] for p in phases[name])
        api = statistics.median(p["api"] for p in phases[name])
        maps = [p["map"] for p in phases[name] if p.get("map") is not None]
        interactive = f"{statistics.median(maps):.0f} ms" if maps else "–"
        med, high = before.get(name, ("–", "–"))
        old = f"{med} ms | {high} ms" if high != "–" else "– | –"
        return (
            f"| {name} | {statistics.median(t):.0f} ms | {p95(t):.0f} ms | {scripts:.0f} ms "
            f"| {api:.0f} ms | {interactive} | {old} |"
        )

    rows = "\n".join(row(name, t) for name, t in timings.items())
    worst = max(p95(t) for t in timings.values())
    load = os.getloadavg()[0]
    return f"""
Headless Chromium (Debian build, driven over its DevTools pipe) with **4x CPU throttling** (CDP
`Emulation.setCPUThrottlingRate`, as on a slow laptop), 1440×900, the full demo store served
on 127.0.0.1 by a uvicorn process of its own; {PAGE_RUNS} cold loads per page (new browser context
each, after one warm-up load for the server's caches). Ready = navigation start → the first
animation frame with the page's data drawn (`window.__ra.ready`: the choropleth for the map,
the figures for the other pages), asked in the page over the DevTools protocol. Target:
< 1,000 ms p95.
Scripts read = DOMContentLoaded; last API answer = the latest `responseEnd` of an `/api/`
request before the page was ready; map interactive = Leaflet's map replaced the map's first
picture (drawn on a canvas from the same data, `sketch.js`), after ready (medians of the loads). The machine's load average when the run ended: {load:.1f} on
{os.cpu_count()} cores (the run's own browser and server count in it; above 2, other work
shared the machine: compare the columns of one run, not runs).

| page | median | p95 | scripts read | last API answer | map interactive | previous run ({when or "–"}) median | previous p95 |
|---|---|---|---|---|---|---|---|
{rows}

Worst page p95: {worst:.0f} ms.
"""


@contextmanager
def served_apart(store: Path):
    """The app over ``store`` in a uvicorn process of its own, as a reader's browser meets it
    (a server in a thread of this process would share its interpreter lock with the harness).
    Yields the URL and the server's process id."""
    proc, port = serve_regioatlas(store)
    try:
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def pages_only(only: list[str] | None = None, store: Path | None = None) -> None:

    unknown = sorted(set(only or []) - set(PAGES))
    if unknown:
        sys.exit(f"error: --only: no page {unknown[0]!r}; one of {', '.join(PAGES)}")
    pages = {name: path for name, path in PAGES.items() if not only or name in only}

    with tempfile.TemporaryDirectory() as tmp:
        path = store or Path(tmp) / "demo.duckdb"
        if store is None:
            build_demo(path)
        with served_apart(path) as (url, pid):
            timings, phases = page_timings(url, pages, pid)
    body = pages_section(timings, phases)
    if not only:
        write_section(PAGES_TITLE, body)
    print(body)
    print(json.dumps(timings))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        build_demo(path)
        server = LiveServer(path)
        loads, interactive, byte_counts, updates = [], [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(RUNS):
                ctx = browser.new_context(viewport={"width": 1440, "height": 900})
                page = ctx.new_page()
                page.goto(server.url + "/?lang=en")
                page.wait_for_function(
                    "() => window.__ra && window.__ra.ready && window.__ra.regions > 0"
                )
                loads.append(
                    page.evaluate("performance.getEntriesByName('choropleth-drawn')[0].startTime")
                )
                # the updates are timed on the map to pan and click, not on its first picture
                page.wait_for_function("() => window.__ra.map")
                interactive.append(
                    page.evaluate("performance.getEntriesByName('map-interactive')[0].startTime")
                )
                entries = page.evaluate(
                    "performance.getEntriesByType('resource').map(e => [e.name, e.transferSize])"
                    ".concat([[location.href, performance.getEntriesByType('navigation')[0].transferSize]])"
                )
                byte_counts.append(
                    sum(size for name, size in entries if "/vendor/leaflet/" not in name)
                )
                for country in ("FI", "AT", "PL", "DE"):
                    page.evaluate("window.__ra.ready = false")
                    page.select_option("select[name=country]", country)
                    page.wait_for_function("() => window.__ra.ready")
                    updates.append(page.evaluate("window.__ra.drawMs"))
                ctx.close()
            browser.close()
        naive = 0
        for level in (0,):
            with urllib.request.urlopen(f"{server.url}/api/geometries?level={level}") as r:
                naive += len(r.read())
        server.stop()
    median_bytes = statistics.median(byte_counts)
    body = f"""
Headless Chromium (Debian build, Playwright) against `regioatlas` on 127.0.0.1 with the full demo store,
{RUNS} cold page loads (new browser context each), 1440×900.

| measure | median | p95 | target |
|---|---|---|---|
| navigation start → first choropleth drawn (its first picture) | {statistics.median(loads):.0f} ms | {p95(loads):.0f} ms | < 2,000 ms |
| navigation start → the map interactive (Leaflet) | {statistics.median(interactive):.0f} ms | {p95(interactive):.0f} ms | – |
| bytes transferred, home page, map library excluded | {median_bytes / 1024:.0f} KiB | {p95(byte_counts) / 1024:.0f} KiB | < 1,024 KiB |
| choropleth update after a filter change (country) | {statistics.median(updates):.0f} ms | {p95(updates):.0f} ms | < 300 ms |

Reference in the same run: the unsimplified NUTS 0 GeoJSON of the same view, as a map without
zoom-level simplification or compression would load it: {naive / 1024:.0f} KiB uncompressed, {naive / median_bytes:.1f}x the
bytes the home page transfers (gzip and per-zoom simplification).
"""
    write_section("Web atlas", body)
    print(body)
    print(json.dumps({"loads": loads, "bytes": byte_counts, "updates": updates}))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Web atlas speed in headless Chromium (see the module's docstring)."
    )
    parser.add_argument(
        "--pages", action="store_true", help="measure every page under 4x throttling only"
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help='these pages only, ";"-separated (e.g. "scorecard;region page"); prints, '
        "writes nothing",
    )
    parser.add_argument(
        "--loads", type=int, default=PAGE_RUNS, help="cold loads per page (default: %(default)s)"
    )
    parser.add_argument(
        "--store", type=Path, help="serve this demo store (regioatlas demo) instead of building one"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    PAGE_RUNS = args.loads
    if args.only:
        pages_only(args.only.split(";"), args.store)
    elif args.pages:
        pages_only(store=args.store)
    else:
        main()
        pages_only()
