"""The contract every source reader fulfils, and what a read returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from regioatlas.model import Participant, Project, RegionFigure, RowError
from regioatlas.model.outputs import ProjectOutput
from regioatlas.model.stations import Station, StationValue


@dataclass(slots=True)
class ReadResult:
    """Model rows read from files, plus the row-level problems met on the way.

    A reader never raises for a row-level problem: it records a RowError and skips the row
    (the ingest decides, from ``--allow-partial``, whether that is fatal). File-level problems
    (missing columns, wrong delimiter, empty file) raise ``InputError``.
    """

    projects: list[Project] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    figures: list[RegionFigure] = field(default_factory=list)
    #: measuring stations and their hourly values (EEA air quality)
    stations: list[Station] = field(default_factory=list)
    station_values: list[StationValue] = field(default_factory=list)
    #: what projects produced (CORDIS deliverables and periodic reports)
    outputs: list[ProjectOutput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: what the reader recognised, in words, e.g. "CORDIS organization.csv (official layout)"
    recognised_as: str = ""
    #: name of the profile used, for profile-driven sources
    profile: str | None = None
    #: publisher, licence, attribution: may override the source's defaults (profiles do)
    publisher: str | None = None
    licence: str | None = None
    attribution: str | None = None


class Source(Protocol):
    """A reader of one real published layout.

    Built-in sources and third-party ones register the same way: see ``regioatlas.sources``.
    """

    name: str
    title: str
    publisher: str
    licence: str
    attribution: str

    def sniff(self, paths: list[Path]) -> str | None:
        """Return a description of the recognised layout, or None when these are not ours."""
        ...

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        """Read the files into model rows."""
        ...
