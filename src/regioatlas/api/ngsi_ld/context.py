"""The @context, served offline, and content negotiation (GS CIM 009 §6.3.5, §6.3.6).

The core context v1.8 and the Smart Data Models subject contexts ship in
``regioatlas/data/ngsi_ld`` (see its PROVENANCE.md). RegioAtlas serves them at
``/ngsi-ld/v1/contexts/<file>`` and names its user context in a ``Link`` header on every
``application/json`` answer; an ``application/ld+json`` answer carries ``@context`` instead.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from regioatlas.api.problems import ApiError

CORE_FILE = "ngsi-ld-core-context-v1.8.jsonld"
CORE_URL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
USER_FILE = "regioatlas-context.jsonld"
SDM_FILES = tuple(
    f"sdm-{m}-context.jsonld"
    for m in ("KeyPerformanceIndicator", "Environment", "SDG", "Organization", "CPSV-AP")
)
CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
JSON, JSON_LD, GEO_JSON = "application/json", "application/ld+json", "application/geo+json"
#: terms of RegioAtlas's own attributes (no Smart Data Model names them)
OWN_TERMS = {
    term: f"https://regioatlas.eu/ngsi-ld/{term}"
    for term in (
        "NutsRegion",
        "nutsCode",
        "nutsLevel",
        "nutsVersion",
        "measure",
        "unit",
        "dataset",
        "stationCode",
        "refRegion",
        "refParent",
        "refOrganization",
        "euContributionEUR",
        "fund",
        "startDate",
        "endDate",
        "addressCountry",
    )
}


def _read(name: str) -> dict:
    text = resources.files("regioatlas.data").joinpath("ngsi_ld", name).read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def context_files() -> dict[str, dict]:
    """Every context document RegioAtlas serves, by file name.

    Example
    -------
    >>> sorted(context_files())[0]
    'ngsi-ld-core-context-v1.8.jsonld'
    """
    files = {CORE_FILE: _read(CORE_FILE)}
    terms: dict[str, object] = dict(OWN_TERMS)
    for name in SDM_FILES:
        for term, iri in _read(name)["@context"].items():
            terms.setdefault(term, iri)
    files[USER_FILE] = {"@context": terms}
    return files


def context_url(base_url: str, name: str = USER_FILE) -> str:
    """The local URL of a served context."""
    return f"{base_url.rstrip('/')}/ngsi-ld/v1/contexts/{name}"


def link_header(base_url: str) -> str:
    """The ``Link`` header naming the user @context of a JSON answer."""
    return f'<{context_url(base_url)}>; rel="{CONTEXT_REL}"; type="{JSON_LD}"'


def response_context(base_url: str) -> list[str]:
    """The ``@context`` of an ``application/ld+json`` answer: the user context, then the core."""
    return [context_url(base_url), context_url(base_url, CORE_FILE)]


def negotiate(accept: str | None, geo: bool = True) -> str:
    """The media type of an answer from the ``Accept`` header (JSON when anything goes).

    Raises ApiError 406 when none of ``application/json``, ``application/ld+json`` and (for
    entity answers) ``application/geo+json`` is acceptable.

    Example
    -------
    >>> negotiate("application/ld+json, application/json;q=0.5")
    'application/ld+json'
    """
    offered = [JSON, JSON_LD] + ([GEO_JSON] if geo else [])
    best, best_q = None, 0.0
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        for candidate in offered:
            if media in (candidate, "*/*", "application/*") and q > best_q:
                best, best_q = (JSON if media in ("*/*", "application/*") else candidate), q
    if best is None:
        raise ApiError(
            406,
            "Not acceptable",
            f"Accept {accept!r}: this answer is {', '.join(offered)}",
            parameter="Accept",
        )
    return best
