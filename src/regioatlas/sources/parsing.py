"""Parsing of the values real files contain: decimal commas, d.m.yyyy dates, BOMs, Excel cells.

Each parser returns the value or raises ValueError with a reason a person understands; the
reader turns that into a RowError naming file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

_SPACES = re.compile(r"[\s\u00a0\u202f']")
#: Currency words and signs written before or after an amount ("5.172.338,50 kn", "150 000 000
#: .- HUF", "€ 12", "kr 400"). Only these: any other letter makes the cell no number.
_CURRENCY = (
    r"(?:eur|€|euro|kn|hrk|huf|ft|sek|kr|pln|zł|zl|czk|kč|ron|lei|bgn|лв|dkk|nok|chf|gbp|£|\$)"
)
_CURRENCY_TEXT = re.compile(
    rf"^{_CURRENCY}\.?|(?<=\d)(?:[.,]-)?{_CURRENCY}?\.?$|(?<=\d)[.,]-$", re.I
)
_THOUSANDS_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")
#: a number with one decimal comma and nothing else, which every decimal style but "." reads
#: as "1971987,5" → 1971987.5 (see _decimal_mark: a lone comma is a decimal comma)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")

#: longest CSV cell read. The csv module's default (131,072) is below real summaries and
#: topic lists; above this a file is more likely broken than real (one unclosed quote).
FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)


class CsvProblem(ValueError):
    """A CSV that cannot be split into cells, with the physical line where it went wrong."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def csv_problem(exc: csv.Error) -> str:
    """What a csv.Error means for the person who gave the file.

    Example
    -------
    >>> csv_problem(csv.Error("field larger than field limit (16777216)"))
    'field longer than 16,777,216 characters'
    """
    text = str(exc)
    if "field larger than field limit" in text:
        return f"field longer than {FIELD_LIMIT:,} characters"
    if "end of data" in text or "unexpected end" in text:
        return "a quoted field never closes: the file looks truncated"
    return f"broken CSV quoting ({text})"


def decode_text(raw: bytes, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Bytes to text: a UTF-16 byte-order mark wins over ``encoding`` (Excel's "Unicode text").

    Example
    -------
    >>> decode_text("Lahti".encode("utf-16"))
    'Lahti'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors=errors)
    return raw.decode(encoding, errors=errors).lstrip("\ufeff")


def parse_amount(text: str | float | int | None, decimal: str = "auto") -> float | None:
    """Parse an amount as published: ``"1971987,5"``, ``"1 234,56"``, ``"1,234.56"``, ``403514.06``.

    ``decimal`` is ``"."``, ``","`` or ``"auto"``. With ``"auto"`` the separators in the value
    decide: the last of ``,`` and ``.`` is the decimal mark when both occur; several dots
    (``"15.414.794"``) or several commas are thousands separators; a lone comma is a decimal
    comma. Currency words and signs around the number (``"kn"``, ``".- HUF"``, ``"€"``) are
    dropped. Empty text gives None.

    Example
    -------
    >>> parse_amount("1971987,5"), parse_amount("15.414.794"), parse_amount("150 000 000 .- HUF")
    (1971987.5, 15414794.0, 150000000.0)
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if decimal != "," and "," not in text:
        try:  # fast path for plain numbers, the common case in large files
            return float(text)
        except ValueError:
            pass
    elif decimal != "." and _DECIMAL_COMMA.fullmatch(text):  # "1971987,5" (CORDIS): fast too
        return float(text.replace(",", "."))
    s = _SPACES.sub("", text.strip())
    s = _CURRENCY_TEXT.sub("", s)
    if s in ("", "-"):
        return None
    if decimal == "auto":
        decimal = _decimal_mark(s)
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def _decimal_mark(s: str) -> str:
    """The decimal mark of one number written without spaces, judged from its separators."""
    if "," in s and "." in s:
        return "," if s.rfind(",") > s.rfind(".") else "."
    if _THOUSANDS_DOTS.match(s) and s.count(".") > 1:
        return ","  # "15.414.794": dots group thousands, so a comma would be the decimal mark
    if _THOUSANDS_COMMAS.match(s):
        return "."
    # "1,234" is ambiguous; CORDIS and the national lists write decimal commas
    return ","


def parse_coordinate(text: str | float | None, decimal: str = "auto") -> float | None:
    """Parse a coordinate: ``"60,1699"``, ``"560016.186"``, ``"2.808.000,5"``, ``24.94``.

    Coordinates have their own decimal style, independent of the amounts' (a list may group
    thousands of euros with dots and still write ``560016.186`` for an easting). With ``"auto"``
    a single ``,`` or ``.`` is the decimal mark, whatever follows it; with both, the last one is.

    Example
    -------
    >>> parse_coordinate("560016.186"), parse_coordinate("60,1699"), parse_coordinate("1.234", ",")
    (560016.186, 60.1699, 1234.0)
    """
    if text is None or isinstance(text, (int, float)):
        return None if text is None else float(text)
    s = _SPACES.sub("", text.strip())
    if s in ("", "-"):
        return None
    if decimal == "auto":
        if "," in s and "." in s:
            decimal = "," if s.rfind(",") > s.rfind(".") else "."
        elif s.count(",") == 1 or s.count(".") > 1:
            decimal = ","
        else:
            decimal = "."
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"not a coordinate: {text!r}") from None


def detect_decimal(values: list[str]) -> str | None:
    """The decimal mark (``","`` or ``"."``) a column of amounts is written with, or None.

    Several values are read together: one ``"15.414.794"`` or ``"1.234,5"`` settles it even when
    most values (``"400000"``) say nothing.

    Example
    -------
    >>> detect_decimal(["400000", "15.414.794", "12"]), detect_decimal(["1,234.50"])
    (',', '.')
    """
    votes = {",": 0, ".": 0}
    for raw in values:
        s = _CURRENCY_TEXT.sub("", _SPACES.sub("", raw.strip()))
        if not s or not any(ch.isdigit() for ch in s):
            continue
        if "," in s and "." in s:
            votes[_decimal_mark(s)] += 2
        elif s.count(".") > 1 and _THOUSANDS_DOTS.match(s):
            votes[","] += 2
        elif s.count(",") > 1 and _THOUSANDS_COMMAS.match(s):
            votes["."] += 2
        elif "," in s:
            votes[","] += 1
        elif "." in s:
            votes["."] += 1
    if not any(votes.values()):
        return None
    return "," if votes[","] > votes["."] else "."


def parse_percent(text: str | None) -> float | None:
    """Parse ``"18,13 %"`` to 0.1813."""
    if text is None or not str(text).strip():
        return None
    value = parse_amount(str(text).replace("%", ""), decimal="auto")
    return None if value is None else value / 100.0


_DATE_FORMATS = {
    "iso": ("%Y-%m-%d",),
    "dmy": ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"),
    "mdy": ("%m/%d/%Y",),
}


def parse_date(text: str | date | datetime | None, style: str = "iso") -> date | None:
    """Parse a date in a named style: ``iso`` (2024-11-01), ``dmy`` (1.3.2015, 27.06.2016).

    Example
    -------
    >>> parse_date("1.3.2015", "dmy")
    datetime.date(2015, 3, 1)
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = text.strip()
    if not s:
        return None
    if style == "iso" and len(s) > 10 and s[10] in "T ":
        s = s[:10]
    if style == "iso" and len(s) == 10:
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS.get(style, (style,)):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date in the {style} style: {text!r}")


def parse_bool(text: str | bool | None) -> bool | None:
    if text is None or isinstance(text, bool):
        return text
    s = str(text).strip().lower()
    if s in ("true", "1", "yes", "y", "tak", "kyllä", "ja"):
        return True
    if s in ("false", "0", "no", "n", "nie", "ei", "nein"):
        return False
    if s == "":
        return None
    raise ValueError(f"not a yes/no value: {text!r}")


def clean(text: object) -> str | None:
    """Strip a cell; empty becomes None."""
    if text is None:
        return None
    s = str(text).strip()
    return s or None


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """Read a whole text file (gzip too), naming the file and byte position when the encoding is wrong."""
    from regioatlas.model import InputError, RowError

    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        import gzip

        try:
            raw = gzip.decompress(raw)
        except EOFError:
            reason = "truncated gzip: the file ends before its end marker (an interrupted copy?)"
            raise InputError(RowError(str(path), None, None, reason)) from None
        except OSError as exc:
            raise InputError(RowError(str(path), None, None, f"broken gzip file: {exc}")) from None
    if not raw.strip():
        raise InputError(RowError(str(path), None, None, "the file is empty"))
    try:
        text = decode_text(raw, encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            RowError(
                str(path),
                line,
                None,
                f"not valid {encoding} text at byte {exc.start}; "
                "give the right encoding (e.g. --encoding cp1250) or re-save the file as UTF-8",
            )
        ) from None
    return text.lstrip("\ufeff")


def iter_csv_rows(text: str, delimiter: str):
    """Yield (physical line number of the row's start, list of cells), header included.

    Line numbers count physical lines, so a quoted field with newlines (the Austrian list's
    headers) still gives the line a person sees in an editor.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CsvProblem(line, csv_problem(exc)) from None


def text_lines(text: str) -> Iterator[str] | io.StringIO:
    r"""The lines of ``text`` with their ends, one at a time, for ``csv.reader``.

    Why not ``io.StringIO(text)``: it copies the text into 4 bytes per character, 1.2 GB for
    the 290 MB of a 1.5-million-row list. A text whose lines end in a bare ``\r`` (old Mac
    files) still goes through StringIO, which splits them.

    Example
    -------
    >>> list(text_lines("a,b\r\nc,d"))
    ['a,b\r\n', 'c,d']
    """
    if "\n" not in text and "\r" in text:
        return io.StringIO(text, newline="")
    return _lines(text)


def _lines(text: str) -> Iterator[str]:
    start, find = 0, text.find
    while start < len(text):
        end = find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1
