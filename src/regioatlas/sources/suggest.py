"""Draft a profile for an unknown CSV: detect its layout, guess which column is which field.

The draft is TOML that ``load_profile`` accepts; every guess is marked ``# guessed: check`` so a
person reviews it before trusting the numbers it produces.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from regioatlas.model import InputError, RowError
from regioatlas.sources.money import UnknownCurrency, rate_for
from regioatlas.sources.parsing import detect_decimal, parse_amount
from regioatlas.sources.profile import COUNTRIES, parse_profile
from regioatlas.sources.suggest_regions import rule_lines
from regioatlas.sources.suggest_regions import toml_string as _toml
from regioatlas.sources.suggest_words import (
    COORDINATE_WORDS,
    COUNTRY_CRS,
    COUNTRY_NAMES,
    COUNTRY_WORDS,
    CURRENCIES,
    CURRENCY_SIGNS,
    FIELD_WORDS,
    FUND_NAMES,
    LANGUAGE_COUNTRY,
    LANGUAGE_WORDS,
    VALUE_WORDS,
)

_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")
_NUMBER = re.compile(r"^-?[\d\s\u00a0'.,]*\d[\d\s\u00a0'.,]*(€|eur|pln|zł)?$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*\d+([.,]\d+)?\s*%\s*$")
_CODE_NAME = re.compile(r"^\s*\d{4,6}\s*-\s*\S")
_NUTS_VALUE = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")
_NUTS_LABEL = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}\s*/")  # "ITH35  / Venezia"
_LISTS = re.compile(r"^[^,]+,[^,]+,")
_CODE_LABEL = re.compile(r"^[A-Z]{2}\s+\S")  # "IT Italy / ITALIA"
_POSTCODE = re.compile(r"^([A-Z]{1,2}-?)?\d{2}[- ]?\d{3}$|^\d{4,5}$")


def detect_encoding(raw: bytes) -> str:
    """The encoding of a file's bytes among utf-8(-sig), cp1250, cp1252 and latin-1.

    Example
    -------
    >>> detect_encoding("Wartość".encode("cp1250"))
    'cp1250'
    """
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # letters each reading makes of the bytes 0x80-0xFF that the two code pages decode apart
    central = set("ąćęłńśźżĄĆĘŁŃŚŹŻčďěňřťůČĎĚŇŘŤŮőűŐŰ")
    western = set("àâçèêëîïôùûÀÂÇÈÊËÎÏÔÙÛñÑãõÃÕåÅøØ")
    scores = {}
    for enc, good in (("cp1250", central), ("cp1252", western)):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        # a symbol glued to a letter ("Wyrÿb³a", "Ma³opolska") is a letter read wrongly
        glued = len(re.findall(r"(?<=[^\W\d_])[^\x00-\x7f\w]", text))
        scores[enc] = sum(c in good for c in text) - 2 * glued
    if not scores:
        return "latin-1"
    return max(scores, key=lambda e: (scores[e], e == "cp1252"))


def _parse(text: str, delimiter: str, limit: int = 400) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def detect_delimiter(text: str) -> str:
    """The delimiter (, ; tab |) that splits the first rows into the most consistent widths.

    Example
    -------
    >>> detect_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    sample = text[:200_000]
    try:
        sniffed = csv.Sniffer().sniff(sample[:20_000], delimiters=",;\t|").delimiter
    except csv.Error:
        sniffed = ","
    best, best_score = ",", (-1.0, 0, False)
    for d in (",", ";", "\t", "|"):
        widths = [len(r) for r in _parse(sample, d, 60)]
        if not widths:
            continue
        modal, count = Counter(widths).most_common(1)[0]
        score = (count / len(widths) if modal > 1 else 0.0, modal, d == sniffed)
        if score > best_score:
            best, best_score = d, score
    return best


@dataclass(eq=False)
class _Column:
    """What the sample says about one column."""

    header: str
    values: list[str] = field(default_factory=list)
    rows: int = 0

    def share(self, rx: re.Pattern[str]) -> float:
        return sum(bool(rx.match(v)) for v in self.values) / len(self.values) if self.values else 0

    @property
    def kind(self) -> str:
        if not self.values:
            return "empty"
        if self.share(_DMY) >= 0.8 or self.share(_ISO) >= 0.8:
            return "date"
        if self.share(_PERCENT) >= 0.8:
            return "percent"
        if self.share(_CODE_NAME) >= 0.8:
            return "code-name"
        if self.share(_NUTS_VALUE) >= 0.8 and {v[:2] for v in self.values} <= COUNTRIES:
            return "nuts"
        if self.share(_NUTS_LABEL) >= 0.8 and {v[:2] for v in self.values} <= COUNTRIES:
            return "nuts-label"
        if self.numbers >= 0.8:
            return "number"
        return "text"

    @property
    def numbers(self) -> float:
        """Share of values that read as numbers ("5.172.338,50 kn" and "1 234" too)."""
        if "_numbers" not in self.__dict__:
            ok = 0
            for v in self.values[:500]:
                try:
                    ok += parse_amount(v) is not None
                except ValueError:
                    pass
            self.__dict__["_numbers"] = ok / min(len(self.values), 500) if self.values else 0.0
        return self.__dict__["_numbers"]

    def floats(self) -> list[float]:
        out = []
        for v in self.values[:500]:
            try:
                number = parse_amount(v)
            except ValueError:
                continue
            if number is not None:
                out.append(number)
        return out

    @property
    def unique(self) -> bool:
        return len(set(self.values)) == len(self.values) >= 0.9 * self.rows > 0

    @property
    def mean_length(self) -> float:
        return sum(map(len, self.values)) / len(self.values) if self.values else 0.0


_FITS = {
    "start_date": {"date"}, "end_date": {"date"}, "total_cost": {"number"},
    "eu_contribution": {"number"}, "public_funding": {"number"}, "eu_rate": {"percent", "number"},
    "nuts_code": {"nuts", "nuts-label"},
    "postcode": {"number", "text"}, "lau_code": {"code-name", "number", "text"},
    "title": {"text"}, "summary": {"text"}, "beneficiary": {"text"}, "municipality": {"text"},
    "status": {"text"}, "category": {"text", "code-name", "number"}, "fund": {"text"},
    "programme": {"text"}, "id": {"text", "number"},
}  # fmt: skip


def _score(fld: str, col: _Column) -> int:
    head = col.header.casefold()
    score = sum(w for rx, w in FIELD_WORDS[fld] if re.search(rx, head))
    if score <= 0 or col.kind not in _FITS[fld]:
        return 0
    if fld == "id" and not col.unique:
        return 0
    if fld == "municipality" and col.share(_LISTS) > 0.2:
        return 0  # "Arjeplog, Arvidsjaur, Bjurholm": several places, no one municipality
    if fld == "summary" and col.mean_length > 80:
        score += 2
    if fld == "eu_rate" and col.kind == "percent":
        score += 2
    return score


def _assign(columns: list[_Column]) -> dict[str, int]:
    """Field -> column index, best-scoring pairs first, each column used once."""
    pairs = [(_score(f, c), f, i) for f in FIELD_WORDS for i, c in enumerate(columns)]
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for score, fld, i in sorted(pairs, key=lambda p: (-p[0], p[2])):
        if score > 0 and fld not in chosen and i not in used:
            chosen[fld] = i
            used.add(i)
    for i, col in enumerate(columns):  # "40101 - Linz": a municipality code with its name
        if col.kind != "code-name" or chosen.get("category") == i:
            continue
        if chosen.get("lau_code", i) == i and chosen.get("municipality", i) == i:
            chosen["lau_code"] = chosen["municipality"] = i
            break
    if "title" not in chosen and "id" not in chosen:
        texts = [i for i, c in enumerate(columns) if c.kind == "text" and i not in used]
        if texts:
            chosen["title"] = texts[0]
    return chosen


def _decimal(columns: list[_Column], assigned: dict[str, int]) -> str:
    """The amounts' decimal mark, read from the values: one "15.414.794" settles it."""
    amounts = [columns[assigned[f]] for f in AMOUNTS if f in assigned]
    found = detect_decimal([v for col in amounts for v in col.values])
    if found is not None:
        return found
    comma = dot = 0
    for col in columns:
        for v in col.values:
            comma += bool(re.search(r"\d,\d{1,2}\s*%?$", v))
            dot += bool(re.search(r"\d\.\d{1,2}\s*%?$", v))
    return "," if comma > dot else "." if dot > comma else "auto"


def _date_format(columns: list[_Column]) -> str | None:
    values = [v for c in columns if c.kind == "date" for v in c.values]
    if not values:
        return None
    if sum(bool(_ISO.match(v)) for v in values) > len(values) / 2:
        return "iso"
    parts = [m.groups() for m in map(_DMY.match, values) if m]
    if any(sep == "/" for _, sep, _, _ in parts):
        if any(int(b) > 12 for _, _, b, _ in parts) and not any(
            int(a) > 12 for a, _, _, _ in parts
        ):
            return "mdy"
    return "dmy"


def _language(headers: list[str], columns: list[_Column]) -> str | None:
    """The language of the header words (weight 3) and of the text cells (weight 1)."""
    heads = " ".join(headers).casefold()
    cells = " ".join(v for c in columns if c.kind == "text" for v in c.values[:50]).casefold()
    hits = {
        lang: 3 * len(re.findall(LANGUAGE_WORDS[lang], heads))
        + len(re.findall(VALUE_WORDS[lang], cells))
        for lang in LANGUAGE_WORDS
    }
    lang = max(hits, key=lambda k: (hits[k], k != "en"))
    return lang if hits[lang] else None


def _country_code(value: str) -> str | None:
    v = value.strip()
    if _CODE_LABEL.match(v) and v[:2] in COUNTRIES:
        return v[:2]
    folded = v.casefold()
    return COUNTRY_NAMES.get(folded) or (v.upper() if v.upper() in COUNTRIES else None)


def _country_column(columns: list[_Column]) -> _Column | None:
    """A column naming each row's country, when the rows lie in several countries."""
    for col in columns:
        if re.search(COUNTRY_WORDS, col.header.casefold().replace(".", " ")) and col.values:
            codes = Counter(_country_code(v) for v in col.values)
            top, n = codes.most_common(1)[0]
            if (
                top is not None
                and n < 0.9 * len(col.values)
                and codes[None] < 0.2 * len(col.values)
            ):
                return col
    return None


def _country(columns: list[_Column], assigned: dict[str, int], language: str | None):
    for col in columns:
        if re.search(COUNTRY_WORDS, col.header.casefold()) and col.values:
            top = Counter(v.strip() for v in col.values).most_common(1)[0][0]
            code = _country_code(top)
            if code:
                return code, f"from the column {col.header!r}"
    if "nuts_code" in assigned:
        prefixes = Counter(v[:2] for v in columns[assigned["nuts_code"]].values)
        return prefixes.most_common(1)[0][0], "from the NUTS codes"
    if language in LANGUAGE_COUNTRY:
        return LANGUAGE_COUNTRY[language], f"from the header language ({language})"
    return None, ""


def _currency(
    columns: list[_Column], assigned: dict[str, int], country: str | None
) -> tuple[str, str]:
    """The currency and why: a sign in the amounts' headers or cells, else the country's."""
    amounts = [columns[assigned[f]] for f in AMOUNTS if f in assigned]
    heads = " ".join(c.header for c in amounts).casefold()
    for sign, code in CURRENCY_SIGNS.items():
        if re.search(rf"(?<![^\W\d_]){re.escape(sign)}(?![^\W\d_])", heads):
            return code, f"from {sign!r} in the header"
    signs: Counter[str] = Counter()
    for col in amounts:
        for v in col.values[:200]:
            for word in re.findall(r"[^\W\d_]+|[€$£]", v.casefold()):
                if word in CURRENCY_SIGNS:
                    signs[CURRENCY_SIGNS[word]] += 1
    if signs:
        code = signs.most_common(1)[0][0]
        return code, "from the signs in the amounts"
    return CURRENCIES.get(country or "", "EUR"), "from the country"


AMOUNTS = ("total_cost", "eu_contribution", "public_funding")


def _coordinates(columns: list[_Column], used: set[int], country: str | None):
    """(x column, y column, CRS, why) of coordinate columns, or None."""
    found: dict[str, int] = {}
    for axis in ("lon", "lat"):
        for i, col in enumerate(columns):
            head = col.header.casefold().replace(".", " ").replace("_", " ")
            if i in used or i in found.values() or col.kind != "number":
                continue
            if re.search(COORDINATE_WORDS[axis], head):
                found[axis] = i
                break
    if len(found) < 2:
        return None
    xs, ys = columns[found["lon"]].floats(), columns[found["lat"]].floats()
    if not xs or not ys:
        return None
    if all(-180 <= x <= 180 for x in xs) and all(-90 <= y <= 90 for y in ys):
        crs, why = "EPSG:4326", "degrees"
    elif all(2_000_000 <= x <= 8_000_000 for x in xs) and all(
        1_000_000 <= y <= 6_000_000 for y in ys
    ):
        crs, why = "EPSG:3035", "metres in the European LAEA grid's range"
    else:
        crs = COUNTRY_CRS.get(country or "", "EPSG:3035")
        why = f"metres; the national grid of {country}" if country in COUNTRY_CRS else "metres"
    return columns[found["lon"]], columns[found["lat"]], crs, why


def _year_of(columns: list[_Column], path: Path) -> tuple[int, str]:
    years = []
    for col in columns:
        if col.kind == "date":
            for v in col.values:
                m = re.search(r"(19|20)\d\d", v)
                if m:
                    years.append(int(m.group(0)))
    if years:
        return Counter(years).most_common(1)[0][0], "the most frequent year in the dates"
    return date.fromtimestamp(path.stat().st_mtime).year, "the file's modification year"


def _read(path: Path) -> bytes:
    raw = path.read_bytes() if path.exists() else b""
    if path.suffix.lower() == ".gz" and raw:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputError(RowError(str(path), None, None, f"broken gzip file: {exc}")) from None
    if not raw.strip():
        reason = "the file is empty" if path.exists() else "file not found"
        raise InputError(RowError(str(path), None, None, reason))
    return raw


def suggest_profile(path: str | Path, *, name: str | None = None) -> str:
    """Draft a commented TOML profile for a CSV file; every guess is marked "guessed: check".

    Detects the encoding (utf-8, utf-8-sig, cp1250, cp1252, latin-1), the delimiter, the header
    row, the amounts' thousands and decimal separators (from the values: ``15.414.794`` is a
    whole number), the date format, coordinate columns and their CRS (from the value ranges and
    the country), the currency (from signs such as ``kn`` or ``Ft``, else the country), the
    country (or a column of countries) and the language; guesses the column for each model field
    from header words in EN/FI/DE/PL/FR/IT/ES/SV/HR/HU and the values; translates fund names; and
    turns columns of county or region names into ``body_region`` rules. It always gives a draft
    that loads: a file whose columns it cannot tell gets its first column as the title.

    Example
    -------
    >>> text = suggest_profile("tests/fixtures/cohesion/PL_ERDF_2014-2020_projects_sample.csv")
    >>> 'delimiter = ";"' in text and 'currency = "PLN"' in text
    True
    """
    path = Path(path)
    raw = _read(path)
    encoding = detect_encoding(raw)
    text = raw.decode(encoding).lstrip("\ufeff")
    delimiter = detect_delimiter(text)
    rows = _parse(text, delimiter, limit=5000)
    widths = Counter(len(r) for r in rows)
    modal = widths.most_common(1)[0][0]
    header_at = next(
        (i for i, r in enumerate(rows[:20]) if len(r) == modal and sum(bool(c.strip()) for c in r) >= modal / 2),
        0,
    )  # fmt: skip
    header = [" ".join(h.replace("\ufeff", "").split()) for h in rows[header_at]]
    data = rows[header_at + 1 :]
    columns = [_Column(h or f"column {i + 1}") for i, h in enumerate(header)]
    for row in data:
        for i, col in enumerate(columns):
            col.rows += 1
            if i < len(row) and row[i].strip():
                col.values.append(row[i].strip())
    assigned = _assign(columns)
    _summary_by_length(columns, assigned)
    if "title" not in assigned and "id" not in assigned:  # never end without a draft
        assigned["title"] = next((i for i in range(len(columns)) if i not in assigned.values()), 0)
    language = _language(header, columns)
    country_col = _country_column(columns)
    if country_col is not None:
        country, country_why = None, ""
        assigned.pop("country", None)
    else:
        country, country_why = _country(columns, assigned, language)
    currency, currency_why = _currency(columns, assigned, country)
    try:
        rate_for(currency, 2016)
    except UnknownCurrency:
        currency, currency_why = "EUR", "the default"
    used = set(assigned.values()) | ({columns.index(country_col)} if country_col else set())
    coords = _coordinates(columns, used, country)
    decimal, date_format = _decimal(columns, assigned), _date_format(columns)
    slug = re.sub(r"[^a-z0-9]+", "-", (name or path.stem).casefold()).strip("-")[:40] or "my-file"

    out = [
        f"# Profile suggested by RegioAtlas for {path.name}.",
        '# Check every line marked "guessed: check", fill in publisher, licence and attribution,',
        "# then read the file with it. Every key is explained in docs/profiles.md.",
        f"name = {_toml(slug)}",
        f"title = {_toml('List of operations ' + path.name)}  # guessed: check",
    ]
    if country:
        out.append(f'country = "{country}"  # guessed: check ({country_why})')
    elif country_col is not None:
        out.append(f"# No country: the column {country_col.header!r} gives each row's country.")
    else:
        out.append('# country = "XX"  # could not tell: set the NUTS country code (EL for Greece)')
    if language:
        out.append(f'language = "{language}"  # guessed: check (from the header and cell words)')
    out += [
        'publisher = "unknown: fill in"',
        'licence = "unknown: fill in"',
        'attribution = "unknown: fill in"',
        '# source_url = "https://..."',
        '# programme = "ERDF 2014-2020 ..."',
        '# fund = "ERDF"',
        "",
        f"delimiter = {_toml(delimiter)}  # detected",
        f"encoding = {_toml(encoding)}  # detected",
        f"header_row = {header_at + 1}  # detected",
        f'decimal = "{decimal}"  # guessed: check (from the amounts)',
    ]
    if date_format:
        out.append(f'date_format = "{date_format}"  # guessed: check (from the dates)')
    out.append(f'currency = "{currency}"  # guessed: check ({currency_why})')
    if currency != "EUR":
        year, why = _year_of(columns, path)
        out.append(
            f"rate_year = {year}  # guessed: check ({why}); rows without a start date use it"
        )
    if coords is not None:
        out.append(f'crs = "{coords[2]}"  # guessed: check (coordinates in {coords[3]})')
        out.append('coordinate_decimal = "auto"  # coordinates keep their own decimal mark')
    if "id" not in assigned:
        out.append("# No unique id column found: ids are hashes of these fields' cells.")
        fields = [f for f in ("title", "beneficiary", "total_cost") if f in assigned] or ["title"]
        out.append(f"id_fields = {json.dumps(fields)}")
    out += ["", "[columns]"]
    for fld in FIELD_WORDS:
        if fld in assigned:
            out.append(f"{fld} = {_toml(columns[assigned[fld]].header)}  # guessed: check")
    if country_col is not None:
        out.append(f"country = {_toml(country_col.header)}  # guessed: check")
    if coords is not None:
        out.append(f"lon = {_toml(coords[0].header)}  # guessed: check (x, easting)")
        out.append(f"lat = {_toml(coords[1].header)}  # guessed: check (y, northing)")
    if "eu_contribution" in assigned and "eu_rate" in assigned:
        out.append("# eu_rate is used only where eu_contribution is empty")
    if "public_funding" in assigned:
        out.append("# public_funding: EU and national public money together, never EU money alone")
    taken = set(assigned.values()) | {columns.index(c) for c in (country_col,) if c is not None}
    taken |= {columns.index(c) for c in (coords or ())[:2]}
    unused = [c.header for i, c in enumerate(columns) if i not in taken]
    if unused:
        out.append("# not mapped: " + ", ".join(_toml(h) for h in unused))
    out += _extracts(columns, assigned, country_col)
    out += _value_tables(columns, assigned)
    out += rule_lines([(c.header, c.values) for c in columns], country)
    draft = "\n".join(out) + "\n"
    parse_profile(draft, origin=f"profile suggested for {path}")  # the draft must load
    return draft


def _summary_by_length(columns: list[_Column], assigned: dict[str, int]) -> None:
    """No summary header: the unused text column of long texts (mean over 80 characters)."""
    if "summary" in assigned:
        return
    free = [
        (c.mean_length, i)
        for i, c in enumerate(columns)
        if i not in assigned.values() and c.kind == "text" and c.mean_length > 80
    ]
    if free:
        assigned["summary"] = max(free)[1]


def _extracts(columns, assigned, country_col) -> list[str]:
    lines = []
    if "lau_code" in assigned and columns[assigned["lau_code"]].kind == "code-name":
        lines += [
            r"lau_code = '^\s*(\d{4,6})\b'  # guessed: check",
            r"municipality = '^\s*\d{4,6}\s*-\s*(.+?)\s*$'  # guessed: check",
        ]
    if "nuts_code" in assigned and columns[assigned["nuts_code"]].kind == "nuts-label":
        lines.append(r"nuts_code = '^\s*(?:([A-Z]{2}[0-9A-Z]{1,3})\b)?'  # the code before ' / '")
    if country_col is not None and country_col.share(_CODE_LABEL) >= 0.5:
        lines.append(r"country = '^\s*([A-Z]{2})\b'  # the code before the name")
    return ["", "[extract]", *lines] if lines else []


def _value_tables(columns, assigned) -> list[str]:
    lines = []
    if "fund" in assigned:
        seen = sorted({v for v in columns[assigned["fund"]].values if v.upper() in FUND_NAMES})
        if seen:
            lines += ["", "[values.fund]"]
            lines += [
                f"{_toml(v)} = {_toml(FUND_NAMES[v.upper()])}  # guessed: check" for v in seen
            ]
    if "category" in assigned:
        counts = Counter(columns[assigned["category"]].values)
        if 1 < len(counts) <= 15:
            lines += ["", "# Categories as published; translate them here if you like:"]
            lines += ["# [values.category]"]
            lines += [f"# {_toml(v)} = {_toml(v)}" for v, _ in counts.most_common()]
    return lines
