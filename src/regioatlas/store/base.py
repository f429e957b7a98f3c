"""The narrow storage interface. DuckDB (embedded, default) and PostGIS implement it alike.

Everything a store returns is plain data (dicts, model objects); callers never see SQL.
Every store passes the one contract suite in tests/test_store_contract.py.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit, urlunsplit

from regioatlas import settings
from regioatlas.model import Dataset, Participant, Project, RegionFigure
from regioatlas.model.errors import Conflict, NotFound, Unavailable
from regioatlas.model.expressions import Call
from regioatlas.model.outputs import ProjectOutput
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.stations import Station, StationValue

Progress = Callable[[str, int, int], None]


class StoreError(Conflict):
    """A store operation that cannot be done (conflict, schema too new, ...)."""


class StoreUnavailable(Unavailable, StoreError):
    """A store that cannot be reached now (a database server down or refusing), or a file
    held by another process."""


class StoreNotFound(NotFound, StoreError):
    """No store at the URL (opening for reading never creates one)."""


@dataclass
class DatasetTail:
    """What a batched write learns last: the dataset row (its counts and location report need
    every batch) and the rows that do not come in batches."""

    dataset: Dataset
    figures: list[RegionFigure] = field(default_factory=list)
    stations: Sequence[Station] = ()
    station_values: Sequence[StationValue] = ()
    #: what projects produced (deliverables, periodic reports), published by this dataset
    outputs: Sequence[ProjectOutput] = ()


class Store(ABC):
    """Projects, participants (with locations), region figures, measuring stations with their
    hourly values, and datasets.

    Writes are whole datasets: ``replace_dataset`` is atomic, so a failing ingest leaves the
    store exactly as it was, and writing the same dataset twice gives the same store.
    """

    #: the schema version this code writes; ``migrate`` brings older stores up to it
    #: 3: stations; 4: public funding; 5: tokens, jobs, audit; 6: summary rows; 7: practices;
    #: 8: dataset freshness; 9: the write counter; 10: project outputs
    SCHEMA_VERSION: int = 10

    #: the URL the store was opened from (``duckdb:///abs/path.duckdb``, ``postgresql://...``)
    url: str = ""
    #: opened for reading only: every write raises (the API answers its writes with 503)
    read_only: bool = False

    # --- opening: what lets callers hold a URL, never a file path -----------------------
    @classmethod
    def from_url(cls, url: str, read_only: bool = False) -> Self:
        """Open the store at ``url`` (a kind whose constructor takes the URL needs no override)."""
        store = cls(url, read_only=read_only)  # type: ignore[call-arg]
        store.url = url
        return store

    @classmethod
    def exists_at(cls, url: str) -> bool:
        """True when there is a store at ``url`` (opened for reading, never created)."""
        try:
            with cls.from_url(url, read_only=True) as store:
                return store.schema_version() > 0
        except StoreNotFound:
            return False

    def cache_dir(self) -> Path | None:
        """A directory for data derived from this store (indexes), or None to keep it in memory.

        By default a folder of the ``cache`` setting named by a hash of the URL (without its
        password), so that every process serving the same store shares it; a file store
        overrides this to keep it beside its file.
        """
        parts = urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")[2]
        user = parts.username or ""
        public = urlunsplit(parts._replace(netloc=f"{user}@{netloc}" if user else netloc))
        key = hashlib.sha256(public.encode()).hexdigest()[:16]
        return Path(settings.get("cache")) / f"{parts.scheme or 'store'}-{key}"

    @abstractmethod
    def migrate(self) -> int:
        """Create or upgrade the schema; return the version now in place."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the store (0 for an empty one)."""

    @abstractmethod
    def replace_dataset(
        self,
        dataset: Dataset,
        projects: list[Project],
        participants: list[Participant],
        figures: list[RegionFigure],
        *,
        stations: Sequence[Station] = (),
        station_values: Sequence[StationValue] = (),
        outputs: Sequence[ProjectOutput] = (),
    ) -> None:
        """Atomically put a dataset in place of any earlier dataset with the same id.

        ``stations`` and ``station_values`` (EEA air quality) and ``outputs`` (what projects
        produced) belong to the dataset like its projects and figures: replaced and removed
        with it.

        Raises StoreError, changing nothing, when a project id belongs to another dataset.
        """

    def write_dataset(
        self,
        dataset_id: str,
        batches: Iterable[tuple[list[Project], list[Participant]]],
        finish: Callable[[], DatasetTail],
    ) -> None:
        """Atomically put a dataset read in batches in place of any earlier one with that id.

                ``batches`` is consumed inside the write, so a store that streams them holds one batch
                at a time (1.5 million operations need not fit in memory as objects); ``finish`` is
                called after the last batch and gives the dataset row and the rest of its rows. An
                exception from either (an ``InputError`` of the ingest) leaves the store unchanged.
                This default gathers the batches and calls ``replace_dataset``; the SQL stores stream.

                Example
                -------
                >>> from regioatlas.store import open_store
                >>> from dataclasses import dataclass, field
        from datetime import datetime
                >>> d = Dataset("s:f", "s", ["f.csv"], "0" * 64, "p", "CC BY 4.0", "a", datetime(2026, 1, 1))
                >>> store = open_store(":memory:")
                >>> store.write_dataset(d.id, [([Project("s:1", "s", "1")], [])], lambda: DatasetTail(d))
                >>> store.datasets()[0].project_count
                1
        """
        projects: list[Project] = []
        participants: list[Participant] = []
        for batch_projects, batch_participants in batches:
            projects.extend(batch_projects)
            participants.extend(batch_participants)
        tail = finish()
        self.replace_dataset(
            tail.dataset,
            projects,
            participants,
            tail.figures,
            stations=tail.stations,
            station_values=tail.station_values,
            outputs=tail.outputs,
        )

    @abstractmethod
    def figures_of_source(self, source: str) -> list[tuple[str, RegionFigure]]:
        """(dataset id, figure) of every figure of the datasets of one source, in one query
        (the NGSI-LD entities publishers wrote: thousands of small datasets)."""

    @abstractmethod
    def remove_dataset(self, dataset_id: str) -> None: ...

    @abstractmethod
    def append_small_dataset(
        self, dataset: Dataset, figures: list[RegionFigure], audit: dict | None = None
    ) -> list[str]:
        """Add a new dataset of a few region figures (and its audit entry) in one short
        transaction: the cheap write of NGSI-LD publications, many per second.

        All or nothing like ``replace_dataset``, but it only adds: nothing is replaced. It
        writes nothing and returns the clashing names when a dataset with the same id exists
        or one of ``dataset.files`` is already a file of another dataset of the same source
        (for NGSI-LD: the entity ids, which must be unique); otherwise it returns ``[]``.
        """

    @abstractmethod
    def export_dataset(
        self, dataset_id: str
    ) -> tuple[
        Dataset,
        list[Project],
        list[Participant],
        list[RegionFigure],
        list[Station],
        list[StationValue],
        list[ProjectOutput],
    ]:
        """Everything of one dataset, read from one snapshot, as ``replace_dataset`` takes it
        (to copy a store): dataset, projects, participants, figures, stations, station values,
        outputs.

        Raises NotFound when there is no such dataset.
        """

    @abstractmethod
    def datasets(self) -> list[Dataset]: ...

    @abstractmethod
    def query_projects(self, flt: ProjectFilter, page: Page) -> tuple[int, list[dict]]:
        """(total matching, one page of project rows)."""

    @abstractmethod
    def features(
        self,
        collection: str,
        where: Call | bool | None = None,
        sortby: Sequence[tuple[str, bool]] = (),
        limit: int = 10,
        offset: int = 0,
        count: bool = True,
    ) -> tuple[int | None, list[dict]]:
        """(number matched, one page of rows) of an OGC API feature collection.

        ``count=False`` skips the count (None then): a caller that knows it for this data
        version (the next page of the same filter) saves the scan of the whole table.

        ``collection`` is ``projects``, ``operations`` or ``participants``
        (``sql.FEATURE_SOURCES``); ``where`` a filter tree of ``model.expressions`` whose
        geometry literals carry the region codes they match; ``sortby`` (property,
        descending) pairs. Each row has ``id``, the properties, ``region``, ``lon`` and ``lat``.
        A property the collection does not have is a ``BadInput`` on ``filter``.
        """

    @abstractmethod
    def project(self, project_id: str) -> dict | None:
        """One project with its participants and their locations, or None."""

    @abstractmethod
    def project_outputs(self, project_id: str, limit: int = 200) -> tuple[int, list[dict]]:
        """(how many outputs the project has, up to ``limit`` of them newest first): each with
        ``dataset_id``, ``kind``, ``id``, ``title``, ``type``, ``url`` and ``date``. A
        project's outputs are those of its number and programme, whichever dataset published
        them; (0, []) for a project with none or no such project."""

    @abstractmethod
    def participants(self, flt: ProjectFilter) -> list[dict]:
        """Every participation (participant columns and location) of a project matching the
        project filters, itself matching the place and organisation filters; ordered by
        project id and sequence."""

    @abstractmethod
    def aggregate(self, level: int, flt: ProjectFilter) -> list[dict]:
        """Per region of ``level``: projects, participations, EU contribution (EUR)."""

    @abstractmethod
    def breakdown(self, by: str, flt: ProjectFilter) -> list[dict]:
        """Projects, participations and EU contribution by ``year`` (start), ``org_type``,
        ``source``, ``programme``, ``theme`` (the first topic) or locating ``method``, under
        the filters."""

    @abstractmethod
    def search(self, text: str, limit: int = 10) -> dict[str, list[dict]]:
        """Projects (title or acronym) and organisations (name) containing ``text``."""

    @abstractmethod
    def figures(
        self,
        indicator: str | None,
        version: int | None = None,
        year: int | None = None,
        codes: list[str] | None = None,
    ) -> list[RegionFigure]:
        """Region figures, optionally of one indicator, NUTS version, year and codes."""

    @abstractmethod
    def stations(self, dataset_id: str) -> list[Station]:
        """The measuring stations of a dataset, by id."""

    @abstractmethod
    def station_values(self, dataset_id: str, pollutant: str | None = None) -> list[StationValue]:
        """The hourly values of a dataset's stations (optionally of one pollutant), ordered by
        station, pollutant and time."""

    @abstractmethod
    def project_records(self) -> list[dict]:
        """Every project with what analyses need: id, source, programme, fund, title, acronym,
        objective, topics (list), start_date, end_date, country, language, eu_contribution_eur,
        and from its participants: ``regions`` (distinct NUTS 3 codes, else the finest known),
        ``countries`` (NUTS 0) and ``organisations`` (org ids, else names)."""

    @abstractmethod
    def data_version(self) -> str:
        """A token that changes whenever any dataset is written or removed (cache key)."""

    @property
    def local_data_version(self) -> bool:
        """True when ``data_version()`` reads memory only (no query): callers on an event loop
        may then call it there instead of in a thread."""
        return False

    @abstractmethod
    def facets(self) -> dict[str, list]:
        """Distinct values for the filters: sources, programmes, funds, countries, org types."""

    # --- server mode: tokens, write jobs and their locks, the audit log ---------------------
    @abstractmethod
    def add_token(self, name: str, role: str, token_sha256: str, created_at: datetime) -> None:
        """Keep a new API token by its hash; Conflict when a token has had that name."""

    @abstractmethod
    def tokens(self) -> list[dict]:
        """Every token (name, role, created_at, revoked_at; never the hash), by name."""

    @abstractmethod
    def token_by_hash(self, token_sha256: str) -> dict | None:
        """The unrevoked token with this hash (name, role, token_sha256, created_at), or None."""

    @abstractmethod
    def revoke_token(self, name: str, at: datetime) -> None:
        """Revoke the token ``name``; NotFound when there is no unrevoked token of that name."""

    @abstractmethod
    def begin_job(self, job: dict, stale_before: datetime) -> None:
        """Record a new job (``sql.JOB_COLUMNS``; ``result`` a dict or None) and take the write
        lock of its ``target`` in one transaction.

        Locks taken before ``stale_before`` are dropped first and their jobs marked failed
        (their process died). Raises Conflict, recording nothing, when another job holds the
        lock of the target.
        """

    @abstractmethod
    def update_job(self, job_id: str, **fields) -> None:
        """Change fields of a job (``sql.JOB_UPDATABLE``); a final ``status`` frees its lock."""

    @abstractmethod
    def job(self, job_id: str) -> dict | None:
        """One job (``result`` as a dict), or None."""

    @abstractmethod
    def append_audit(self, entry: dict) -> None:
        """Append one audit entry (``sql.AUDIT_COLUMNS``; ``details`` a dict). There is no
        method to change or remove one."""

    @abstractmethod
    def audit_entries(self, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
        """(total, a page of audit entries, newest first; ``details`` as a dict)."""

    def server_rows(self, table: str) -> list[tuple]:
        """Every row of ``tokens``, ``jobs`` or ``audit`` as stored (columns as in ``sql``,
        hashes and JSON text included), by key: what a copy or a backup carries."""
        raise StoreError(f"a {type(self).__name__} cannot copy its {table}")

    def add_server_rows(self, table: str, rows: list[tuple]) -> None:
        """Insert rows as ``server_rows`` gives them, in one transaction; a row whose key the
        store has already is left as it is (the audit log is only ever appended to)."""
        raise StoreError(f"a {type(self).__name__} cannot take copied {table}")

    # --- the good-practice exchange: every version of practices, plans and transfers ---------
    @abstractmethod
    def add_practice_versions(self, rows: Sequence[dict]) -> None:
        """Append versions (``sql.PRACTICE_VERSION_COLUMNS``; ``document`` a dict) in one
        transaction. Raises StoreError, appending nothing, when a (kind, id, version) exists
        (someone saved that item meanwhile). There is no method to change or remove one."""

    @abstractmethod
    def practice_versions(
        self, kind: str, item_id: str | None = None, latest: bool = False
    ) -> list[dict]:
        """Versions of items of ``kind`` (``document`` as a dict), by id then version: every
        version of one item (``item_id``), or of all items, or only the latest of each."""

    @abstractmethod
    def practice_data_version(self) -> str:
        """A token that changes whenever a practice, plan or transfer version is appended."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
