"""A large, regular list of operations read through a profile column by column.

``profile_reader`` reads any file row by row: a cells object per row, a look-up and a method
call per field. For a list of a million rows that was half of an ingest. Here each batch of
rows is taken from the Arrow table as columns; each field's column is cleaned, checked and
parsed in one pass (values a list repeats, such as dates, funds, bodies and cities, once
each); the rows are then built from the columns. The same operations and the same errors,
in the same order, as the row reader: every check is one of its functions, applied field by
field in the order the row reader reaches them (tests/test_profile_columns.py compares the
two readers on bad cells).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from regioatlas.model import PlaceHint, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.money import cents
from regioatlas.sources.parsing import parse_date
from regioatlas.sources.profile import MAPPABLE, Profile
from regioatlas.sources.profile_reader import (
    assemble,
    body_region_of,
    checked_amount,
    checked_coordinate,
    checked_rate,
    city_by_rules,
    empty_result,
    extracted,
    hashed_id,
    id_problem,
    mapped_value,
    norm_header,
    nuts_problem,
)

#: a column of a batch: one value per row, None for an empty cell
Column = list


def read_columns(
    profile: Profile, file: str, table, seen: dict, memo: dict, batch_rows: int
) -> Iterator[ReadResult]:
    """The rows of ``table`` (a ``tables.regular_arrow_table``, header on line 1), one
    ReadResult per ``batch_rows`` rows of the file."""
    index = {norm_header(name): i for i, name in enumerate(table.column_names)}
    for start in range(0, table.num_rows, batch_rows):
        batch = _Batch(profile, file, index, table.slice(start, batch_rows), start + 2, memo)
        result = empty_result(profile)
        batch.read(seen, result)
        yield result


class _Batch:
    """One slice of the table: its columns by field, and the errors of its rows."""

    def __init__(self, profile: Profile, file: str, index: dict, chunk, first_line: int, memo):
        self.p, self.file, self.index, self.chunk = profile, file, index, chunk
        self.n, self.first_line, self.memo = chunk.num_rows, first_line, memo
        self.errors: dict[int, list[RowError]] = {}
        self._raw: dict[str, Column] = {}
        self._text: dict[str, Column] = {}

    def fail(self, i: int, fld: str, reason: str, value: str | None) -> None:
        column = self.p.columns.get(fld, fld)
        error = RowError(self.file, self.first_line + i, column, reason, value)
        self.errors.setdefault(i, []).append(error)

    def raw(self, column: str) -> Column:
        """A column of the file by name, each cell stripped (``_Cells.raw``)."""
        key = norm_header(column)
        if key not in self._raw:
            i = self.index.get(key)
            cells = self.chunk.column(i).to_pylist() if i is not None else [""] * self.n
            self._raw[key] = [c.strip() or None for c in cells]
        return self._raw[key]

    def text(self, fld: str) -> Column:
        """A field's column through the profile's extract pattern (``_Cells.text``): computed
        once, so a failed extract is reported once, where the row reader first reads it."""
        if fld not in self._text:
            column = self.p.columns.get(fld)
            values = list(self.raw(column)) if column else [None] * self.n
            rx = self.p.extract.get(fld)
            if rx is not None:
                for i, value in enumerate(values):
                    if value is not None:
                        try:
                            values[i] = extracted(value, rx)
                        except ValueError as exc:
                            self.fail(i, fld, str(exc), value)
                            values[i] = None
            self._text[fld] = values
        return self._text[fld]

    def checked(self, fld: str, parse: Callable, *args) -> Column:
        """``_Cells.checked`` over the column."""
        out: Column = [None] * self.n
        for i, value in enumerate(self.text(fld)):
            if value is None:
                continue
            try:
                out[i] = parse(value, self.p, *args)
            except ValueError as exc:
                self.fail(i, fld, str(exc), value)
        return out

    def dates(self, fld: str) -> Column:
        """``_Cells.date`` over the column (parsed dates kept in the read's memo)."""
        out: Column = [None] * self.n
        memo, style = self.memo, self.p.date_format
        for i, value in enumerate(self.text(fld)):
            if value is None:
                continue
            key = ("date", value)
            if key in memo:
                out[i] = memo[key]
                continue
            try:
                out[i] = memo[key] = parse_date(value, style)
            except ValueError as exc:
                self.fail(i, fld, str(exc), value)
        return out

    def mapped(self, fld: str) -> Column:
        table = self.p.values.get(fld)
        values = self.text(fld)
        if not table:
            return values
        found: dict[str, str | None] = {}
        out: Column = [None] * self.n
        for i, value in enumerate(values):
            if value is not None:
                if value not in found:
                    found[value] = mapped_value(value, table)
                out[i] = found[value]
        return out

    def nuts_codes(self) -> Column:
        codes = [
            v.upper().replace(" ", "") if v is not None else None for v in self.text("nuts_code")
        ]
        problems: dict[str, str | None] = {}
        for i, code in enumerate(codes):
            if code is None:
                continue
            if code not in problems:
                problems[code] = nuts_problem(code)
            if problem := problems[code]:
                self.fail(i, "nuts_code", problem, code)
        return codes

    def read(self, seen: dict, result: ReadResult) -> None:
        """Check and build every row, in the order ``profile_reader._row`` does per row."""
        p, n = self.p, self.n
        starts, ends = self.dates("start_date"), self.dates("end_date")
        for i in range(n):
            start, end = starts[i], ends[i]
            if start and end and end < start:
                reason = f"end date {end} is before start date {start}"
                self.fail(i, "end_date", reason, self.text("end_date")[i])
        totals = self.checked("total_cost", checked_amount)
        eus = self.checked("eu_contribution", checked_amount)
        shares = self.checked("eu_rate", checked_rate)
        publics = self.checked("public_funding", checked_amount)
        for i in range(n):
            if eus[i] is None and shares[i] is not None and totals[i] is not None:
                eus[i] = cents(totals[i] * shares[i])
            if p.currency != "EUR" and not starts[i] and p.rate_year is None:
                if (totals[i], eus[i], publics[i]) != (None, None, None):
                    reason = "no date to choose the exchange-rate year: set rate_year"
                    self.fail(i, "start_date", reason, None)
        title, beneficiary, summary, url = (
            self.text(f) for f in ("title", "beneficiary", "summary", "url")
        )
        fund, status, category, programme = (self.mapped(f) for f in MAPPABLE)
        places = self.places()
        countries = self.text("country")
        blank = self.blank_rows()
        ids = self.text("id") if "id" in p.columns else None
        id_parts = None if ids is not None else [self.text(f) for f in p.id_fields]
        for i in range(n):
            if i in blank:
                continue
            line = self.first_line + i
            if ids is not None:
                native = ids[i]
                if problem := id_problem(native, seen):
                    self.fail(i, "id", problem, native)
            else:
                native = hashed_id([part[i] for part in id_parts], seen)  # type: ignore[union-attr]
            if i in self.errors or native is None:
                result.errors.extend(self.errors.get(i, ()))
                continue
            seen[native] = (self.file, line)
            project, participant = assemble(
                p, line, native, start=starts[i], end=ends[i], total=totals[i], eu=eus[i],
                public=publics[i], title=title[i], beneficiary=beneficiary[i], summary=summary[i],
                url=url[i], fund=fund[i], status=status[i], category=category[i],
                programme=programme[i], country=countries[i], place=places[i],
            )  # fmt: skip
            result.projects.append(project)
            result.participants.append(participant)

    def places(self) -> list[PlaceHint]:
        """``profile_reader._place`` over the batch."""
        p, memo = self.p, self.memo
        lats = self.checked("lat", checked_coordinate, 90)
        lons = self.checked("lon", checked_coordinate, 180)
        codes = self.nuts_codes()
        countries, postcodes = self.text("country"), self.text("postcode")
        municipalities = self.text("municipality")
        lau_codes = self.text("lau_code")
        read_by_rules = [r.column for r in p.city] + [r.column for r in p.body_region]
        rule_columns = {column: self.raw(column) for column in read_by_rules}
        places = []
        for i in range(self.n):

            def raw(column: str, i=i) -> str | None:
                return rule_columns[column][i]

            nuts = codes[i]
            place = PlaceHint(
                country=countries[i] or p.country, nuts_code=nuts,
                nuts_version=p.nuts_version if nuts else None, lat=lats[i], lon=lons[i],
                crs=p.crs if lats[i] is not None else None, postcode=postcodes[i],
                city=municipalities[i] or city_by_rules(p, raw, memo), lau_code=lau_codes[i],
            )  # fmt: skip
            place.body_region, place.body_region_version = body_region_of(p, raw, memo)
            places.append(place)
        return places

    def blank_rows(self) -> set[int]:
        """Rows whose every cell is blank: the row reader skips them."""
        import pyarrow.compute as pc

        blank = None
        for column in self.chunk.columns:
            empty = pc.equal(pc.utf8_trim_whitespace(column), "")
            blank = empty if blank is None else pc.and_(blank, empty)
        if blank is None or not pc.any(blank).as_py():
            return set()
        return {i for i, b in enumerate(blank.to_pylist()) if b}
