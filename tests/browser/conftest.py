"""Browser tests: Debian's Chromium driven by Playwright against a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving the real app over a store, in a thread, on a free loopback port."""

    def __init__(self, store_path: Path):
        import uvicorn

        from regioatlas.web.app import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(str(store_path)), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(demo_store_path):
    server = LiveServer(demo_store_path)
    yield server
    server.stop()


def _waits_without_eval() -> None:
    """Make ``wait_for_function("expr")`` work under the app's Content-Security-Policy.

    Playwright compiles a bare expression with eval, which the CSP forbids (as it should);
    the same expression as an arrow function runs without eval.
    """
    from playwright.sync_api import Page

    wait = Page.wait_for_function
    if getattr(wait, "without_eval", False):
        return

    def wait_for_function(self, expression, **kwargs):
        if not re.match(r"\s*(async\s+)?(function\b|\([^)]*\)\s*=>|\w+\s*=>)", expression):
            expression = f"() => ({expression})"
        return wait(self, expression, **kwargs)

    wait_for_function.without_eval = True  # type: ignore[attr-defined]
    Page.wait_for_function = wait_for_function  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    _waits_without_eval()

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/setup.sh test installs Debian's chromium package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console errors and every request URL recorded."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str, ready: str = "window.__ra && window.__ra.ready"):
        self.page.goto(self.base + path)
        self.page.wait_for_function(ready, timeout=20_000)
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.base) or u.startswith("data:"))]


@pytest.fixture()
def web(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    watched = Watched(context.new_page(), live_server.url)
    yield watched
    assert watched.outside_requests() == [], "requests left 127.0.0.1"
    context.close()
