"""Chromium driven over the DevTools protocol alone, through a pipe (``--remote-debugging-pipe``).

For page timings: Playwright creates a utility world in every page it drives and handles every
event of the page in its Node.js driver, work that a reader's browser never does and that, on
a machine of 2 cores, shares them with the page and the server being measured. Here the only
work besides the page's own is the few commands a measurement needs.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import time


class Chromium:
    """A headless Chromium and the commands sent to it (``send``), one session per page."""

    def __init__(self, executable: str, args: list[str]):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on its fd 3 and answers on its fd 4: bash puts the pipe's
        # ends there (numbered high first, so that neither lands on the other's place)
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in (to_browser_r, from_browser_w)]
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)
        redirect = f'exec "$@" 3<&{ends[0]} 4>&{ends[1]} {ends[0]}<&- {ends[1]}>&-'
        command = [executable, "--headless", "--remote-debugging-pipe", *args, "about:blank"]
        self.proc = subprocess.Popen(
            ["bash", "-c", redirect, "chromium", *command],
            pass_fds=ends,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in ends:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and wait for its answer (events meanwhile are kept in ``events``)."""
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_event(self, method: str, session: str, seconds: float = 60) -> dict:
        """The first event ``method`` of ``session`` not seen before (the kept ones first)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read())
        raise TimeoutError(f"no {method} in {seconds} s")

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        self.proc.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)


class Page:
    """A page in a browser context of its own (a cold load: no cache, no cookies)."""

    def __init__(self, browser: Chromium, width: int, height: int, throttle: float):
        self.browser = browser
        self.context = browser.send("Target.createBrowserContext")["browserContextId"]
        target = browser.send(
            "Target.createTarget", {"url": "about:blank", "browserContextId": self.context}
        )["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        self.send("Page.enable")

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def goto(self, url: str) -> None:
        """Navigate and return once the new document is committed (its context exists)."""
        frame = self.send("Page.navigate", {"url": url})["frameId"]
        while True:
            event = self.browser.wait_event("Page.frameNavigated", self.session)
            if event["params"]["frame"]["id"] == frame:
                return

    def evaluate(self, expression: str):
        """The value of ``expression`` in the page (a promise is awaited)."""
        answer = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"].get("exception", {}).get("description"))
        return answer["result"].get("value")

    def close(self) -> None:
        self.browser.send("Target.disposeBrowserContext", {"browserContextId": self.context})
