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
        Setting(
            "public_url",
            "REGIOATLAS_PUBLIC_URL",
            "",
            "The URL people reach the server at (https://atlas.example.eu): the base of the "
            "DCAT-AP catalogue's URIs and permalinks; empty: http://<host>:<port>.",
        ),
        Setting(
            "fetch_cache",
            "REGIOATLAS_FETCH_CACHE",
            str(_data_home() / "downloads"),
            "Folder `regioatlas fetch` keeps downloads and their manifests in.",
        ),
        Setting(
            "fetch_base_url",
            "REGIOATLAS_FETCH_BASE_URL",
            "",
            "A mirror for every remote source (same paths as the publishers); empty: the publishers.",
        ),
        Setting(
            "fetch_proxy",
            "REGIOATLAS_FETCH_PROXY",
            "",
            "HTTP(S) proxy for downloads; empty: the usual http_proxy/https_proxy environment.",
        ),
        Setting("fetch_timeout", "REGIOATLAS_FETCH_TIMEOUT", "60", "Seconds a download may stall."),
        Setting(
            "fetch_retries",
            "REGIOATLAS_FETCH_RETRIES",
            "4",
            "Attempts after a failed download (timeouts, HTTP 5xx/429), with backoff.",
        ),
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
