"""Declarative profiles: read a published CSV (a national list of operations, or any other) through
a TOML column mapping a user can write without code.

A profile says how a publisher lays out its file (delimiter, encoding, decimal style, date format,
currency), which column holds which model field, and rules that turn an intermediate body's or a
beneficiary's name into a place clue. Built-in profiles live in ``sources/profiles/*.toml``; a
user's profile is a TOML file of the same shape. Every key is explained in ``docs/profiles.md``.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from regioatlas.model import InputError, RowError
from regioatlas.model.regions import NUTS_VERSIONS
from regioatlas.sources.money import UnknownCurrency, rate_for

#: Model fields a ``[columns]`` entry may name, by the kind of value the column holds.
TEXT_FIELDS = (
    "id", "title", "summary", "beneficiary", "status", "category", "programme", "fund", "url",
    "lau_code", "municipality", "postcode", "nuts_code", "country",
)  # fmt: skip
DATE_FIELDS = ("start_date", "end_date")
AMOUNT_FIELDS = ("total_cost", "eu_contribution", "public_funding")
FIELDS = TEXT_FIELDS + DATE_FIELDS + AMOUNT_FIELDS + ("eu_rate", "lat", "lon")
#: Other names a profile may use for a field.
ALIASES = {"objective": "summary", "topic": "category"}
#: Fields whose cell values a ``[values.<field>]`` table may translate.
MAPPABLE = ("fund", "status", "category", "programme")
#: Country codes as NUTS writes them (EL for Greece, UK for the United Kingdom).
COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "UK CH IS LI NO AL ME MK RS TR".split()
)
DEFAULT_ID_FIELDS = ("title", "beneficiary", "total_cost")

_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "title": str, "country": str, "language": str, "publisher": str,
    "licence": str, "attribution": str, "source_url": str, "programme": str, "fund": str,
    "delimiter": str, "encoding": str, "quotechar": str, "header_row": int, "decimal": str,
    "coordinate_decimal": str,
    "date_format": str, "currency": str, "rate_year": int, "nuts_version": int, "crs": str,
    "id_fields": list, "optional": list, "columns": dict, "extract": dict, "values": dict,
    "body_region": list, "city": list,
}  # fmt: skip
_REQUIRED = ("name", "title", "publisher", "licence", "attribution", "columns")
NUTS_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_FIELD = re.compile(r"\{(\w+)\}")


class ProfileError(InputError):
    """A profile that cannot be used; each RowError names the profile file and the key."""


@dataclass(frozen=True, slots=True)
class BodyRegionRule:
    """Cells of ``column`` matching ``pattern`` lie in NUTS region ``nuts`` (None: country only)."""

    column: str
    pattern: re.Pattern[str]
    nuts: str | None
    nuts_version: int


@dataclass(frozen=True, slots=True)
class CityRule:
    """Cells of ``column`` matching ``pattern`` name a city, built from ``city`` ({1}, {name})."""

    column: str
    pattern: re.Pattern[str]
    city: str
    fix: tuple[tuple[re.Pattern[str], str], ...] = ()
    case: str = "keep"

    def apply(self, text: str) -> str | None:
        """The city this rule reads in ``text``, or None when the pattern does not match."""
        m = self.pattern.search(text)
        if not m:
            return None
        groups = {str(i): g or "" for i, g in enumerate(m.groups(), start=1)}
        groups.update({k: v or "" for k, v in m.groupdict().items()})
        groups["0"] = m.group(0)
        value = " ".join(_FIELD.sub(lambda f: groups.get(f.group(1), ""), self.city).split())
        for rx, repl in self.fix:  # the first fix that matches is applied, then stop
            if rx.search(value):
                value = rx.sub(repl, value, count=1)
                break
        if self.case == "title":
            value = value.title()
        return value or None


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated profile. Build one with ``load_profile`` or ``parse_profile``.

    Example
    -------
    >>> p = parse_profile('name = "x"\\ntitle = "X"\\npublisher = "P"\\nlicence = "CC-BY-4.0"\\n'
    ...                   'attribution = "P"\\n[columns]\\ntitle = "Name"\\n')
    >>> p.columns["title"], p.delimiter, p.currency
    ('Name', ',', 'EUR')
    """

    name: str
    title: str
    publisher: str
    licence: str
    attribution: str
    columns: dict[str, str]
    country: str | None = None
    language: str | None = None
    source_url: str | None = None
    programme: str | None = None
    fund: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    quotechar: str = '"'
    header_row: int = 1
    decimal: str = "auto"
    coordinate_decimal: str = "auto"
    date_format: str = "iso"
    currency: str = "EUR"
    rate_year: int | None = None
    nuts_version: int | None = None
    crs: str = "EPSG:4326"
    id_fields: tuple[str, ...] = DEFAULT_ID_FIELDS
    optional: frozenset[str] = frozenset()
    extract: dict[str, re.Pattern[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    body_region: tuple[BodyRegionRule, ...] = ()
    city: tuple[CityRule, ...] = ()
    path: Path | None = None

    @property
    def description(self) -> str:
        return f"{self.title}, profile {self.name}"

    def required_columns(self) -> list[str]:
        """Header names a file must have: mapped columns not listed as optional, rule columns."""
        cols = [c for f, c in self.columns.items() if f not in self.optional]
        cols += [r.column for r in self.body_region] + [r.column for r in self.city]
        return list(dict.fromkeys(cols))


# --------------------------------------------------------------------------- loading


def load_profile(path: str | Path) -> Profile:
    """Load and validate a TOML profile file.

    Raises ``ProfileError`` (an ``InputError``) listing every problem, each naming the file and
    the key, e.g. ``my.toml: key 'columns.titel': unknown field (did you mean 'title'?)``.

    Example
    -------
    >>> p = load_profile("src/regioatlas/sources/profiles/at_efre_2014_2020.toml")
    >>> p.name, p.country
    ('at-efre', 'AT')
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ProfileError(RowError(str(path), None, None, "profile file not found")) from None
    except UnicodeDecodeError as exc:
        raise ProfileError(
            RowError(str(path), None, None, f"a profile must be UTF-8 text (byte {exc.start})")
        ) from None
    return parse_profile(text, origin=str(path), path=path)


def parse_profile(text: str, origin: str = "<profile>", path: Path | None = None) -> Profile:
    """Validate profile TOML text; ``origin`` names it in errors. See ``load_profile``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise ProfileError(RowError(origin, line, None, f"not valid TOML: {exc}")) from None
    return _Validator(origin, path).profile(data)


class _Validator:
    """Checks a parsed profile, collecting every problem before raising once."""

    def __init__(self, origin: str, path: Path | None):
        self.origin, self.path = origin, path
        self.errors: list[RowError] = []

    def bad(self, key: str, reason: str) -> None:
        self.errors.append(RowError(self.origin, None, None, f"key '{key}': {reason}"))

    def _unknown(self, key: str, known: Iterable[str], what: str = "key") -> None:
        close = difflib.get_close_matches(key.rsplit(".", 1)[-1], list(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.bad(key, f"unknown {what}{hint}")

    def _regex(self, key: str, text: object, need_group: bool = False) -> re.Pattern[str] | None:
        if not isinstance(text, str) or not text:
            self.bad(key, "must be a non-empty regular expression (a TOML string)")
            return None
        try:
            rx = re.compile(text, re.IGNORECASE)
        except re.error as exc:
            self.bad(key, f"not a valid regular expression: {exc}")
            return None
        if need_group and rx.groups < 1:
            self.bad(key, "needs a capture group ( ... ) around the part to keep")
        return rx

    def profile(self, data: dict) -> Profile:
        for key, value in data.items():
            want = _TYPES.get(key)
            if want is None:
                self._unknown(key, _TYPES)
            elif not isinstance(value, want) or isinstance(value, bool):
                self.bad(key, f"must be a {_kind(want)}, not {_kind(type(value))}")
        for key in _REQUIRED:
            if key not in data:
                self.bad(key, "is required")
        if self.errors:
            raise ProfileError(self.errors)
        d = dict(data)
        self._check_scalars(d)
        columns = self._columns(d.get("columns", {}))
        extract = self._extract(d.get("extract", {}), columns)
        values = self._values(d.get("values", {}))
        optional = self._field_list("optional", d.get("optional", []), allow=columns)
        id_fields = self._field_list("id_fields", d.get("id_fields", list(DEFAULT_ID_FIELDS)))
        bodies = tuple(self._body_rules(d.get("body_region", []), d.get("country")))
        cities = tuple(self._city_rules(d.get("city", [])))
        if "title" not in columns and "id" not in columns:
            self.bad("columns", "map at least 'title' or 'id' to a column")
        if self.errors:
            raise ProfileError(self.errors)
        delimiter = "\t" if d.get("delimiter") == "tab" else d.get("delimiter", ",")
        return Profile(
            name=d["name"], title=d["title"], publisher=d["publisher"], licence=d["licence"],
            attribution=d["attribution"], columns=columns, country=d.get("country"),
            language=d.get("language"), source_url=d.get("source_url"),
            programme=d.get("programme"), fund=d.get("fund"), delimiter=delimiter,
            encoding=d.get("encoding", "utf-8"), quotechar=d.get("quotechar", '"'),
            header_row=d.get("header_row", 1), decimal=d.get("decimal", "auto"),
            coordinate_decimal=d.get("coordinate_decimal", "auto"),
            date_format=d.get("date_format", "iso"), currency=d.get("currency", "EUR").upper(),
            rate_year=d.get("rate_year"), nuts_version=d.get("nuts_version"),
            crs=d.get("crs", "EPSG:4326"), id_fields=tuple(id_fields),
            optional=frozenset(optional), extract=extract, values=values, body_region=bodies,
            city=cities, path=self.path,
        )  # fmt: skip

    def _check_scalars(self, d: dict) -> None:
        if "name" in d and not _NAME.match(d["name"]):
            self.bad("name", "use lower-case letters, digits, '-', '_' or '.', e.g. 'fi-eakr'")
        country = d.get("country")
        if country is not None and country not in COUNTRIES:
            hint = {"GR": " (NUTS writes Greece as EL)", "GB": " (NUTS writes UK)"}.get(country, "")
            self.bad("country", f"{country!r} is not a NUTS country code{hint}")
        for key in ("delimiter", "quotechar"):
            v = d.get(key)
            if v is not None and len(v) != 1 and not (key == "delimiter" and v == "tab"):
                self.bad(key, f"must be one character, not {v!r}")
        if "encoding" in d:
            try:
                codecs.lookup(d["encoding"])
            except LookupError:
                self.bad("encoding", f"unknown encoding {d['encoding']!r} (e.g. utf-8, cp1250)")
        if d.get("header_row", 1) < 1:
            self.bad("header_row", "counts rows from 1")
        for key in ("decimal", "coordinate_decimal"):
            if d.get(key, "auto") not in (",", ".", "auto"):
                self.bad(key, "must be ',' or '.' or 'auto'")
        fmt = d.get("date_format", "iso")
        if fmt not in ("iso", "dmy", "mdy") and "%" not in fmt:
            self.bad(
                "date_format", "must be 'iso', 'dmy', 'mdy' or a strptime pattern like '%d/%m/%Y'"
            )
        cur = d.get("currency", "EUR")
        try:
            rate_for(cur, 2016)
        except UnknownCurrency as exc:
            self.bad("currency", str(exc))
        if "rate_year" in d and not 1999 <= d["rate_year"] <= 2100:
            self.bad("rate_year", "must be a year such as 2016")
        for key in ("nuts_version",):
            if key in d and d[key] not in NUTS_VERSIONS:
                self.bad(key, f"must be one of {', '.join(map(str, NUTS_VERSIONS))}")

    def _columns(self, raw: dict) -> dict[str, str]:
        columns: dict[str, str] = {}
        for key, col in raw.items():
            fld = ALIASES.get(key, key)
            if fld not in FIELDS:
                self._unknown(f"columns.{key}", FIELDS, "field")
            elif not isinstance(col, str) or not col.strip():
                self.bad(f"columns.{key}", "must be the column's header text (a string)")
            elif fld in columns:
                self.bad(f"columns.{key}", f"maps field '{fld}' a second time")
            else:
                columns[fld] = col
        return columns

    def _extract(self, raw: dict, columns: dict[str, str]) -> dict[str, re.Pattern[str]]:
        out = {}
        for key, text in raw.items():
            fld = ALIASES.get(key, key)
            if fld not in columns:
                self.bad(f"extract.{key}", f"field '{fld}' has no column in [columns]")
            rx = self._regex(f"extract.{key}", text, need_group=True)
            if rx is not None:
                out[fld] = rx
        return out

    def _values(self, raw: dict) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for key, table in raw.items():
            fld = ALIASES.get(key, key)
            if fld not in MAPPABLE:
                self._unknown(f"values.{key}", MAPPABLE, "field for a value map")
            elif not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                self.bad(f"values.{key}", 'must be a table of cell value = "model value"')
            else:
                out[fld] = {str(k).strip(): v for k, v in table.items()}
        return out

    def _field_list(self, key: str, raw: list, allow: Iterable[str] = FIELDS) -> list[str]:
        out = []
        allowed = set(allow)
        for item in raw:
            fld = ALIASES.get(item, item) if isinstance(item, str) else item
            if fld not in allowed:
                self.bad(key, f"{item!r} is not one of the mapped fields {sorted(allowed)}")
            else:
                out.append(fld)
        return out

    def _rule_items(self, key: str, raw: list, allowed: set[str]) -> Iterable[tuple[str, dict]]:
        for i, rule in enumerate(raw, start=1):
            where = f"{key}[{i}]"
            if not isinstance(rule, dict):
                self.bad(where, "must be a table ([[...]] entry)")
                continue
            for k in rule:
                if k not in allowed:
                    self._unknown(f"{where}.{k}", allowed)
            if not isinstance(rule.get("column"), str):
                self.bad(f"{where}.column", "is required: the header text of the column to test")
                continue
            yield where, rule

    def _body_rules(self, raw: list, country: str | None) -> Iterable[BodyRegionRule]:
        allowed = {"column", "pattern", "nuts", "nuts_version", "note"}
        for where, rule in self._rule_items("body_region", raw, allowed):
            rx = self._regex(f"{where}.pattern", rule.get("pattern"))
            nuts = rule.get("nuts")
            version = rule.get("nuts_version", 2021)
            if not isinstance(nuts, str) or (nuts and not NUTS_CODE.match(nuts)):
                self.bad(
                    f"{where}.nuts", "must be a NUTS code like 'FI1D9' (or '' for country only)"
                )
                continue
            if nuts and country and nuts[:2] != country:
                self.bad(f"{where}.nuts", f"{nuts} is not in the profile's country {country}")
            if version not in NUTS_VERSIONS:
                self.bad(f"{where}.nuts_version", f"must be one of {NUTS_VERSIONS}")
            if rx is not None:
                yield BodyRegionRule(rule["column"], rx, nuts or None, version)

    def _city_rules(self, raw: list) -> Iterable[CityRule]:
        allowed = {"column", "pattern", "city", "fix", "case", "note"}
        for where, rule in self._rule_items("city", raw, allowed):
            rx = self._regex(f"{where}.pattern", rule.get("pattern"))
            case = rule.get("case", "keep")
            if case not in ("keep", "title"):
                self.bad(f"{where}.case", "must be 'keep' or 'title'")
            fixes = []
            for j, pair in enumerate(rule.get("fix", []), start=1):
                ok = (
                    isinstance(pair, list)
                    and len(pair) == 2
                    and all(isinstance(s, str) for s in pair)
                )
                if not ok:
                    self.bad(f"{where}.fix[{j}]", "must be a pair ['regex', 'replacement']")
                    continue
                fx = self._regex(f"{where}.fix[{j}]", pair[0])
                if fx is not None:
                    fixes.append((fx, pair[1]))
            template = rule.get("city", "{1}" if rx is not None and rx.groups else "{0}")
            if not isinstance(template, str):
                self.bad(f"{where}.city", "must be a string such as '{1}'")
                continue
            if rx is None:
                continue
            names = {"0", *map(str, range(1, rx.groups + 1)), *rx.groupindex}
            unknown = [f for f in _FIELD.findall(template) if f not in names]
            if unknown:
                self.bad(f"{where}.city", f"the pattern has no group {unknown[0]!r}")
                continue
            yield CityRule(rule["column"], rx, template, tuple(fixes), case)


def _kind(t: object) -> str:
    names = {str: "string", int: "integer", list: "list", dict: "table", bool: "true/false"}
    if isinstance(t, tuple):
        return " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, getattr(t, "__name__", str(t)))  # type: ignore[call-overload]


def _builtin_files() -> dict[str, str]:
    folder = resources.files("regioatlas.sources").joinpath("profiles")
    return {e.name: e.read_text("utf-8") for e in folder.iterdir() if e.name.endswith(".toml")}


@lru_cache(maxsize=1)
def _builtin() -> tuple[tuple[Profile, str], ...]:
    found = []
    for file, text in sorted(_builtin_files().items()):
        found.append((parse_profile(text, origin=f"built-in profile {file}"), text))
    return tuple(found)


def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with RegioAtlas (FI, AT and PL lists of operations), by name.

    Example
    -------
    >>> sorted(builtin_profiles())
    ['at-efre', 'fi-rakennerahastot', 'pl-mapadotacji']
    """
    return {p.name: p for p, _ in _builtin()}


def builtin_profile_text(name: str) -> str:
    """The TOML text of a built-in profile, comments included (a model for writing one)."""
    for p, text in _builtin():
        if p.name == name:
            return text
    known = ", ".join(sorted(builtin_profiles()))
    raise ProfileError(RowError(name, None, None, f"no built-in profile of that name ({known})"))


def find_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by name, or a user's profile from a TOML file.

    Example
    -------
    >>> find_profile("pl-mapadotacji").currency
    'PLN'
    """
    builtin = builtin_profiles()
    if str(name_or_path) in builtin:
        return builtin[str(name_or_path)]
    path = Path(name_or_path)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_profile(path)
    known = ", ".join(sorted(builtin))
    reason = f"no such profile (built-in: {known}; or give a .toml file)"
    raise ProfileError(RowError(str(name_or_path), None, None, reason))
