"""Reading files through a profile: a list of operations (or any CSV) into model rows.

``profile.py`` defines and validates profiles; this module applies one to files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from regioatlas.geo.nuts import nuts_code_problem
from regioatlas.model import InputError, Participant, PlaceHint, Project, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.money import cents, to_eur
from regioatlas.sources.parsing import (
    csv_problem,
    decode_text,
    parse_amount,
    parse_coordinate,
    parse_date,
    read_text,
    text_lines,
)
from regioatlas.sources.profile import MAPPABLE, NUTS_CODE, Profile, find_profile
from regioatlas.sources.tables import ARROW_MIN_CHARS, duplicate_column, regular_arrow_table

# --------------------------------------------------------------------------- reading


_UNPLANNED = object()


@lru_cache(maxsize=4096)
def norm_header(header: str) -> str:
    """A header cell as compared with a profile's column names: spaces and case folded."""
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def _records(text: str, profile: Profile, file: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the physical line each starts on, one at a time."""
    reader = csv.reader(
        text_lines(text), delimiter=profile.delimiter, quotechar=profile.quotechar, strict=True
    )
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(RowError(file, line, None, csv_problem(exc))) from None
        if any(c.strip() for c in cells):
            yield line, cells
        line = reader.line_num + 1


def _header_problem(profile: Profile, file: str, line: int, header: list[str], missing: list[str]):
    found = ", ".join(repr(h) for h in header[:30])
    reason = f"missing column(s) {', '.join(repr(m) for m in missing)}; the header has: {found}"
    joined = "".join(header)
    for d in (";", ",", "\t", "|"):
        if d != profile.delimiter and d in joined and len(header) <= 2:
            shown = "tab" if d == "\t" else d
            reason += f" (wrong delimiter? found {shown!r} in the header; the profile says "
            reason += f"{profile.delimiter!r})"
            break
    return InputError(RowError(file, line, None, reason))


@dataclass
class _Cells:
    """One data row seen through the profile: field -> cell text, with errors collected."""

    profile: Profile
    file: str
    line: int
    cells: list[str]
    index: dict[str, int]
    errors: list[RowError] = field(default_factory=list)
    seen: dict[str, str | None] = field(default_factory=dict)
    #: results of pure per-value work (dates, cities, intermediate bodies), shared by every row
    #: of a read: a list repeats its values, and 1.5 million rows must not parse each again
    memo: dict = field(default_factory=dict)
    #: where each field and column is in this file's rows, worked out once per file
    plan: dict = field(default_factory=dict)

    def raw(self, column: str) -> str | None:
        i = self.plan.get(("raw", column), _UNPLANNED)
        if i is _UNPLANNED:
            i = self.plan[("raw", column)] = self.index.get(norm_header(column))
        value = self.cells[i].strip() if i is not None and i < len(self.cells) else ""
        return value or None

    def text(self, fld: str) -> str | None:
        seen = self.seen
        if fld in seen:  # once per field, so a failed extract is reported once
            return seen[fld]
        where = self.plan.get(fld)
        if where is None:
            column = self.profile.columns.get(fld)
            i = self.index.get(norm_header(column)) if column else None
            where = self.plan[fld] = (i, self.profile.extract.get(fld))
        i, rx = where
        value = (self.cells[i].strip() or None) if i is not None and i < len(self.cells) else None
        if value is not None and rx is not None:
            value = self._extract(fld, rx, value)
        seen[fld] = value
        return value

    def _extract(self, fld: str, rx, value: str) -> str | None:
        try:
            return extracted(value, rx)
        except ValueError as exc:
            self.fail(fld, str(exc), value)
            return None

    def fail(self, fld: str, reason: str, value: str | None) -> None:
        column = self.profile.columns.get(fld, fld)
        self.errors.append(RowError(self.file, self.line, column, reason, value))

    def mapped(self, fld: str) -> str | None:
        return mapped_value(self.text(fld), self.profile.values.get(fld))

    def checked(self, fld: str, parse, *args) -> Any:
        """The field's text through ``parse(text, profile, *args)`` (a ``checked_*``
        function), or None with the reason recorded."""
        value = self.text(fld)
        if value is None:
            return None
        try:
            return parse(value, self.profile, *args)
        except ValueError as exc:
            self.fail(fld, str(exc), value)
            return None

    def amount(self, fld: str) -> float | None:
        return self.checked(fld, checked_amount)

    def rate(self, fld: str) -> float | None:
        return self.checked(fld, checked_rate)

    def date(self, fld: str) -> date | None:
        value = self.text(fld)
        key = ("date", value)
        if key in self.memo:
            return self.memo[key]
        try:
            parsed = parse_date(value, self.profile.date_format)
        except ValueError as exc:
            self.fail(fld, str(exc), value)
            return None
        self.memo[key] = parsed
        return parsed

    def coordinate(self, fld: str, limit: float) -> float | None:
        return self.checked(fld, checked_coordinate, limit)


# ------------------------------------------------------------- one cell's value, pure
# The row reader and the column reader (profile_columns.py) both parse through these, so a
# cell gives the same value and the same reason whichever reads it.


def extracted(value: str, rx: re.Pattern[str]) -> str | None:
    """What the profile's extract pattern keeps of a cell: its first group that matched."""
    m = rx.search(value)
    if not m:
        raise ValueError(f"does not match the profile's extract pattern {rx.pattern!r}")
    kept = next((g for g in m.groups() if g is not None), "")
    return kept.strip() or None


def checked_amount(value: str, profile: Profile) -> float | None:
    number = parse_amount(value, profile.decimal)
    if number is not None and number < 0:
        raise ValueError("negative amount")
    return number


def checked_rate(value: str, profile: Profile) -> float | None:
    """A co-financing rate as a share: "85 %", "85" and "0.85" are all 0.85."""
    number = parse_amount(value.replace("%", ""), profile.decimal)
    if number is None:
        return None
    share = number / 100 if "%" in value or number > 1 else number
    if not 0 <= share <= 1:
        raise ValueError("a co-financing rate must be between 0 and 100 %")
    return share


def checked_coordinate(value: str, profile: Profile, limit: float) -> float | None:
    # coordinates have their own decimal style: "560016.186" beside "15.414.794 €"
    number = parse_coordinate(value, profile.coordinate_decimal)
    if number is not None and profile.crs == "EPSG:4326" and abs(number) > limit:
        raise ValueError(f"not a coordinate in degrees (|value| > {limit:g})")
    return number


def nuts_problem(code: str) -> str | None:
    """Why ``code`` (upper case, no spaces) is not a NUTS code any version has, or None."""
    return "not a NUTS code" if not NUTS_CODE.match(code) else nuts_code_problem(code)


def mapped_value(value: str | None, table: dict[str, str] | None) -> str | None:
    """A cell through the profile's ``[values.<field>]`` table: exact, then case-folded."""
    if value is None or not table:
        return value
    if value in table:
        return table[value]
    folded = {k.casefold(): v for k, v in table.items()}
    return folded.get(value.casefold(), value)


def hash_id(*parts: str | None) -> str:
    """The stable id of a row without one: 12 hex digits of SHA-1 over the given cell texts.

    Example
    -------
    >>> hash_id("Ankauf einer Doppelbiegeanlage", "TR Flachdachbau GmbH", "403514,06")
    'b9f5bb40aa0e'
    """
    text = "\x1f".join(" ".join((p or "").split()) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _place(c: _Cells) -> PlaceHint:
    """The row's place clues; unreadable ones are recorded as errors on ``c``."""
    p = c.profile
    lat, lon = c.coordinate("lat", 90), c.coordinate("lon", 180)
    nuts = c.text("nuts_code")
    if nuts is not None:
        nuts = nuts.upper().replace(" ", "")
        if problem := nuts_problem(nuts):
            c.fail("nuts_code", problem, nuts)
    place = PlaceHint(
        country=c.text("country") or p.country, nuts_code=nuts, nuts_version=p.nuts_version if nuts else None,
        lat=lat, lon=lon, crs=p.crs if lat is not None else None, postcode=c.text("postcode"),
        city=c.text("municipality") or city_by_rules(p, c.raw, c.memo), lau_code=c.text("lau_code"),
    )  # fmt: skip
    place.body_region, place.body_region_version = body_region_of(p, c.raw, c.memo)
    return place


def body_region_of(profile: Profile, raw, memo: dict) -> tuple[str | None, int | None]:
    """The first intermediate-body rule matching the row whose cells ``raw(column)`` gives
    (memoised in ``memo`` on the cells the rules read)."""
    rules = profile.body_region
    if not rules:
        return None, None
    columns = memo.get(("body columns",))
    if columns is None:
        columns = memo[("body columns",)] = tuple(dict.fromkeys(r.column for r in rules))
    key = ("body", *(raw(column) for column in columns))
    found = memo.get(key)
    if found is None:
        found = (None, None)
        values = dict(zip(columns, key[1:]))
        for rule in rules:
            value = values[rule.column]
            if value and rule.pattern.search(value):
                found = (rule.nuts, rule.nuts_version if rule.nuts else None)
                break
        memo[key] = found
    return found


def _native_id(c: _Cells, seen: dict[str, tuple[str, int]]) -> str | None:
    if "id" not in c.profile.columns:
        return hashed_id([c.text(f) for f in c.profile.id_fields], seen)
    given = c.text("id")
    if problem := id_problem(given, seen):
        c.fail("id", problem, given)
    return given


def hashed_id(parts: list[str | None], seen: dict) -> str:
    """The id of a row without one: ``hash_id`` of its id fields, ``-2``, ``-3`` ... added for
    identical rows in file order."""
    base = native = hash_id(*parts)
    n = 2
    while native in seen:
        native, n = f"{base}-{n}", n + 1
    return native


def id_problem(given: str | None, seen: dict[str, tuple[str, int]]) -> str | None:
    if given is None:
        return "the id is empty"
    if given in seen:
        first = seen[given]
        return f"duplicate id, first seen in {first[0]} at line {first[1]}"
    return None


def _row(c: _Cells, seen: dict[str, tuple[str, int]]) -> tuple[Project, Participant] | None:
    p = c.profile
    start, end = c.date("start_date"), c.date("end_date")
    if start and end and end < start:
        c.fail("end_date", f"end date {end} is before start date {start}", c.text("end_date"))
    total, eu, share = c.amount("total_cost"), c.amount("eu_contribution"), c.rate("eu_rate")
    public = c.amount("public_funding")
    if eu is None and share is not None and total is not None:
        eu = cents(total * share)
    year = start.year if start else p.rate_year
    if p.currency != "EUR" and year is None and (total, eu, public) != (None, None, None):
        c.fail("start_date", "no date to choose the exchange-rate year: set rate_year", None)
    title, beneficiary, summary, url = (
        c.text(f) for f in ("title", "beneficiary", "summary", "url")
    )
    fund, status, category, programme = (c.mapped(f) for f in MAPPABLE)
    place = _place(c)
    native = _native_id(c, seen)
    if c.errors or native is None:
        return None
    seen[native] = (c.file, c.line)
    return assemble(
        p, c.line, native, start=start, end=end, total=total, eu=eu, public=public,
        title=title, beneficiary=beneficiary, summary=summary, url=url, fund=fund, status=status,
        category=category, programme=programme, country=c.text("country"), place=place,
    )  # fmt: skip


def assemble(
    p: Profile, line: int, native: str, *, start: date | None, end: date | None,
    total: float | None, eu: float | None, public: float | None,
    title: str | None, beneficiary: str | None, summary: str | None, url: str | None,
    fund: str | None, status: str | None, category: str | None, programme: str | None,
    country: str | None, place: PlaceHint,
) -> tuple[Project, Participant]:  # fmt: skip
    """A checked row's operation and its beneficiary, money converted to EUR."""
    year = start.year if start else p.rate_year
    rate_date: date | None
    if p.currency == "EUR" or year is None:  # year is None only when there is no amount
        total_eur, eu_eur, public_eur = total, eu, public
        rate, rate_date = (1.0, None) if p.currency == "EUR" else (None, None)
    else:
        conv = to_eur(total, p.currency, year)
        total_eur, rate, rate_date = conv.eur, conv.rate, conv.rate_date
        eu_eur = to_eur(eu, p.currency, year).eur
        public_eur = to_eur(public, p.currency, year).eur
    project_id = f"{p.name}:{native}"
    project = Project(
        id=project_id, source=p.name, native_id=native,
        programme=programme or p.programme, fund=fund or p.fund,
        title=title, objective=summary, topics=[category] if category else [],
        status=status, start_date=start, end_date=end,
        total_cost_eur=total_eur, eu_contribution_eur=eu_eur, currency=p.currency,
        total_cost_original=total, eu_contribution_original=eu, exchange_rate=rate,
        public_funding_eur=public_eur, public_funding_original=public,
        rate_date=rate_date, country=country or p.country, language=p.language, url=url,
        source_line=line,
    )  # fmt: skip
    participant = Participant(
        project_id=project_id, seq=1, name=beneficiary, role="beneficiary",
        eu_contribution_eur=eu_eur, eu_contribution_original=eu, currency=p.currency,
        place=place, source_line=line,
    )  # fmt: skip
    return project, participant


def city_by_rules(profile: Profile, raw, memo: dict) -> str | None:
    """The city the profile's first matching ``[[city]]`` rule reads in the row whose cells
    ``raw(column)`` gives (memoised in ``memo`` per rule and cell)."""
    for rule in profile.city:
        value = raw(rule.column)
        if not value:
            continue
        key = ("city", id(rule), value)
        if key not in memo:
            memo[key] = rule.apply(value)
        if memo[key]:
            return memo[key]
    return None


def _read_file(
    profile: Profile, path: Path, seen: dict, memo: dict, batch_rows: int
) -> Iterator[ReadResult]:
    """The file's rows through ``profile``, ``batch_rows`` rows per ReadResult."""
    file = str(path)
    if not path.exists():
        raise InputError(RowError(file, None, None, "file not found"))
    try:
        text = read_text(path, profile.encoding)
    except InputError as exc:
        e = exc.errors[0]
        if "not valid" not in e.reason:
            raise
        reason = e.reason.split(";")[0] + (
            f"; the profile '{profile.name}' says encoding = {profile.encoding!r}: "
            "set the file's encoding there (e.g. 'cp1250') or re-save the file as UTF-8"
        )
        raise InputError(RowError(e.file, e.line, None, reason)) from None
    records = _records(text, profile, file)
    head = list(islice(records, profile.header_row))
    if len(head) < profile.header_row:
        raise InputError(RowError(file, None, None, f"no header row {profile.header_row}"))
    header_line, header = head[-1]
    duplicate = duplicate_column(file, header_line, header)
    if duplicate:
        raise duplicate
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(norm_header(name), i)
    missing = [col for col in profile.required_columns() if norm_header(col) not in index]
    if missing:
        raise _header_problem(profile, file, header_line, header, missing)
    width = len(header)
    plan: dict = {}
    result = empty_result(profile)
    nxt = next(records, None)
    if nxt is None:
        raise InputError(
            RowError(file, header_line, None, "no data rows after the header (header-only file)")
        )
    table = _regular_table(profile, text)
    if table is not None:
        from regioatlas.sources.profile_columns import read_columns

        del text, records  # the table holds the cells: 290 MB less for a 1.5-million-row list
        yield from read_columns(profile, file, table, seen, memo, batch_rows)
        return
    while nxt is not None:
        (line, cells), nxt = nxt, next(records, None)  # one ahead: is this the last row?
        if len(cells) < width or any(x.strip() for x in cells[width:]):
            reason = f"the row has {len(cells)} cells, the header {width}"
            if nxt is None and len(cells) < width:
                reason += ": the file looks truncated"
            elif len(cells) > width:
                reason += ": a delimiter inside an unquoted value?"
            result.errors.append(RowError(file, line, None, reason, profile.delimiter.join(cells)))
            continue
        row = _Cells(profile, file, line, cells, index, memo=memo, plan=plan)
        built = _row(row, seen)
        if built is None:
            result.errors.extend(row.errors)
        else:
            result.projects.append(built[0])
            result.participants.append(built[1])
        if len(result.projects) >= batch_rows:
            yield result
            result = empty_result(profile)
    yield result


def _regular_table(profile: Profile, text: str):
    """The file as an Arrow table when it is large and regular enough to be read by column
    (``profile_columns``), else None."""
    if profile.header_row != 1 or len(text) < ARROW_MIN_CHARS:
        return None
    return regular_arrow_table(text, profile.delimiter, profile.quotechar)


def empty_result(profile: Profile) -> ReadResult:
    """A batch with the profile's credits and no rows yet."""
    return ReadResult(
        recognised_as=profile.description, profile=profile.name, publisher=profile.publisher,
        licence=profile.licence, attribution=profile.attribution,
    )  # fmt: skip


def read_with_profile(profile: Profile, paths: Iterable[str | Path]) -> ReadResult:
    """Read files through one profile into projects and their beneficiaries.

    One Project per row (id ``"{profile.name}:{native_id}"``) and one Participant, the
    beneficiary, carrying the row's place clues. Row-level problems become RowErrors and the row
    is skipped; file-level problems raise InputError.

    Example
    -------
    >>> at = find_profile("at-efre")
    >>> at_file = "tests/fixtures/cohesion/AT_ERDF_2014-2020_Vorhabensliste.csv"
    >>> res = read_with_profile(at, [at_file])
    >>> len(res.projects), res.participants[1].place.lau_code
    (49, '40101')
    """
    result = empty_result(profile)
    for batch in read_batches_with_profile(profile, paths, batch_rows=1 << 62):
        result.projects.extend(batch.projects)
        result.participants.extend(batch.participants)
        result.errors.extend(batch.errors)
    return result


def read_batches_with_profile(
    profile: Profile, paths: Iterable[str | Path], batch_rows: int = 100_000
) -> Iterator[ReadResult]:
    """``read_with_profile`` in batches of ``batch_rows`` rows, for lists too large to hold.

    Ids are checked for repeats across every batch and file, as in one read.

    Example
    -------
    >>> at_file = "tests/fixtures/cohesion/AT_ERDF_2014-2020_Vorhabensliste.csv"
    >>> [len(b.projects) for b in read_batches_with_profile(find_profile("at-efre"), [at_file], 20)]
    [20, 20, 9]
    """
    seen: dict[str, tuple[str, int]] = {}
    memo: dict = {}
    for path in paths:
        yield from _read_file(profile, Path(path), seen, memo, batch_rows)


def sniff_profile(profile: Profile, path: str | Path) -> bool:
    """Whether the file's header has every column ``profile`` requires (reads 256 KiB at most).

    Example
    -------
    >>> sniff_profile(find_profile("at-efre"), "tests/fixtures/cohesion/bad_semicolon.csv")
    False
    """
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(262144)
    except OSError:
        return False
    text = decode_text(head, profile.encoding, errors="ignore")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=profile.delimiter, quotechar=profile.quotechar
    )
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
            if len(rows) >= profile.header_row:
                break
    except csv.Error:
        return False
    if len(rows) < profile.header_row:
        return False
    header = {norm_header(h) for h in rows[profile.header_row - 1]}
    return all(norm_header(c) in header for c in profile.required_columns())


class ProfileSource:
    """The Source for one profile: named, titled and credited as the profile says.

    The registry makes one per built-in profile (``fi-rakennerahastot`` ...) and one for a
    user's ``profile:PATH.toml``.

    Example
    -------
    >>> src = ProfileSource(find_profile("at-efre"))
    >>> src.sniff([Path("tests/fixtures/cohesion/AT_ERDF_2014-2020_Vorhabensliste.csv")])
    'Austrian list of operations IWB/EFRE 2014-2020 (efre.gv.at), profile at-efre'
    """

    def __init__(self, profile: Profile):
        self.profile = profile
        self.name, self.title = profile.name, profile.title
        self.publisher, self.licence = profile.publisher, profile.licence
        self.attribution = profile.attribution

    def sniff(self, paths: list[Path]) -> str | None:
        """The profile's description when every file's header fits it, else None."""
        if paths and all(sniff_profile(self.profile, p) for p in paths):
            return self.profile.description
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        """Read ``paths`` with this profile, or with ``profile`` (a built-in name or TOML path)."""
        chosen = self.profile if profile is None else find_profile(profile)
        return read_with_profile(chosen, paths)

    def read_batches(self, paths: list[Path], batch_rows: int) -> Iterator[ReadResult]:
        """Read ``paths`` with this profile ``batch_rows`` rows at a time (the ingest streams)."""
        return read_batches_with_profile(self.profile, paths, batch_rows)
