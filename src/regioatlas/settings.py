"""Settings, declared once: name, default, help. Precedence: command-line option > environment > default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / "regioatlas"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env) or self.default


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "store",
            "REGIOATLAS_STORE",
            str(_data_home() / "atlas.duckdb"),
            "Store to read and write: a DuckDB file path or a store URL (duckdb:///path).",
        ),
        Setting(
            "demo_store",
            "REGIOATLAS_DEMO_STORE",
            str(_data_home() / "demo.duckdb"),
            "Where `regioatlas demo` builds the demo store.",
        ),
        Setting("host", "REGIOATLAS_HOST", "127.0.0.1", "Address the server listens on."),
        Setting("port", "REGIOATLAS_PORT", "8000", "Port the server listens on."),
    )
}


def get(name: str) -> str:
    return SETTINGS[name].value()
