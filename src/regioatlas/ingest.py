"""Ingest: read files with a source, locate every participant, write one dataset atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from regioatlas.model import Dataset, InputError, RowError
from regioatlas.sources.base import ReadResult, Source
from regioatlas.sources.registry import get_source, recognise
from regioatlas.store.base import Progress, Store

LOCATE_CHUNK = 20_000


@dataclass
class IngestReport:
    """What an ingest did: the dataset written and the rows rejected (with --allow-partial)."""

    dataset: Dataset
    rejected: list[RowError] = field(default_factory=list)
    figures: int = 0

    @property
    def rejected_rows(self) -> int:
        """Rows rejected (one row can have several errors: ``len(rejected)`` counts errors)."""
        return rejected_row_count(self.rejected)


def rejected_row_count(errors: list[RowError]) -> int:
    """Distinct (file, line) among row errors; an error of no line counts once on its own.

    Example
    -------
    >>> rejected_row_count([RowError("a.csv", 3, "x", "bad"), RowError("a.csv", 3, "y", "bad")])
    1
    """
    return len({(e.file, e.line) if e.line is not None else id(e) for e in errors})


def files_sha256(paths: list[Path]) -> str:
    """One SHA-256 over the files' bytes, in the order of their sorted names."""
    h = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def dataset_id(source: str, paths: list[Path]) -> str:
    """Stable id of a dataset: the source and the files' names (so re-ingesting replaces)."""
    return f"{source}:{'+'.join(sorted(p.name for p in paths))}"


def _check_figures(result: ReadResult, registry, files: list[Path]) -> None:
    """Keep figures whose code is valid in their NUTS version.

    Statistical tables carry history: a 2026 Eurostat table still holds 2016-2020 values for
    codes discontinued since (FI1C3, UK...). Such a value is kept and stated in the latest
    version its code belongs to; a code valid in no version is a row error.
    """
    kept = []
    for fig in result.figures:
        if registry.is_valid(fig.nuts_code, fig.nuts_version):
            kept.append(fig)
            continue
        versions = registry.versions_of(fig.nuts_code)
        if versions:
            fig.nuts_version = versions[-1]
            kept.append(fig)
            continue
        result.errors.append(
            RowError(
                ", ".join(p.name for p in files),
                fig.source_line,
                "NUTS code",
                f"not a NUTS code of any version (stated NUTS {fig.nuts_version})",
                fig.nuts_code,
            )
        )
    result.figures = kept


def choose_source(source_name: str, files: list[Path]) -> tuple[Source, str | None]:
    """The source that reads ``files``: the one named, or for ``"auto"`` the one whose layout
    they have (with what was recognised); InputError naming what was tried if none."""
    if source_name == "auto":
        return recognise(files)
    return get_source(source_name), None


def ingest(
    store: Store,
    source_name: str,
    paths: list[Path | str],
    *,
    allow_partial: bool = False,
    progress: Progress | None = None,
    locator=None,
    published: str | None = None,
    fetched_at: datetime | None = None,
) -> IngestReport:
    """Read ``paths`` with a source (``"auto"`` recognises it), locate, and store one dataset.

    Atomic: any problem before the final write leaves the store exactly as it was; row-level
    problems are fatal unless ``allow_partial``, which keeps the valid rows and reports the
    rejected ones. Idempotent: the same files again replace the dataset with identical rows.
    ``published`` (the publication date or version) and ``fetched_at`` (when the files were
    downloaded) are kept with the dataset, with the years its rows cover.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> report = ingest(open_store(":memory:"), "auto", ["organization.csv", "project.csv"])  # doctest: +SKIP
    """
    from regioatlas.geo.locate import Locator, location_report

    files = [Path(p) for p in paths]
    if not files:
        raise InputError(RowError("", None, None, "no files given"))
    for path in files:
        if not path.is_file():
            raise InputError(RowError(str(path), None, None, "file not found"))
    source, recognised = choose_source(source_name, files)
    tick = progress or (lambda stage, done, total: None)
    tick("read", 0, 1)
    result = source.read(files)
    tick("read", 1, 1)
    locator = locator or Locator()
    _check_figures(result, locator.registry, files)
    if result.errors and not allow_partial:
        raise InputError(result.errors)
    if not result.projects and not result.figures and not result.station_values:
        raise InputError(
            RowError(", ".join(map(str, files)), None, None, "no usable rows in the input")
        )

    parts = result.participants
    locations = []
    for start in range(0, len(parts), LOCATE_CHUNK):
        chunk = parts[start : start + LOCATE_CHUNK]
        locations.extend(locator.locate_many([p.place for p in chunk]))
        tick("locate", min(start + LOCATE_CHUNK, len(parts)), len(parts))
    for part, loc in zip(parts, locations):
        part.location = loc

    first_year, last_year = period_of(result.projects, result.figures)
    dataset = Dataset(
        id=dataset_id(source.name, files),
        source=source.name,
        files=[p.name for p in files],
        sha256=files_sha256(files),
        publisher=result.publisher or source.publisher,
        licence=result.licence or source.licence,
        attribution=result.attribution or source.attribution,
        ingested_at=datetime.now(UTC),
        project_count=len(result.projects),
        participant_count=len(parts),
        rejected_count=rejected_row_count(result.errors),
        location_report=location_report(locations) if parts else {},
        recognised_as=recognised or result.recognised_as,
        profile=result.profile,
        published=published,
        fetched_at=fetched_at,
        first_year=first_year,
        last_year=last_year,
    )
    tick("write", 0, 1)
    store.replace_dataset(
        dataset,
        result.projects,
        parts,
        result.figures,
        stations=result.stations,
        station_values=result.station_values,
    )
    tick("write", 1, 1)
    return IngestReport(dataset, list(result.errors), len(result.figures))


def period_of(projects, figures) -> tuple[int | None, int | None]:
    """The first and last year a dataset's rows cover: its projects' start years, else its
    figures' reference years (None, None when the rows carry no year).

    Example
    -------
    >>> from datetime import date
    >>> from regioatlas.model import Project
    >>> period_of([Project("s:1", "s", "1", start_date=date(2015, 3, 1)),
    ...            Project("s:2", "s", "2", start_date=date(2019, 1, 1))], [])
    (2015, 2019)
    """
    years = [p.start_date.year for p in projects if p.start_date is not None]
    if not years:
        years = [f.year for f in figures if f.year is not None]
    return (min(years), max(years)) if years else (None, None)
