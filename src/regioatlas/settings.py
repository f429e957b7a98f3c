"""Settings, declared once: name, default, help. Precedence: command-line option > environment > default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / "regioatlas"


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regioatlas"


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
            "Store to read and write: a store URL (duckdb:///abs/path.duckdb, "
            "duckdb://rel/path.duckdb, postgresql://...) or a DuckDB file path.",
        ),
        Setting(
            "demo_store",
            "REGIOATLAS_DEMO_STORE",
            str(_data_home() / "demo.duckdb"),
            "Where `regioatlas demo` builds the demo store: a store URL or a DuckDB file path.",
        ),
        Setting(
            "cache",
            "REGIOATLAS_CACHE",
            str(_cache_home()),
            "Directory for data derived from a server store (the similarity index); "
            "a DuckDB store keeps it beside its file.",
        ),
        Setting("host", "REGIOATLAS_HOST", "127.0.0.1", "Address the server listens on."),
        Setting("port", "REGIOATLAS_PORT", "8000", "Port the server listens on."),
    )
}


def get(name: str) -> str:
    """The value of a setting: the environment variable if set, else the default.

    Example
    -------
    >>> get("host")  # doctest: +SKIP
    '127.0.0.1'
    """
    return SETTINGS[name].value()
