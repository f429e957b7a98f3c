"""What a caller may ask of the store: filters, paging and sorting, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ORG_TYPES = ("HES", "PRC", "REC", "PUB", "OTH")
PROJECT_SORTS = ("title", "start_date", "end_date", "eu_contribution_eur", "total_cost_eur", "id")


@dataclass(slots=True)
class ProjectFilter:
    """The atlas filters. Every field narrows; empty means no restriction.

    ``region`` is a NUTS code of any level in ``version``; a project matches when one of its
    participants is located in it. ``period_from``/``period_to`` keep projects whose run
    overlaps the period. ``text`` searches title, acronym, objective and topics.
    """

    sources: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    funds: list[str] = field(default_factory=list)
    text: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    countries: list[str] = field(default_factory=list)
    region: str | None = None
    org_types: list[str] = field(default_factory=list)
    version: int = 2024


@dataclass(slots=True)
class Page:
    limit: int = 50
    offset: int = 0
    sort: str = "id"
    descending: bool = False
