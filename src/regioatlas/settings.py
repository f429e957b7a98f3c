"""Settings, declared once: name, environment variable, default, help.

Precedence: command-line option > environment > settings file > default. The settings file is
TOML with the settings' names as keys (``store = "postgresql://..."``, ``workers = 4``), read
from ``$REGIOATLAS_CONFIG`` or else ``$XDG_CONFIG_HOME/regioatlas/regioatlas.toml``
(``~/.config/regioatlas/regioatlas.toml``); a missing file is no error, a broken one is.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from regioatlas.model.errors import BadInput

#: the environment variable naming the settings file
CONFIG_ENV = "REGIOATLAS_CONFIG"


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / "regioatlas"


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regioatlas"


def config_path() -> Path:
    """The settings file: ``$REGIOATLAS_CONFIG``, else the user's config folder.

    Example
    -------
    >>> config_path().name
    'regioatlas.toml'
    """
    given = os.environ.get(CONFIG_ENV)
    if given:
        return Path(given)
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "regioatlas" / "regioatlas.toml"


@dataclass(frozen=True)
class Setting:
    """One setting: its name (also its key in the settings file), environment variable,
    default, help, and what values it takes (``kind`` ``"text"``, ``"int"``, ``"choice"`` or
    ``"list"``: comma-separated, or a TOML list in the settings file)."""

    name: str
    env: str
    default: str
    help: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    minimum: int | None = None

    def value(self) -> str:
        """The value from the environment, else the settings file, else the default."""
        given = os.environ.get(self.env)
        if given:
            return self.checked(given, f"environment variable {self.env}")
        from_file = read_config().get(self.name)
        if isinstance(from_file, list) and self.kind == "list":
            from_file = ",".join(str(item) for item in from_file)
        if from_file is not None:
            return self.checked(str(from_file), f"{config_path()}, key {self.name!r}")
        return self.default

    def checked(self, value: str, origin: str) -> str:
        """``value`` if this setting can take it, else BadInput naming ``origin`` and why."""
        if self.kind == "int":
            try:
                number = int(value)
            except ValueError:
                raise BadInput(
                    f"{origin}: {value!r} is not a whole number", parameter=self.name
                ) from None
            if self.minimum is not None and number < self.minimum:
                raise BadInput(
                    f"{origin}: {number} is below the minimum {self.minimum}", parameter=self.name
                )
        if self.kind == "choice" and value not in self.choices:
            raise BadInput(
                f"{origin}: {value!r} is not one of {', '.join(self.choices)}", parameter=self.name
            )
        return value


MIB = 1024 * 1024

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
        Setting("port", "REGIOATLAS_PORT", "8000", "Port the server listens on.", "int", (), 0),
        Setting(
            "workers",
            "REGIOATLAS_WORKERS",
            "1",
            "Server processes of `regioatlas serve`. Every one serves reads and writes, on "
            "both stores (a DuckDB file is written through new versions of it).",
            "int",
            (),
            1,
        ),
        Setting(
            "read_replicas",
            "REGIOATLAS_READ_REPLICAS",
            "",
            "PostgreSQL streaming replicas to send reads to (comma-separated URLs; a TOML list "
            "in the settings file). Writes, and the reads of a process until a replica has "
            "replayed its last write, go to the primary; so does every read when no replica "
            "is fit (down, or lagging more than `replica_max_lag`).",
            "list",
        ),
        Setting(
            "replica_max_lag",
            "REGIOATLAS_REPLICA_MAX_LAG",
            "10",
            "Seconds a replica may lag the primary and still answer reads.",
            "int",
            (),
            0,
        ),
        Setting(
            "auth",
            "REGIOATLAS_AUTH",
            "public",
            "Who may read the API: `public` (anyone) or `viewer` (a token of any role). "
            "Writes always need an editor token or higher.",
            "choice",
            ("public", "viewer"),
        ),
        Setting(
            "upload_max_bytes",
            "REGIOATLAS_UPLOAD_MAX_BYTES",
            str(200 * MIB),
            "Largest upload to POST /api/datasets, in bytes (all files together); a larger one "
            "is refused with 413 while it is read, before it is stored.",
            "int",
            (),
            1,
        ),
        Setting(
            "auth_max_failures",
            "REGIOATLAS_AUTH_MAX_FAILURES",
            "10",
            "Failed token attempts a client address may make per window before it gets 429 "
            "(counted per server process).",
            "int",
            (),
            1,
        ),
        Setting(
            "auth_failure_window",
            "REGIOATLAS_AUTH_FAILURE_WINDOW",
            "60",
            "The window of `auth_max_failures`, in seconds.",
            "int",
            (),
            1,
        ),
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
        Setting(
            "fetch_timeout",
            "REGIOATLAS_FETCH_TIMEOUT",
            "60",
            "Seconds a download may stall.",
            "int",
            (),
            1,
        ),
        Setting(
            "fetch_retries",
            "REGIOATLAS_FETCH_RETRIES",
            "4",
            "Attempts after a failed download (timeouts, HTTP 5xx/429), with backoff.",
            "int",
            (),
            0,
        ),
    )
}


def read_config(path: Path | None = None) -> dict:
    """The settings file's values (empty when there is no file).

    A file that is not TOML, or holds a key that is no setting, is BadInput naming the file
    and the problem.

    Example
    -------
    >>> read_config(Path("/nonexistent/regioatlas.toml"))
    {}
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BadInput(f"settings file {path}: {exc.strerror}", parameter=CONFIG_ENV) from exc
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"settings file {path}: not TOML: {exc}", parameter=CONFIG_ENV) from exc
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise BadInput(
            f"settings file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(SETTINGS)}",
            parameter=CONFIG_ENV,
        )
    return values


def get(name: str) -> str:
    """The value of a setting: the environment variable, else the settings file, else the default.

    Example
    -------
    >>> get("auth")  # doctest: +SKIP
    'public'
    """
    return SETTINGS[name].value()


def get_int(name: str) -> int:
    """The value of a whole-number setting (``workers``, ``upload_max_bytes``, ...).

    Example
    -------
    >>> get_int("workers")  # doctest: +SKIP
    1
    """
    setting = SETTINGS[name]
    if setting.kind != "int":
        raise TypeError(f"setting {name!r} is not a number")
    return int(setting.value())


def get_list(name: str) -> list[str]:
    """The items of a list setting (``read_replicas``): comma-separated, blanks dropped.

    Example
    -------
    >>> get_list("read_replicas")  # doctest: +SKIP
    ['postgresql://atlas@replica1/atlas']
    """
    setting = SETTINGS[name]
    if setting.kind != "list":
        raise TypeError(f"setting {name!r} is not a list")
    return [item.strip() for item in setting.value().split(",") if item.strip()]
