"""Draft a profile for an unknown CSV: detect its layout, guess which column is which field.

The draft is TOML that ``load_profile`` accepts; every guess is marked ``# guessed: check`` so a
person reviews it before trusting the numbers it produces.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from regioatlas.model import InputError, RowError
from regioatlas.sources.money import UnknownCurrency, rate_for
from regioatlas.sources.profile import COUNTRIES, parse_profile

#: Header words per field, as regular expressions over the lower-cased header, with a weight.
FIELD_WORDS: dict[str, list[tuple[str, int]]] = {
    "id": [(r"\b(id|code|koodi|kennung|kennziffer|numer|nr|no|n°|identifiant|codice|código|"
            r"hankekoodi|hankenumero|numéro|numero|reference|referenz|cup)\b", 3)],
    "title": [(r"hankkeen nimi|operation name|project name|name of (the )?operation|title|"
               r"tytuł|bezeichnung des vorhabens|projekttitel|projektname|intitulé|titre|"
               r"nom (du |de l.)?(projet|opération)|titolo|denominazione|título|"
               r"nombre (del|de la) (proyecto|operación)", 4),
              (r"\b(name|nimi|nazwa|nom|nome|nombre|bezeichnung|vorhaben|projekt|project)\b", 1)],
    "summary": [(r"summary|zusammenfassung|description|beschreibung|kuvaus|tiivistelmä|opis|"
                 r"streszczenie|résumé|descrizione|sintesi|resumen|descripción|objective|"
                 r"objectif|obiettivo|objetivo|cel projektu|tavoite", 4)],
    "beneficiary": [(r"beneficiar|begünstigt|toteuttaj|tuensaaja|beneficjent|bénéficiaire|"
                     r"beneficiario|organisation|organization|träger|hakija|wnioskodawca|"
                     r"soggetto|partner", 4)],
    "start_date": [(r"start|beginn|aloitus|alkamis|rozpocz|début|debut|inizio|inicio|\bfrom\b|"
                    r"\bvon\b|\balku", 4)],
    "end_date": [(r"\bend\b|\bende\b|päättymis|loppu|zakończ|\bfin\b|\bfine\b|conclus|\bto\b|"
                  r"\bbis\b|until", 4)],
    "total_cost": [(r"total|gesamt|yhteensä|kokonais|wartość|całkowit|coût|montant|costo|"
                    r"importo|coste|gasto|eligible|förderfähig|kustannus|budget", 4),
                   (r"toteutunut|paid|ausgezahlt|wypłac|realis|payé|pagat|pagad|spent", -3)],
    "eu_contribution": [(r"\beu\b|\bue\b|union|unions|eakr|\besr\b|erdf|\besf|efre|feder|fesr|"
                         r"\bfse\b|dofinansowanie|co-?financ|kofinanz|contribution|beitrag|"
                         r"myönnetty|grant", 4),
                        (r"rate|satz|%|stopa|taux|tasso|tasa|osuus|toteutunut|paid|ausgezahlt|"
                         r"wypłac|realis|payé", -3)],
    "eu_rate": [(r"rate|satz|%|stopa|taux|tasso|tasa|prozent|percent|osuus", 4)],
    "status": [(r"\b(status|tila|stan|état|etat|stato|estado)\b", 4)],
    "category": [(r"categor|kategori|dziedzina|theme|thema|teema|topic|\bfield\b|domaine|"
                  r"settore|sector|priority|prioritätsachse|toimintalinja|\btl\b|oś", 3)],
    "fund": [(r"\b(fund|rahasto|fonds|fundusz|fondo)\b", 4)],
    "programme": [(r"programme|program|ohjelma|programm|programma|programa", 3)],
    "postcode": [(r"post ?code|postal|\bzip\b|\bplz\b|postleitzahl|postinumero|kod pocztowy|"
                  r"code postal|\bcap\b|código postal", 5)],
    "nuts_code": [(r"\bnuts\b", 5)],
    "lau_code": [(r"\blau\b|gemeindekennziffer|gemeindecode|regionalcode|location indicator|"
                  r"kuntakoodi|kuntanumero|teryt|code insee|codice istat|municipality code", 4)],
    "municipality": [(r"municipality|gemeinde|\bkunta\b|gmina|commune|comune|municipio|\bcity\b|"
                      r"stadt|kaupunki|miasto|ville|città|ciudad|\bort\b|lieu|località|"
                      r"miejscowość|sijainti", 3)],
}  # fmt: skip
BODY_WORDS = (
    r"viranomainen|intermediate body|zwischengeschaltet|instytucja pośrednicząca|"
    r"organisme intermédiaire|organismo intermedio|välittävä toimielin"
)
COUNTRY_WORDS = r"\b(country|land|maa|kraj|pays|paese|país|pais|staat)\b"
LANGUAGE_WORDS = {
    "fi": r"hankkeen|nimi|rahasto|viranomainen|tila|aloitus|päättymis|toteuttaja|myönnetty|yhteensä",
    "de": r"bezeichnung|vorhaben|begünstigt|gesamt|datum|beginn|ende|land|satz|gemeinde|betrag",
    "pl": r"tytuł|projektu|nazwa|beneficjent|wartość|dofinansowanie|dziedzina|czy|gmina",
    "fr": r"intitulé|projet|bénéficiaire|montant|coût|début|commune|opération|pays",
    "it": r"titolo|progetto|beneficiario|importo|costo|inizio|comune|paese",
    "es": r"título|proyecto|beneficiario|importe|coste|fecha|inicio|municipio|país",
    "en": r"name|title|project|beneficiary|total|start|end|date|country|operation|amount",
}
#: Frequent small words of running text, to tell the language of the cells.
VALUE_WORDS = {
    "fi": r"\b(ja|sekä|hanke|kehittäminen|hankinta|uusi|oy)\b",
    "de": r"\b(und|der|die|das|für|mit|von|des|gmbh)\b",
    "pl": r"\b(oraz|dla|budowa|rozwój|przebudowa|sp\.|gmina|spółka)\b",
    "fr": r"\b(le|la|les|des|et|pour|du|sur)\b",
    "it": r"\b(il|di|della|dei|per|nel|degli)\b",
    "es": r"\b(el|los|las|del|para|con|y)\b",
    "en": r"\b(the|and|of|for|with|ltd)\b",
}
LANGUAGE_COUNTRY = {"fi": "FI", "pl": "PL", "de": "DE", "fr": "FR", "it": "IT", "es": "ES"}
COUNTRY_NAMES = {
    "austria": "AT", "österreich": "AT", "oesterreich": "AT", "finland": "FI", "suomi": "FI",
    "poland": "PL", "polska": "PL", "germany": "DE", "deutschland": "DE", "france": "FR",
    "italy": "IT", "italia": "IT", "spain": "ES", "españa": "ES", "greece": "EL",
    "sweden": "SE", "sverige": "SE", "czechia": "CZ", "czech republic": "CZ", "hungary": "HU",
    "magyarország": "HU", "romania": "RO", "românia": "RO", "bulgaria": "BG", "croatia": "HR",
    "hrvatska": "HR", "slovenia": "SI", "slovenija": "SI", "slovakia": "SK", "slovensko": "SK",
    "portugal": "PT", "belgium": "BE", "belgique": "BE", "belgië": "BE", "netherlands": "NL",
    "nederland": "NL", "denmark": "DK", "danmark": "DK", "ireland": "IE", "estonia": "EE",
    "eesti": "EE", "latvia": "LV", "latvija": "LV", "lithuania": "LT", "lietuva": "LT",
    "luxembourg": "LU", "malta": "MT", "cyprus": "CY",
}  # fmt: skip
CURRENCIES = {"PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "SE": "SEK", "DK": "DKK",
              "BG": "BGN", "HR": "HRK"}  # fmt: skip
FUND_NAMES = {
    "EAKR": "ERDF", "ESR": "ESF", "EFRE": "ERDF", "ESF": "ESF", "ERDF": "ERDF", "FEDER": "ERDF",
    "FSE": "ESF", "FESR": "ERDF", "EFRR": "ERDF", "EFS": "ESF", "ESF+": "ESF+", "CF": "CF",
    "KF": "CF", "JTF": "JTF", "FC": "CF",
}  # fmt: skip

_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")
_NUMBER = re.compile(r"^-?[\d\s\u00a0'.,]*\d[\d\s\u00a0'.,]*(€|eur|pln|zł)?$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*\d+([.,]\d+)?\s*%\s*$")
_CODE_NAME = re.compile(r"^\s*\d{4,6}\s*-\s*\S")
_NUTS_VALUE = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")
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


@dataclass
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
        if self.share(_NUMBER) >= 0.8:
            return "number"
        return "text"

    @property
    def unique(self) -> bool:
        return len(set(self.values)) == len(self.values) >= 0.9 * self.rows > 0

    @property
    def mean_length(self) -> float:
        return sum(map(len, self.values)) / len(self.values) if self.values else 0.0


_FITS = {
    "start_date": {"date"}, "end_date": {"date"}, "total_cost": {"number"},
    "eu_contribution": {"number"}, "eu_rate": {"percent", "number"}, "nuts_code": {"nuts"},
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


def _decimal(columns: list[_Column]) -> str:
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


def _country(columns: list[_Column], assigned: dict[str, int], language: str | None):
    for col in columns:
        if re.search(COUNTRY_WORDS, col.header.casefold()) and col.values:
            top = Counter(v.strip().casefold() for v in col.values).most_common(1)[0][0]
            code = COUNTRY_NAMES.get(top) or (top.upper() if top.upper() in COUNTRIES else None)
            if code:
                return code, f"from the column {col.header!r}"
    if "nuts_code" in assigned:
        prefixes = Counter(v[:2] for v in columns[assigned["nuts_code"]].values)
        return prefixes.most_common(1)[0][0], "from the NUTS codes"
    if language in LANGUAGE_COUNTRY:
        return LANGUAGE_COUNTRY[language], f"from the header language ({language})"
    return None, ""


def _currency(columns: list[_Column], assigned: dict[str, int], country: str | None) -> str:
    heads = " ".join(columns[assigned[f]].header for f in AMOUNTS if f in assigned)
    for code in ("PLN", "CZK", "HUF", "RON", "SEK", "DKK", "BGN", "HRK", "EUR"):
        if re.search(rf"\b{code}\b", heads, re.IGNORECASE):
            return code
    if re.search(r"\bzł\b", heads, re.IGNORECASE):
        return "PLN"
    return CURRENCIES.get(country or "", "EUR")


AMOUNTS = ("total_cost", "eu_contribution")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _regex(value: str) -> str:
    """A TOML string holding a regex that matches ``value`` literally."""
    escaped = re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", value)
    return f"'{escaped}'" if "'" not in escaped else _toml(escaped)


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


def suggest_profile(path: str | Path, *, name: str | None = None) -> str:
    """Draft a commented TOML profile for a CSV file; every guess is marked "guessed: check".

    Detects the encoding (utf-8, utf-8-sig, cp1250, cp1252, latin-1), the delimiter, the header
    row, the decimal style and date format, guesses the column for each model field from header
    words in EN/FI/DE/PL/FR/IT/ES and the values, and the country and currency.

    Example
    -------
    >>> text = suggest_profile("tests/fixtures/cohesion/PL_ERDF_2014-2020_projects_sample.csv")
    >>> 'delimiter = ";"' in text and 'currency = "PLN"' in text
    True
    """
    path = Path(path)
    raw = path.read_bytes() if path.exists() else b""
    if not raw.strip():
        reason = "the file is empty" if path.exists() else "file not found"
        raise InputError(RowError(str(path), None, None, reason))
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
    language = _language(header, columns)
    country, country_why = _country(columns, assigned, language)
    currency = _currency(columns, assigned, country)
    try:
        rate_for(currency, 2016)
    except UnknownCurrency:
        currency = "EUR"
    decimal, date_format = _decimal(columns), _date_format(columns)
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
    out.append(f'currency = "{currency}"  # guessed: check')
    if currency != "EUR":
        year, why = _year_of(columns, path)
        out.append(
            f"rate_year = {year}  # guessed: check ({why}); rows without a start date use it"
        )
    if "id" not in assigned:
        out.append("# No unique id column found: ids are hashes of these fields' cells.")
        fields = [f for f in ("title", "beneficiary", "total_cost") if f in assigned] or ["title"]
        out.append(f"id_fields = {json.dumps(fields)}")
    out += ["", "[columns]"]
    for fld in FIELD_WORDS:
        if fld in assigned:
            out.append(f"{fld} = {_toml(columns[assigned[fld]].header)}  # guessed: check")
    if "eu_contribution" in assigned and "eu_rate" in assigned:
        out.append("# eu_rate is used only where eu_contribution is empty")
    unused = [c.header for i, c in enumerate(columns) if i not in assigned.values()]
    if unused:
        out.append("# not mapped: " + ", ".join(_toml(h) for h in unused))
    if "lau_code" in assigned and columns[assigned["lau_code"]].kind == "code-name":
        out += [
            "",
            "[extract]",
            r"lau_code = '^\s*(\d{4,6})\b'  # guessed: check",
            r"municipality = '^\s*\d{4,6}\s*-\s*(.+?)\s*$'  # guessed: check",
        ]
    if "fund" in assigned:
        seen = sorted({v for v in columns[assigned["fund"]].values if v.upper() in FUND_NAMES})
        if seen:
            out += ["", "[values.fund]"]
            out += [f"{_toml(v)} = {_toml(FUND_NAMES[v.upper()])}  # guessed: check" for v in seen]
    bodies = [c for c in columns if re.search(BODY_WORDS, c.header.casefold())]
    for col in bodies:
        top = Counter(col.values).most_common(1)[0][0] if col.values else "name of the body"
        out += [
            "",
            f"# {col.header!r} looks like an intermediate body: rules put its area on the map,",
            "# tried in order, first match wins (see docs/profiles.md, body_region).",
            "# [[body_region]]",
            f"# column = {_toml(col.header)}",
            f"# pattern = {_regex(top.strip())}",
            '# nuts = "XX123"  # the smallest NUTS 2021 region holding the whole area',
        ]
    draft = "\n".join(out) + "\n"
    parse_profile(draft, origin=f"profile suggested for {path}")  # the draft must load
    return draft
