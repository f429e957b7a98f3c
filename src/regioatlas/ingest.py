"""Ingest: read files with a source, locate every participant, write one dataset atomically."""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from regioatlas.model import Dataset, InputError, RowError
from regioatlas.sources.base import ReadResult, Source
from regioatlas.sources.registry import available, get_source, recognise
from regioatlas.store.base import DatasetTail, Progress, Store

LOCATE_CHUNK = 20_000
#: rows a batched source reads at a time (one batch is what an ingest holds in memory)
BATCH_ROWS = 100_000


@dataclass
class IngestReport:
    """What an ingest did: the dataset written and the rows rejected (with --allow-partial)."""

    dataset: Dataset
    rejected: list[RowError] = field(default_factory=list)
    figures: int = 0
    #: what projects produced (deliverables, reports) the dataset holds
    outputs: int = 0

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


_paused = 0
_paused_lock = threading.Lock()
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an ingest runs (back on after the last one
    running in this process ends).

    Why: an ingest creates a few objects per cell (rows, participants, places, locations),
    none of them in a reference cycle, and keeps hundreds of thousands alive at once; each
    collection walks all of them again. Reading a 180,000-organisation CORDIS export took
    4.0 s with the collector and 2.4 s without (measured; with only the full collections
    made rare, 3.4 s). What is freed by reference counts is freed as before; cycles made
    meanwhile, also by requests a server answers during an upload's ingest, are collected when
    it is back on.
    """
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


@collector_paused()
def ingest(
    store: Store,
    source_name: str,
    paths: list[Path | str],
    *,
    allow_partial: bool = False,
    progress: Progress | None = None,
    locator=None,
    batch_rows: int = BATCH_ROWS,
    published: str | None = None,
    fetched_at: datetime | None = None,
) -> IngestReport:
    """Read ``paths`` with a source (``"auto"`` recognises it), locate, and store one dataset.

    Atomic: any problem leaves the store exactly as it was; row-level problems are fatal
    unless ``allow_partial``, which keeps the valid rows and reports the rejected ones.
    Idempotent: the same files again replace the dataset with identical rows. A source that
    reads in batches (``read_batches``: the lists of operations, CORDIS) is streamed: each
    batch is read, located and handed to the store's write before the next is read, so memory
    holds one batch (``batch_rows`` rows), not the whole dataset. ``published`` (the
    publication date or version) and ``fetched_at`` (when the files were downloaded) are kept
    with the dataset, with the years its rows cover.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> report = ingest(open_store(":memory:"), "auto", ["organization.csv", "project.csv"])  # doctest: +SKIP
    """
    from regioatlas.geo.locate import Locator

    files = [Path(p) for p in paths]
    if not files:
        raise InputError(RowError("", None, None, "no files given"))
    for path in files:
        if not path.is_file():
            raise InputError(RowError(str(path), None, None, "file not found"))
    source, recognised = choose_source(source_name, files)
    tick = progress or (lambda stage, done, total: None)
    run = _Run(files, locator or Locator(), allow_partial, tick)
    tick("read", 0, 1)
    read_batches = getattr(source, "read_batches", None)
    if read_batches is None:
        whole = source.read(files)
        run.check(whole)
        run.refuse_bad_input()  # before the write starts: no copy of the store for nothing
        batches: Iterable[ReadResult] = [whole]
    else:
        batches = read_batches(files, batch_rows)
        run.streaming = True

    def finish() -> DatasetTail:
        tick("read", 1, 1)
        run.refuse_bad_input()
        tick("locate", run.participants, run.participants)
        first = run.first or ReadResult()
        dataset = Dataset(
            id=dataset_id(source.name, files),
            source=source.name,
            files=[p.name for p in files],
            sha256=files_sha256(files),
            publisher=first.publisher or source.publisher,
            licence=first.licence or source.licence,
            attribution=first.attribution or source.attribution,
            ingested_at=datetime.now(UTC),
            project_count=run.projects,
            participant_count=run.participants,
            rejected_count=rejected_row_count(run.errors),
            location_report=run.tally.report() if run.participants else {},
            recognised_as=recognised or first.recognised_as,
            profile=first.profile,
            published=published,
            fetched_at=fetched_at,
            first_year=run.period()[0],
            last_year=run.period()[1],
        )
        return DatasetTail(dataset, run.figures, run.stations, run.station_values, run.outputs)

    tick("write", 0, 1)
    written: list[Dataset] = []

    def finish_and_keep() -> DatasetTail:
        tail = finish()
        written.append(tail.dataset)
        return tail

    store.write_dataset(dataset_id(source.name, files), run.located(batches), finish_and_keep)
    tick("write", 1, 1)
    return IngestReport(written[0], list(run.errors), len(run.figures), len(run.outputs))


class _Run:
    """One ingest's state across batches: what was read, rejected, counted and located."""

    def __init__(self, files: list[Path], locator, allow_partial: bool, tick: Progress):
        from regioatlas.geo.locate import LocationTally

        self.files, self.locator, self.allow_partial, self.tick = (
            files, locator, allow_partial, tick,
        )  # fmt: skip
        self.first: ReadResult | None = None
        self.first_had_projects = False
        self.errors: list[RowError] = []
        self.figures: list = []
        self.stations: list = []
        self.station_values: list = []
        self.outputs: list = []
        self.projects = self.participants = 0
        self.tally = LocationTally()
        self._last_checked: ReadResult | None = None
        self.streaming = False
        self.project_years: tuple[int | None, int | None] = (None, None)

    def check(self, result: ReadResult) -> None:
        """Take a batch's figures, stations and errors (once per batch)."""
        # by identity, not id(): a streamed batch is freed once written and the next batch may
        # get its id, which once skipped that batch's row errors
        if result is self._last_checked:
            return
        self._last_checked = result
        if self.first is None:
            # what the dataset row needs (who published it, what was read), not the rows: a
            # streamed batch must be freed once written
            self.first = replace(
                result, projects=[], participants=[], figures=[], stations=[],
                station_values=[], outputs=[], errors=[],
            )  # fmt: skip
            self.first_had_projects = bool(result.projects)
        _check_figures(result, self.locator.registry, self.files)
        self.errors.extend(result.errors)
        self.figures.extend(result.figures)
        self.stations.extend(result.stations)
        self.station_values.extend(result.station_values)
        self.outputs.extend(result.outputs)

    def refuse_bad_input(self) -> None:
        """InputError for rejected rows (unless allow_partial) or for nothing usable."""
        if self.errors and not self.allow_partial:
            raise InputError(self.errors)
        usable = self.projects or self.figures or self.station_values or self.outputs
        if not (usable or self.first_had_projects):
            names = ", ".join(map(str, self.files))
            raise InputError(RowError(names, None, None, "no usable rows in the input"))

    def located(self, batches: Iterable[ReadResult]) -> Iterator[tuple[list, list]]:
        """Each batch's projects and located participants, as the store's write takes them."""
        for result in batches:
            self.check(result)
            if self.errors and not self.allow_partial:
                continue  # read on to name every bad row, but write nothing more
            parts = result.participants
            for start in range(0, len(parts), LOCATE_CHUNK):
                chunk = parts[start : start + LOCATE_CHUNK]
                for part, loc in zip(chunk, self.locator.locate_many([p.place for p in chunk])):
                    part.location = loc
                self.tally.add([p.location for p in chunk])
                # a streamed source's total is known only at its end: say "not yet" until then
                total = self.participants + len(parts) + (1 if self.streaming else 0)
                self.tick("locate", self.participants + start + len(chunk), total)
            self.projects += len(result.projects)
            self.participants += len(parts)
            years = [y for y in (*self.project_years, *period_of(result.projects, [])) if y]
            self.project_years = (min(years), max(years)) if years else (None, None)
            yield result.projects, parts
            self._last_checked = None  # written: let the batch go (the last one, too)

    def period(self) -> tuple[int | None, int | None]:
        """The years the dataset covers: its projects' start years, else its figures' years,
        else the years its project outputs were published or updated."""
        if self.project_years[0] is not None:
            return self.project_years
        if self.figures or not self.outputs:
            return period_of([], self.figures)
        years = [int(o.date[:4]) for o in self.outputs if o.date]
        return (min(years), max(years)) if years else (None, None)


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


def source_titles() -> dict[str, str]:
    """Name → title of every source the ingest door knows, built-in profiles included (what
    the API shows beside a dataset's source name).

    Example
    -------
    >>> "cordis" in source_titles()
    True
    """
    return available()


def read_practices(source: str, paths: Sequence[Path], locator=None):
    """(the practice source, what it read from ``paths``): good practices come in through
    this door too, located by the same cascade.

    Example
    -------
    >>> from regioatlas.sources.practices_ecesp import shipped_file
    >>> reader, read = read_practices("ecesp", [shipped_file("ecesp")])  # doctest: +SKIP
    """
    from regioatlas.sources.practices_base import PRACTICE_SOURCES

    reader = PRACTICE_SOURCES.load(source)()
    return reader, reader.read([Path(p) for p in paths], locator)
