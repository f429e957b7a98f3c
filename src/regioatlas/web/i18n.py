"""UI languages and their gettext catalogs (Babel .po files), served to the browser as JSON.

Every UI string lives in ``static/app/*.js`` as ``_("...")``; ``tools/i18n.sh`` extracts them
to ``locale/messages.pot`` and updates each language's ``messages.po``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

#: language code → its own name, in the order of the language switch
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fi": "Suomi",
    "de": "Deutsch",
    "it": "Italiano",
    "fr": "Français",
}
DEFAULT_LANGUAGE = "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid → translation for a language (empty for English, the source language).

    Example
    -------
    >>> catalog("fi")["Projects"]
    'Hankkeet'
    """
    if lang not in LANGUAGES:
        raise KeyError(lang)
    if lang == DEFAULT_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    path = resources.files("regioatlas.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    # singular messages only: babel types ids and strings as str or a tuple of plural forms
    return {
        m.id: m.string
        for m in cat
        if isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    }


#: NUTS writes Greece EL and the United Kingdom UK; ISO 3166 (and CLDR) GR and GB
NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}


@cache
def country_names(lang: str) -> dict[str, str]:
    """Country code (ISO 3166 alpha-2, and NUTS's EL and UK) → its name in a UI language (CLDR).

    Sent with each page: building the browser's own ``Intl.DisplayNames`` took more time than
    anything else before the map's first draw on a slow CPU.

    Example
    -------
    >>> country_names("fi")["EL"], country_names("de")["FI"]
    ('Kreikka', 'Finnland')
    """
    from babel import Locale

    names = {
        code: name
        for code, name in Locale.parse(lang).territories.items()
        if len(code) == 2 and code.isalpha()
    }
    return names | {nuts: names[iso] for nuts, iso in NUTS_TO_ISO.items() if iso in names}


#: CLDR's minimumGroupingDigits, which Babel does not carry: Italian writes 1234 but 12.345
_MIN_GROUPING = {"it": 2}
#: the date fields the page's own formatter writes (app.js ``fmt.date``)
_DATE_FIELDS = {"d", "M", "MMM", "y"}


@cache
def number_formats(lang: str) -> dict:
    """How a UI language writes numbers, euro amounts and dates (CLDR, by Babel), sent with each
    page for its own formatters (app.js ``fmt``).

    The browser's ``Intl`` gives the same text, but its first formatter sets up ICU's data for
    the language: 80-200 ms of a slow CPU's main thread before the first figure is drawn.
    Affixes are [positive, negative] pairs of (prefix, suffix), the minus and the currency
    symbol written in; ``date`` is the "day, abbreviated month, year" pattern with its fields
    as ``%(field)s`` (None when it has a field the page does not write).

    Example
    -------
    >>> f = number_formats("fi")
    >>> f["group"], f["eur"], f["date"]
    ('\xa0', [['', '\xa0€'], ['−', '\xa0€']], '%(d)s.%(M)s.%(y)s')
    """
    from babel import Locale

    loc = Locale.parse(lang)
    symbols = loc.number_symbols[loc.default_numbering_system]

    def affixes(pattern, currency: str = "") -> list[list[str]]:
        # a pattern's "-" is the language's minus sign (U+2212 in Finnish)
        return [
            [part.replace("-", symbols["minusSign"]).replace("¤", currency) for part in pair]
            for pair in zip(pattern.prefix, pattern.suffix, strict=True)
        ]

    date = loc.datetime_skeletons["yMMMd"].format
    return {
        "minus": symbols["minusSign"],
        "decimal": symbols["decimal"],
        "group": symbols["group"],
        "minGrouping": _MIN_GROUPING.get(lang, 1),
        "number": affixes(loc.decimal_formats[None]),
        "eur": affixes(loc.currency_formats["standard"], loc.currency_symbols["EUR"]),
        "date": date if set(re.findall(r"%\((\w+)\)s", date)) <= _DATE_FIELDS else None,
        "months": [loc.months["format"]["abbreviated"][month] for month in range(1, 13)],
        "eurCompact": _compact_euros(loc),
    }


def _compact_euros(loc) -> dict[int, str] | None:
    """Powers of ten → CLDR's short pattern for euro amounts of that size ("0 milj. €": a run of
    0s for the digits kept, "0" alone: not shortened), quotes resolved and the symbol written
    in; None when the pattern depends on the plural form of the number (not in the five UI
    languages), which only Intl writes.

    Example
    -------
    >>> from babel import Locale
    >>> _compact_euros(Locale.parse("de"))[6], _compact_euros(Locale.parse("de"))[3]
    ('0\xa0Mio.\xa0€', '0')
    """
    forms = loc.compact_currency_formats["short"]
    patterns = [{k: p.pattern for k, p in form.items()} for form in forms.values()]
    if any(other != patterns[0] for other in patterns):
        return None
    euro = loc.currency_symbols["EUR"]
    return {
        len(power) - 1: re.sub(r"'([^']*)'", r"\1", pattern).replace("¤", euro)
        for power, pattern in patterns[0].items()
    }


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """The language asked in the URL, else the browser's first supported one, else English."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
