"""Field-by-field parsing of one row that turns every failure into a RowError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from regioatlas.model import RowError
from regioatlas.sources.parsing import clean, parse_amount, parse_bool, parse_date

T = TypeVar("T")


class RowParser:
    """Parse cells of one row; collect errors instead of raising.

    Example
    -------
    >>> rp = RowParser("f.csv", 7, {"totalCost": "1971987,5"})
    >>> rp.amount("totalCost")
    1971987.5
    >>> rp.ok
    True
    """

    def __init__(self, file: str, line: int, row: dict[str, str | None]):
        self.file, self.line, self.row = file, line, row
        self.errors: list[RowError] = []

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, column: str) -> str | None:
        value = self.row.get(column)
        if value.__class__ is str:  # the common case, inline: called per cell of large files
            return value.strip() or None
        return clean(value)

    def _parse(self, column: str, fn: Callable[[str], T]) -> T | None:
        raw = self.row.get(column)
        if raw is None or not str(raw).strip():
            return None
        try:
            return fn(raw)
        except ValueError as exc:
            self.errors.append(RowError(self.file, self.line, column, str(exc), str(raw)))
            return None

    def amount(self, column: str, decimal: str = "auto", negative_ok: bool = False) -> float | None:
        value = self._parse(column, lambda s: parse_amount(s, decimal))
        if value is not None and value < 0 and not negative_ok:
            self.errors.append(
                RowError(self.file, self.line, column, "negative amount", self.row.get(column))
            )
            return None
        return value

    def date(self, column: str, style: str = "iso") -> dt.date | None:
        return self._parse(column, lambda s: parse_date(s, style))

    def flag(self, column: str) -> bool | None:
        return self._parse(column, parse_bool)

    def check_period(self, start: dt.date | None, end: dt.date | None, end_column: str) -> None:
        if start and end and end < start:
            self.errors.append(
                RowError(
                    self.file,
                    self.line,
                    end_column,
                    f"end date {end} is before start date {start}",
                    str(end),
                )
            )
