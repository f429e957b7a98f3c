"""Open a CSV (plain or gzip) or XLSX file as a header plus numbered rows, checking the layout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from regioatlas.model import InputError, RowError
from regioatlas.sources.parsing import CsvProblem, decode_text, iter_csv_rows, read_text


def first_line(path: Path) -> str:
    """The first line of a text file (gzip too), without BOM or line end; "" when unreadable.

    Cheap: sources sniff layouts with it before anything is read in full.
    """
    try:
        if path.suffix.lower() == ".gz":
            import gzip

            with gzip.open(path, "rb") as f:
                head = f.read(65536)
        else:
            with path.open("rb") as f:
                head = f.read(65536)
    except (OSError, EOFError):
        return ""
    return decode_text(head, "utf-8", errors="replace").split("\n", 1)[0].rstrip("\r")


def duplicate_column(file: str, line: int, header: list[str]) -> InputError | None:
    """An InputError naming the first column name that occurs twice in ``header``.

    A reader keyed by name would silently use one of the two columns.

    Example
    -------
    >>> duplicate_column("a.csv", 1, ["id", "title", "id"]).errors[0].reason
    "the column 'id' appears twice in the header (columns 1 and 3); rename one"
    """
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        key = " ".join(name.split()).casefold()
        if not key:
            continue
        if key in seen:
            reason = (
                f"the column {name!r} appears twice in the header "
                f"(columns {seen[key]} and {i}); rename one"
            )
            return InputError(RowError(file, line, name, reason))
        seen[key] = i
    return None


@dataclass
class Table:
    """A file's header and its data rows as dicts keyed by header name, with line numbers.

    A large regular file read by Arrow also has ``columns`` (header name → every row's cell,
    row ``i`` on line ``i + 2``, every row as wide as the header): a reader may take them
    column by column, and the row dicts are then built only if someone asks for ``rows``.
    """

    path: Path
    header: list[str]
    _rows: list[tuple[int, dict[str, str | None]]] | None = None
    columns: dict[str, list[str]] | None = None

    @property
    def rows(self) -> list[tuple[int, dict[str, str | None]]]:
        if self._rows is None:
            cells = [self.columns[h] for h in self.header] if self.columns else []
            self._rows = [(i + 2, dict(zip(self.header, values)))
                          for i, values in enumerate(zip(*cells))]  # fmt: skip
        return self._rows


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken zip/xml
        raise InputError(
            RowError(str(path), None, None, f"not a readable XLSX workbook: {exc}")
        ) from None
    ws = wb.worksheets[0]
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        yield (
            i,
            [
                "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))
                for v in row
            ],
        )
    wb.close()


def read_table(
    path: Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    required: tuple[str, ...] = (),
) -> Table:
    """Read a whole CSV/CSV.GZ/XLSX table, raising InputError for file-level problems.

    File-level problems: empty file, no data rows, missing required columns (with a hint when
    the header looks split with the wrong delimiter). A row with a different number of cells
    than the header becomes a RowError later, in ``check_width``.
    """
    name = str(path)
    if not path.exists():
        raise InputError(RowError(name, None, None, "file not found"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        lines = list(_xlsx_rows(path))
    else:
        text = read_text(path, encoding)
        if text.count('"') % 2 == 1:
            # an odd number of quotes means a quoted field never closes: a truncated file
            last = text.rfind('"')
            raise InputError(
                RowError(
                    name,
                    text[:last].count("\n") + 1,
                    None,
                    "unterminated quoted field: the file looks truncated",
                )
            )
        fast = _arrow_columns(text, delimiter)
        if fast is not None:
            header, columns = fast
            _check_header(name, 1, header, required, delimiter)
            if not columns or not columns[header[0]]:
                raise InputError(
                    RowError(name, None, None, "the file has a header but no data rows")
                )
            return Table(path, header, columns=columns)
        try:
            lines = list(iter_csv_rows(text, delimiter))
        except CsvProblem as exc:
            raise InputError(RowError(name, exc.line, None, exc.reason)) from None
    lines = [(n, cells) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        raise InputError(RowError(name, None, None, "the file is empty"))
    header = [h.strip() for h in lines[0][1]]
    _check_header(name, lines[0][0], header, required, delimiter)
    if len(lines) == 1:
        raise InputError(RowError(name, None, None, "the file has a header but no data rows"))
    rows = []
    for n, cells in lines[1:]:
        rows.append((n, _as_dict(header, cells)))
    return Table(path, header, rows)


def _check_header(name: str, line: int, header: list[str], required, delimiter: str) -> None:
    duplicate = duplicate_column(name, line, header)
    if duplicate:
        raise duplicate
    missing = [c for c in required if c not in header]
    if not missing:
        return
    hint = ""
    joined = "".join(header)
    for other in (";", ",", "\t", "|"):
        if other != delimiter and other in joined:
            hint = f"; wrong delimiter? the header contains {other!r}, expected {delimiter!r}"
            break
    raise InputError(
        RowError(
            name,
            line,
            ", ".join(missing),
            f"missing required column(s); found: {', '.join(header[:30])}{hint}",
        )
    )


#: below this size the plain csv module is fast enough and always gives exact line numbers
ARROW_MIN_CHARS = 2_000_000


def _arrow_columns(text: str, delimiter: str) -> tuple[list[str], dict[str, list[str]]] | None:
    """Parse a large, regular CSV with pyarrow (10x faster than the csv module), by column."""
    if len(text) < ARROW_MIN_CHARS:
        return None
    table = regular_arrow_table(text, delimiter)
    if table is None:
        return None
    names = [h.strip() for h in table.column_names]
    return names, {n: table.column(i).to_pylist() for i, n in enumerate(names)}


def regular_arrow_table(text: str, delimiter: str, quotechar: str = '"'):
    """``text`` as an Arrow table of strings (no nulls; the header's names), or None.

    Only when every record is one physical line (no quoted newlines, no blank lines) and as
    wide as the header, so that record ``i`` is on line ``i + 2``; any irregularity returns
    None and the caller falls back to the csv module, which reports ragged or truncated rows
    precisely.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first = text[: text.find("\n")].rstrip("\r")
    header = next(iter_csv_rows(first, delimiter))[1]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=quotechar, newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if table.num_rows != physical - 1 or table.column_names != header:
        return None
    return table


def _as_dict(header: list[str], cells: list[str]) -> dict[str, str | None]:
    d: dict[str, str | None] = dict(zip(header, cells))
    if len(cells) != len(header):
        d["__width__"] = str(len(cells))
    return d


def width_error(table: Table, line: int, row: dict) -> RowError | None:
    """A RowError when a row has another number of cells than the header."""
    got = row.get("__width__")
    if got is None:
        return None
    reason = f"row has {got} cells, the header has {len(table.header)}"
    if table.rows and line == table.rows[-1][0] and int(got) < len(table.header):
        reason += "; the last row is short: the file looks truncated"
    return RowError(str(table.path), line, None, reason)
