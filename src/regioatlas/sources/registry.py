"""One registry of sources on the plug-in door (:mod:`regioatlas.plugins`): name → dotted path.

Built-ins use the same door as plug-ins. Third parties register with
``register("my-source", "my_pkg.module:MySource")`` or through the ``regioatlas.sources``
entry-point group; a dotted path is accepted wherever a name is. Lists of operations are read
through declarative profiles (``regioatlas.sources.profile``): each built-in profile is a
source of its own name, and ``profile:PATH.toml`` loads a user's.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from regioatlas.model import InputError, RowError
from regioatlas.plugins import Registry, UnknownPlugin
from regioatlas.sources.base import Source

#: the built-in sources, name → "module:Class" (one line per source: add yours here)
BUILTIN_SOURCES: dict[str, str] = {
    "cordis": "regioatlas.sources.cordis:CordisExport",
    "cordis-he-sample": "regioatlas.sources.cordis:CordisHorizonEuropeSample",
    "cordis-h2020": "regioatlas.sources.cordis:CordisH2020Participations",
    "cordis-he-results": "regioatlas.sources.cordis_results:CordisHorizonEuropeResults",
    "keep-eu": "regioatlas.sources.keep_eu:KeepEuNuts3",
    "eurostat-population": "regioatlas.sources.eurostat:EurostatPopulation",
    "eurostat-tsv": "regioatlas.sources.eurostat_tables:EurostatTsv",
    "eurostat-sdmx-csv": "regioatlas.sources.eurostat_tables:EurostatSdmxCsv",
    "eurostat-csv": "regioatlas.sources.eurostat_tables:EurostatCsv",
    "digital-decade": "regioatlas.sources.digital_decade:DigitalDecadeCountries",
    "eurostat-regional-digital": "regioatlas.sources.digital_decade:EurostatRegionalDigital",
    "eea-aq": "regioatlas.sources.eea_aq:EeaAirQuality",
}

#: every source: the built-ins, the ``regioatlas.sources`` entry points, ``register()``
SOURCES = Registry("source", BUILTIN_SOURCES, group="regioatlas.sources")


class UnknownSource(UnknownPlugin):
    """A source name that no registry entry, built-in profile or dotted path provides."""


def register(name: str, target: str) -> None:
    """Register a source class under a name.

    Parameters
    ----------
    name : str
        The name users give to ``regioatlas ingest NAME``.
    target : str
        ``"package.module:Class"``; the class is instantiated without arguments.

    Example
    -------
    >>> register("my-list", "my_package.my_list:MyList")  # doctest: +SKIP
    >>> SOURCES.target("keep-eu")  # where a name points
    'regioatlas.sources.keep_eu:KeepEuNuts3'
    """
    SOURCES.register(name, target)


def _instance(obj: Any) -> Source:
    return obj() if isinstance(obj, type) else obj


def _profiles() -> ModuleType:
    # imported on use: profiles pull in TOML parsing that plain sources do not need
    from regioatlas.sources import profile

    return profile


def _profile_source(prof: Any) -> Source:
    from regioatlas.sources.profile_reader import ProfileSource

    return ProfileSource(prof)


def get_source(name: str) -> Source:
    """The source registered under ``name``, a built-in profile, ``profile:PATH``, or a dotted path.

    Raises
    ------
    UnknownSource
        Naming every available source (a not-found domain error).

    Example
    -------
    >>> get_source("keep-eu").title
    'keep.eu Interreg 2014-2020 projects, partners and budgets aggregated by NUTS 3'
    """
    if name in SOURCES.entries():
        return _instance(SOURCES.load(name))
    prof = _profiles()
    if name.startswith("profile:"):
        return _profile_source(prof.load_profile(Path(name.removeprefix("profile:"))))
    builtin = prof.builtin_profiles()
    if name in builtin:
        return _profile_source(builtin[name])
    if name in SOURCES:  # a dotted path
        return _instance(SOURCES.load(name))
    raise UnknownSource(
        f"unknown source {name!r}; available: {', '.join(sorted(available()))}, "
        "'auto', or 'profile:PATH.toml'",
        parameter="source",
    )


def available() -> dict[str, str]:
    """Name → title of every source, built-in profiles included.

    Example
    -------
    >>> "cordis" in available() and "fi-rakennerahastot" in available()
    True
    """
    out = {name: _instance(obj).title for name, obj in SOURCES.load_all().items()}
    for name, prof in _profiles().builtin_profiles().items():
        out[name] = prof.title
    return out


def recognise(paths: list[Path]) -> tuple[Source, str]:
    """Find the source whose layout these files have; InputError naming what was tried if none."""
    for path in paths:
        if not path.exists():
            raise InputError(RowError(str(path), None, None, "file not found"))
    for name in available():
        source = get_source(name)
        found = source.sniff(paths)
        if found:
            return source, found
    # a file that cannot be read at all has no layout: say why instead
    problems = [RowError(str(p), None, None, why) for p in paths if (why := _unreadable(p))]
    if problems:
        raise InputError(problems)
    raise InputError(
        RowError(
            ", ".join(str(p) for p in paths),
            None,
            None,
            "layout not recognised (tried: " + ", ".join(sorted(available())) + "); "
            "write a profile for it: `regioatlas profile suggest FILE > my.toml`, check it, then "
            "`regioatlas ingest profile:my.toml FILE`",
        )
    )


def _unreadable(path: Path) -> str | None:
    """Why a file has no layout to recognise (empty, truncated gzip), or None."""
    import gzip
    import zlib

    if path.suffix.lower() != ".gz":
        with path.open("rb") as f:
            return None if f.read(65536).strip() else "the file is empty"
    size = 0
    try:
        with gzip.open(path, "rb") as f:
            while block := f.read(1 << 20):
                size += len(block.strip())
    except EOFError:
        return "truncated gzip: the file ends before its end marker (an interrupted copy?)"
    except (OSError, zlib.error) as exc:
        return f"not a readable gzip file: {exc}"
    return None if size else "the file is empty"
