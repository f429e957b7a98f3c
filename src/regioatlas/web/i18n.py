"""UI languages and their gettext catalogs (Babel .po files), served to the browser as JSON.

Every UI string lives in ``static/app/*.js`` as ``_("...")``; ``tools/i18n.sh`` extracts them
to ``locale/messages.pot`` and updates each language's ``messages.po``.
"""

from __future__ import annotations

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


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """The language asked in the URL, else the browser's first supported one, else English."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
