"""Typed errors. Every input problem names the file, line, column and reason."""

from __future__ import annotations

from dataclasses import dataclass


class RegioAtlasError(Exception):
    """Base class of every error RegioAtlas raises on purpose."""


class NotFound(RegioAtlasError):
    """A region, project or dataset that is not there."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one place of an input file.

    ``line`` is the 1-based physical line in the file (the header is line 1), or None
    when the problem concerns the whole file.
    """

    file: str
    line: int | None
    column: str | None
    reason: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.reason}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "value": self.value,
        }


class InputError(RegioAtlasError):
    """Input that cannot be used; carries one or more RowErrors."""

    def __init__(self, errors: list[RowError] | RowError):
        self.errors = [errors] if isinstance(errors, RowError) else list(errors)
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = len(self.errors) - 20
        if more > 0:
            shown += f"\n... and {more} more"
        super().__init__(shown)
