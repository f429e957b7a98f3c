"""The narrow storage interface. DuckDB (embedded, default) and PostGIS implement it alike.

Everything a store returns is plain data (dicts, model objects); callers never see SQL.
Every store passes the one contract suite in tests/test_store_contract.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from regioatlas.model import Dataset, Participant, Project, RegioAtlasError, RegionFigure
from regioatlas.model.query import Page, ProjectFilter

Progress = Callable[[str, int, int], None]


class StoreError(RegioAtlasError):
    """A store operation that cannot be done (conflict, schema too new, ...)."""


class Store(ABC):
    """Projects, participants (with locations), region figures and datasets.

    Writes are whole datasets: ``replace_dataset`` is atomic, so a failing ingest leaves the
    store exactly as it was, and writing the same dataset twice gives the same store.
    """

    #: the schema version this code writes; ``migrate`` brings older stores up to it
    SCHEMA_VERSION: int = 3  # 3: projects.public_funding_eur/_original (EU + national)

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
    ) -> None:
        """Atomically put a dataset in place of any earlier dataset with the same id.

        Raises StoreError, changing nothing, when a project id belongs to another dataset.
        """

    @abstractmethod
    def remove_dataset(self, dataset_id: str) -> None: ...

    @abstractmethod
    def export_dataset(
        self, dataset_id: str
    ) -> tuple[Dataset, list[Project], list[Participant], list[RegionFigure]]:
        """Everything of one dataset, as ``replace_dataset`` takes it (to copy a store).

        Raises NotFound when there is no such dataset.
        """

    @abstractmethod
    def datasets(self) -> list[Dataset]: ...

    @abstractmethod
    def query_projects(self, flt: ProjectFilter, page: Page) -> tuple[int, list[dict]]:
        """(total matching, one page of project rows)."""

    @abstractmethod
    def project(self, project_id: str) -> dict | None:
        """One project with its participants and their locations, or None."""

    @abstractmethod
    def aggregate(self, level: int, flt: ProjectFilter) -> list[dict]:
        """Per region of ``level``: projects, participations, EU contribution (EUR)."""

    @abstractmethod
    def breakdown(self, by: str, flt: ProjectFilter) -> list[dict]:
        """Projects, participations and EU contribution by ``year`` (start), ``org_type``,
        ``source``, ``programme`` or locating ``method``, under the filters."""

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
    def project_records(self) -> list[dict]:
        """Every project with what analyses need: id, source, programme, fund, title, acronym,
        objective, topics (list), start_date, end_date, country, language, eu_contribution_eur,
        and from its participants: ``regions`` (distinct NUTS 3 codes, else the finest known),
        ``countries`` (NUTS 0) and ``organisations`` (org ids, else names)."""

    @abstractmethod
    def data_version(self) -> str:
        """A token that changes whenever any dataset is written or removed (cache key)."""

    @abstractmethod
    def facets(self) -> dict[str, list]:
        """Distinct values for the filters: sources, programmes, funds, countries, org types."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
