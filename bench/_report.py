"""Write one benchmark's section into docs/benchmarks.md, with the machine and the date."""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs/benchmarks.md"
HEADER = "# Benchmarks\n\nMeasured figures, each section written by its script under `bench/` (`make bench`).\n"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(x.split()[1])
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
        ram = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    return f"{os.cpu_count()} cores, {cpu}, {ram}, Python {platform.python_version()}, {platform.system()}"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section ``## title`` of docs/benchmarks.md."""
    DOC.parent.mkdir(exist_ok=True)
    text = DOC.read_text() if DOC.exists() else HEADER
    section = f"## {title}\n\n_Run {date.today().isoformat()} on {machine()}._\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    DOC.write_text(text)


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def load_note(start: float) -> str:
    """What the load average says about a run's timings, from its value at the start and now.

    The run's own servers, clients and databases load the machine too; more than one busy
    process per core before the run began means other work shared it.
    """
    end = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if start < cores:
        return (
            f"Load average {start:.1f} at the start and {end:.1f} at the end on {cores} cores: "
            "the machine had no other work (the load is the run's own servers and clients)."
        )
    return (
        f"Load average {start:.1f} at the start and {end:.1f} at the end on {cores} cores: the "
        "machine was shared with other work, so the latencies include its load; compare the "
        "ratios of one run."
    )
