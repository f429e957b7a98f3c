"""Gazetteers: postcode -> NUTS 3, LAU (municipality) codes and names, GeoNames places.

All lookups normalise case, accents, punctuation and blanks, and accept country codes in their
NUTS form (EL, UK), ISO form (GR, GB, GRC) or as a name ("Austria", "Österreich"). Data are
read lazily from the package (see ``regioatlas/data/geo/ATTRIBUTION.md`` for the sources).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from regioatlas.geo.kept_index import kept_index
from regioatlas.geo.nuts import read_table

#: Letters NFKD does not decompose into a base letter and a mark.
_FOLD = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
#: Names people use that the NUTS, ISO and national names do not cover.
_COUNTRY_EXTRA = {
    "czech republic": "CZ",
    "great britain": "UK",
    "england": "UK",
    "scotland": "UK",
    "wales": "UK",
    "northern ireland": "UK",
    "holland": "NL",
    "netherlands": "NL",
    "macedonia": "MK",
    "north macedonia": "MK",
    "turkiye": "TR",
    "hellas": "EL",
}
#: Letter prefixes written before postcodes ("A-1010", "FI-00100", "D-80331").
_POSTCODE_PREFIXES = {
    "AT": ("AT", "A"),
    "BE": ("BE", "B"),
    "CZ": ("CZ", "CS"),
    "DE": ("DE", "D"),
    "DK": ("DK",),
    "ES": ("ES", "E"),
    "FI": ("FI", "SF"),
    "FR": ("FR", "F"),
    "IT": ("IT", "I"),
    "LU": ("LU", "L"),
    "SE": ("SE", "S"),
}
_EIRCODE = re.compile(r"\b([AC-FHKNPRTV-Y]\d{2}|D6W)\b")
#: Articles Spanish, Catalan, Galician and Italian lists put after a comma: "Ejido, El".
_ARTICLES = {
    "el",
    "la",
    "los",
    "las",
    "l",
    "els",
    "es",
    "o",
    "a",
    "os",
    "as",
    "sa",
    "ses",
    "s",
    "il",
    "lo",
}
#: Countries whose slashes qualify a name ("Neustadt/Vogtl.") instead of joining two languages.
_QUALIFIED = {"DE", "AT"}
#: Words that say what kind of municipality it is rather than which one.
_PREFIX_WORDS = re.compile(
    r"^(municipiul|oras|orasul|comuna|gmina|miasto|kreisfreie stadt|stadt|markt|gemeinde|"
    r"commune de|comune di|city of|town of)\s+"
)
_SUFFIX_WORDS = re.compile(r"\s+(teil|stadt|city|town|kommune|kunta|stad)$")


_BILINGUAL = re.compile(r"\s*/\s*|\s+-\s+")
_MARKS = re.compile(r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]")
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Lower-case ASCII-ish key: accents dropped, punctuation to blanks, blanks collapsed.

    Example
    -------
    >>> fold("  Sankt Pölten / St. Pölten ")
    'sankt polten st polten'
    """
    text = str(text).casefold()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD)))
    return " ".join(_NON_WORD.sub(" ", text).split())


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def spellings(name: str) -> list[str]:
    """The name, and its umlauts written out when it has any: ``München`` -> also ``Muenchen``."""
    alt = name.translate(_UMLAUTS)
    return [name] if alt == name else [name, alt]


@cache
def _countries() -> dict[str, str]:
    t = read_table("countries.parquet").to_pydict()
    out: dict[str, str] = {}
    for i, nuts in enumerate(t["nuts"]):
        target = "EL" if nuts == "GR" else nuts
        for key in (nuts, t["iso2"][i], t["iso3"][i], t["name_en"][i], *t["names"][i]):
            if key:
                out.setdefault(fold(key), target)
    for name, code in _COUNTRY_EXTRA.items():
        out.setdefault(name, code)
    out["gr"], out["gb"] = "EL", "UK"
    return out


def normalise_country(country: str | None) -> str | None:
    """NUTS country code for a code or name, or None when unknown.

    Example
    -------
    >>> normalise_country("gr"), normalise_country("Österreich"), normalise_country("GBR")
    ('EL', 'AT', 'UK')
    """
    if country is None:
        return None
    key = fold(country)
    if not key:
        return None
    found = _countries().get(key)
    if found is None and key.startswith("the "):
        found = _countries().get(key[4:])
    return found


# --------------------------------------------------------------------------- postcodes


@cache
def _postcodes() -> tuple[dict[tuple[str, str], str], dict[str, int]]:
    t = read_table("postcodes.parquet").to_pydict()
    table = dict(zip(zip(t["country"], t["postcode"], strict=True), t["nuts3"], strict=True))
    lengths: dict[str, set[int]] = defaultdict(set)
    for cc, pc in zip(t["country"], t["postcode"], strict=True):
        lengths[cc].add(len(pc))
    return table, {cc: next(iter(ls)) for cc, ls in lengths.items() if len(ls) == 1}


def postcode_key(country: str, postcode: str) -> str | None:
    """The postcode as the table spells it: country prefix and town dropped, zeros restored.

    Example
    -------
    >>> postcode_key("AT", "A-1010 Wien"), postcode_key("FI", "FI-00100"), postcode_key("DE", "1067")
    ('1010', '00100', '01067')
    """
    text = " ".join(str(postcode).upper().split())
    if not text:
        return None
    if country == "IE":
        match = _EIRCODE.search(text)
        return match.group(1) if match else None
    for prefix in _POSTCODE_PREFIXES.get(country, (country,)):
        text = re.sub(rf"^{prefix}\s*[-–]?\s*(?=\d)", "", text)
    match = re.search(r"\d(?:[\d ]*\d)?", text)  # "114 55" and "110 00" keep their blank
    if not match:
        return None
    digits = match.group(0).replace(" ", "")
    length = _postcodes()[1].get(country)
    if length is not None:
        if len(digits) > length and " " in match.group(0):
            digits = match.group(0).split(" ")[0]
        if len(digits) < length:
            digits = digits.zfill(length)  # spreadsheets drop leading zeros
        if len(digits) != length:
            return None
    return digits


def nuts3_for_postcode(country: str, postcode: str) -> str | None:
    """NUTS 3 code (NUTS 2024) of a postcode, from GISCO TERCET, or None when unknown.

    Covers AT, BE, CZ, DE, DK, ES, FI, FR, IE (Eircode routing key), IT, LU and SE.

    Example
    -------
    >>> nuts3_for_postcode("FI", "15110"), nuts3_for_postcode("AT", "A-1010 Wien")
    ('FI1C6', 'AT130')
    """
    cc = normalise_country(country)
    if cc is None or postcode is None:
        return None
    key = postcode_key(cc, postcode)
    return _postcodes()[0].get((cc, key)) if key else None


# --------------------------------------------------------------------------- LAU


@dataclass(frozen=True, slots=True)
class LauRecord:
    """A local administrative unit (municipality) of 2019 and its NUTS 3 region of 2016."""

    country: str
    lau_code: str
    name_national: str
    name_latin: str
    population: int | None
    nuts3_2016: str


class _LauIndex:
    """LAU rows by country; code and name keys per country (names keyed for every country at
    once, to be kept on disk: see ``geo/kept_index.py``).

    Rows are plain tuples and the name keys point at row positions: loading 100,000 frozen
    dataclasses from a pickle took longer than folding the names again, so records are made
    for the rows a lookup returns.
    """

    def __init__(self) -> None:
        t = read_table("lau.parquet").to_pydict()
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        for i, cc in enumerate(t["country"]):
            name = t["name_national"][i]
            self.rows[cc].append(
                (cc, t["lau_code"][i], name, t["name_latin"][i] or name,
                 t["population"][i], t["nuts3_2016"][i])
            )  # fmt: skip
        self.by_name: dict[str, tuple[dict[str, list[int]], ...]] = {
            cc: self._name_keys(cc, rows) for cc, rows in self.rows.items()
        }
        self.__setstate__(self.__getstate__())

    @staticmethod
    def _name_keys(cc: str, rows: list[tuple]) -> tuple[dict[str, list[int]], ...]:
        tiers: tuple[dict[str, list[int]], ...] = ({}, {}, {})
        for position, row in enumerate(rows):
            keys_by_tier = name_keys(row[2], row[3], bilingual=cc not in _QUALIFIED)
            for tier, keys in enumerate(keys_by_tier):
                for key in keys:
                    bucket = tiers[tier].setdefault(key, [])
                    if position not in bucket:
                        bucket.append(position)
        return tiers

    def __getstate__(self):
        return dict(self.rows), self.by_name

    def __setstate__(self, state) -> None:
        rows, self.by_name = state
        self.rows = defaultdict(list, rows)
        self._lock = threading.Lock()
        self._by_code: dict[str, tuple[dict[str, LauRecord], int | None]] = {}

    def record(self, cc: str, position: int) -> LauRecord:
        return LauRecord(*self.rows[cc][position])

    def codes(self, cc: str) -> tuple[dict[str, LauRecord], int | None]:
        if cc not in self._by_code:
            recs = [LauRecord(*row) for row in self.rows.get(cc, [])]
            lengths = {len(r.lau_code) for r in recs}
            numeric = all(r.lau_code.isdigit() for r in recs)
            fixed = lengths.pop() if len(lengths) == 1 and numeric else None
            with self._lock:
                self._by_code[cc] = ({r.lau_code.upper(): r for r in recs}, fixed)
        return self._by_code[cc]

    def names(self, cc: str) -> tuple[dict[str, list[int]], ...]:
        return self.by_name.get(cc, ({}, {}, {}))


@lru_cache(maxsize=262_144)
def core_name(name: str) -> str:
    """A municipality name without its kind: ``'Kiel, Landeshauptstadt'`` -> ``'kiel'``.

    Example
    -------
    >>> core_name("Ejido, El"), core_name("Frankfurt (Oder), Stadt"), core_name("Municipiul Sebes")
    ('el ejido', 'frankfurt oder', 'sebes')
    """
    head, _, tail = str(name).partition(",")
    tail_key = fold(tail)
    key = fold(head)
    if tail_key in _ARTICLES:
        key = f"{tail_key} {key}"
    key = _PREFIX_WORDS.sub("", key)
    return _SUFFIX_WORDS.sub("", key)


def name_keys(*names: str, bilingual: bool = True) -> tuple[set[str], set[str], set[str]]:
    """Match keys of a name in three tiers: whole name, core name, parts of a bilingual name."""
    whole: set[str] = set()
    core: set[str] = set()
    parts: set[str] = set()
    for name in {spelling for n in names if n for spelling in spellings(n)}:
        whole.add(fold(name))
        core.add(core_name(name))
        if bilingual and ("/" in name or " - " in name):
            parts.update(core_name(part) for part in _BILINGUAL.split(name))
    return whole - {""}, core - {""}, parts - {""}


@cache
def _lau() -> _LauIndex:
    return kept_index("lau", ("lau.parquet",), (__file__,), _LauIndex)


def lau_by_code(country: str, lau_code: str) -> LauRecord | None:
    """The municipality with this national LAU code (LAU 2019), or None.

    Accepts ``'AT_40101'`` / ``'AT40101'`` forms and restores dropped leading zeros.

    Example
    -------
    >>> lau_by_code("AT", "40101").name_national
    'Linz'
    """
    cc = normalise_country(country)
    if cc is None or lau_code is None:
        return None
    table, fixed = _lau().codes(cc)
    text = re.sub(r"[\s.]", "", str(lau_code).upper())
    for candidate in (text, re.sub(rf"^{cc}[_-]?", "", text)):
        if candidate in table:
            return table[candidate]
        if fixed and candidate.isdigit() and len(candidate) < fixed:
            padded = candidate.zfill(fixed)
            if padded in table:
                return table[padded]
    return None


def lau_by_name(country: str, name: str) -> list[LauRecord]:
    """Municipalities whose national or Latin name matches, most populous first.

    The whole normalised name is tried first, then the name without its kind ("Stadt",
    "Landeshauptstadt", "Municipiul", a trailing article as in "Ejido, El"), then each part of
    a bilingual name ("Biel/Bienne").

    Example
    -------
    >>> [r.nuts3_2016 for r in lau_by_name("FI", "lahti")]
    ['FI1C3']
    """
    cc = normalise_country(country)
    if cc is None or not name or not fold(name):
        return []
    index = _lau()
    query = (fold(name), core_name(name), core_name(name))
    for tier, key in zip(index.names(cc), query, strict=True):
        found = tier.get(key)
        if found:
            records = [index.record(cc, position) for position in found]
            return sorted(records, key=lambda r: -(r.population or 0))
    return []


def city_variants(city: str) -> list[tuple[str, bool]]:
    """Readings of a city field to try in turn, each with whether words were dropped: as
    written; without postcodes, CEDEX and brackets; each side of a slash; then with trailing
    words dropped, as addresses often add the province ("Eibar Guipuzcoa" -> "Eibar").

    Example
    -------
    >>> city_variants("Odense M (DK)")
    [('Odense M (DK)', False), ('Odense M', False), ('Odense', True)]
    """
    text = re.sub(r"\(.*?\)", " ", city)
    text = re.sub(r"\bcedex\b.*$", " ", text, flags=re.IGNORECASE)
    base = " ".join(w for w in text.split() if not any(ch.isdigit() for ch in w))
    out = [(city.strip(), False), (base, False)]
    if "/" in base:
        out += [(part.strip(), False) for part in base.split("/")]
    words = base.replace("/", " ").split()
    out += [(" ".join(words[:k]), True) for k in range(len(words) - 1, 0, -1)]
    seen: set[str] = set()
    result = []
    for name, truncated in out:
        if name not in seen and len(fold(name)) >= 3:
            seen.add(name)
            result.append((name, truncated))
    return result


# --------------------------------------------------------------------------- GeoNames


@cache
def _geonames() -> dict[str, dict[str, tuple[float, float, int]]]:
    return kept_index("geonames", ("geonames.parquet",), (__file__,), _geonames_by_key)


def _geonames_by_key() -> dict[str, dict[str, tuple[float, float, int]]]:
    t = read_table(
        "geonames.parquet", ["country", "name", "name_local", "lat", "lon", "population"]
    )
    t = t.to_pydict()
    best: dict[str, dict[str, tuple[float, float, int]]] = defaultdict(dict)
    for i, cc in enumerate(t["country"]):
        place = (t["lat"][i], t["lon"][i], t["population"][i] or 0)
        names = {s for n in (t["name"][i], t["name_local"][i]) if n for s in spellings(n)}
        for name in names:
            key = fold(name)
            known = best[cc].get(key)
            if known is None or place[2] > known[2]:
                best[cc][key] = place
    return best


def geonames_place(country: str, name: str) -> tuple[float, float] | None:
    """(lat, lon) of the most populous GeoNames place of that name in the country, or None.

    Places with at least 1,000 inhabitants; French overseas departments count as FR.

    Example
    -------
    >>> geonames_place("AT", "Vienna")
    (48.20849, 16.37208)
    """
    cc = normalise_country(country)
    if cc is None or not name:
        return None
    places = _geonames().get(cc, {})
    key = fold(name)
    place = places.get(key) or places.get(core_name(name))
    return (place[0], place[1]) if place else None
