"""Typed errors. Every input problem names the file, line, column and reason."""

from __future__ import annotations

from dataclasses import dataclass


class RegioAtlasError(Exception):
    """Base class of every error RegioAtlas raises on purpose.

    Errors carry their meaning through their class (not found, bad input, conflict,
    unavailable, ...); ``regioatlas.api.problems`` holds the one map from these classes to HTTP
    problem responses and CLI exit codes. ``parameter`` names the request parameter or
    command option at fault, when there is one.
    """

    def __init__(self, message: str = "", *, parameter: str | None = None, **extra):
        super().__init__(message)
        self.parameter = parameter
        self.extra = extra


class NotFound(RegioAtlasError):
    """A region, project, dataset or other thing asked for by name that is not there."""


class BadInput(RegioAtlasError):
    """A parameter or option value that cannot be used (wrong type, out of range, unknown)."""


class Unprocessable(RegioAtlasError):
    """Well-formed input that cannot be processed as asked (e.g. a project without text)."""


class TooLarge(RegioAtlasError):
    """Input over a size limit (a body, a text, a query string)."""


class Unauthorized(RegioAtlasError):
    """A request without valid credentials (no token, an unknown or revoked token)."""


class Forbidden(RegioAtlasError):
    """Valid credentials whose role does not allow the action."""


class TooManyRequests(RegioAtlasError):
    """Too many failed attempts from one client; ``retry_after`` in seconds."""

    def __init__(self, message: str = "", *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UnsupportedMedia(Unprocessable):
    """An upload whose files are not a layout RegioAtlas reads (says what it recognised)."""


class Conflict(RegioAtlasError):
    """A write that conflicts with the current state (e.g. a concurrent write)."""


class Unavailable(RegioAtlasError):
    """Something needed is not available now (a store that cannot be reached, an index
    still being built); ``retry_after`` in seconds when a retry makes sense."""

    def __init__(self, message: str = "", *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


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


class InputError(Unprocessable):
    """An input file that cannot be used; carries one or more RowErrors."""

    def __init__(self, errors: list[RowError] | RowError):
        self.errors = [errors] if isinstance(errors, RowError) else list(errors)
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = len(self.errors) - 20
        if more > 0:
            shown += f"\n... and {more} more"
        super().__init__(shown)
