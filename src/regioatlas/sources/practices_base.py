"""The registry of good-practice sources and the one way they are located.

A practice source reads a real published catalogue into practice documents
(``model.practices.check_practice`` fields plus ``id`` and ``location``). Sources register on
the plug-in door like the project sources (:mod:`regioatlas.plugins`): built-ins in
:data:`BUILTIN_PRACTICE_SOURCES`, third parties through the ``regioatlas.practice_sources``
entry-point group or ``PRACTICE_SOURCES.register(name, "pkg.module:Class")``.

Every practice is located by the atlas's cascade (``geo.locate.Locator``): coordinates, then
the city, then a place named in the organisation, then the country; the method and confidence
are kept in the document's ``location``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from regioatlas.geo.locate import Locator
from regioatlas.model import PlaceHint
from regioatlas.plugins import Registry
from regioatlas.sources.suggest_words import COUNTRY_NAMES

#: the built-in practice sources, name → "module:Class"
BUILTIN_PRACTICE_SOURCES: dict[str, str] = {
    "ecesp": "regioatlas.sources.practices_ecesp:EcespGoodPractices",
    "jrc-ipso": "regioatlas.sources.practices_ecesp:JrcPublicServiceCases",
    "urbact": "regioatlas.sources.practices_urbact:UrbactGoodPractices",
    "eu-mission-adaptation": "regioatlas.sources.practices_mission:MissionAdaptationProjects",
}
#: every practice source: built-ins, entry points, ``register()``
PRACTICE_SOURCES = Registry(
    "practice source", BUILTIN_PRACTICE_SOURCES, group="regioatlas.practice_sources"
)
#: the names the publishers use for Greece and the United Kingdom, besides the generic table
_EXTRA_COUNTRIES = {"greece": "EL", "united kingdom": "UK", "norway": "NO", "switzerland": "CH"}


@dataclass
class PracticeRead:
    """What a practice source read: practices, transfers (``model.practices.check_transfer``
    fields plus ``id``) and the rows it could not use (line, reason)."""

    practices: list[dict]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    transfers: list[dict] = field(default_factory=list)


class PracticeSource(Protocol):
    """A reader of one published catalogue of practices."""

    name: str
    title: str
    publisher: str
    licence: str
    attribution: str
    #: may a subset be shipped inside the package (an open licence)?
    shippable: bool

    def read(self, paths: list[Path], locator: Locator | None = None) -> PracticeRead: ...


def country_code(name: str | None) -> str | None:
    """The NUTS country code of a country name as publishers write it, or None.

    Example
    -------
    >>> country_code("Finland"), country_code("Other (Norway)"), country_code("EU")
    ('FI', 'NO', None)
    """
    text = (name or "").strip().casefold()
    text = re.sub(r"^other \((.*)\)$", r"\1", text).strip()
    return COUNTRY_NAMES.get(text) or _EXTRA_COUNTRIES.get(text)


#: words of organisation names that are never places
_NOT_PLACES = re.compile(
    r"^(the|of|and|for|de|di|del|della|van|der|city|municipality|region|province|gmbh|ltd|"
    r"srl|spa|bv|nv|sa|ab|oy|as|aps|university|association|foundation|company|group)$",
    re.IGNORECASE,
)


def locate_practice(
    locator: Locator,
    country: str | None,
    *,
    city: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    organisation: str | None = None,
) -> dict:
    """Where a practice is: ``{region, nuts_version, method, confidence, detail}``.

    The cascade of the atlas, in order: coordinates, city, a municipality named in the
    organisation's name (method ``organisation_place``), the country. ``region`` is the finest
    code found (NUTS 3, else the country), or None when not even the country is known.

    Example
    -------
    >>> locate_practice(Locator(), "FI", city="Lahti")["region"]  # Päijät-Häme in NUTS 2024
    'FI1C6'
    >>> locate_practice(Locator(), "FI", organisation="Lahden kaupunki / City of Lahti")["method"]
    'organisation_place'
    """
    if lon is not None and lat is not None:
        found = locator.locate(PlaceHint(country=country, lon=lon, lat=lat))
        if found.nuts3:
            return _where(found, "coordinates")
    if city:
        found = locator.locate(PlaceHint(country=country, city=city))
        if found.nuts3:
            return _where(found, found.method)
    if organisation and country:
        for word in re.findall(r"[^\W\d_][\w'-]{2,}", organisation):
            if word[0].isupper() and not _NOT_PLACES.match(word):
                found = locator.locate(PlaceHint(country=country, city=word))
                if found.nuts3 and found.method == "municipality_name":
                    return _where(found, "organisation_place", f"{word!r} in the organisation")
    if country:
        found = locator.locate(PlaceHint(country=country))
        if found.nuts0:
            return _where(found, "country")
    return {
        "region": None,
        "nuts_version": None,
        "method": "none",
        "confidence": 0.0,
        "detail": None,
    }


def _where(found, method: str, detail: str | None = None) -> dict:
    return {
        "region": found.nuts3 or found.nuts2 or found.nuts1 or found.nuts0,
        "nuts_version": found.version,
        "method": method,
        "confidence": round(
            float(found.confidence) * (0.8 if method == "organisation_place" else 1), 3
        ),
        "detail": detail or found.detail,
    }
