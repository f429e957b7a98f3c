"""Organisations across sources: the list, one organisation, a project's participants' ids.

The matching (``analytics.organisations``) runs over every participation in the store and is
kept in memory under ``Store.data_version()``: computed on first use after a write, never stale.
It is not materialised at ingest because it spans all datasets: any ingest or removal can
move links of every other dataset (a new CORDIS file brings the PIC that ties a national
list's beneficiary to a university), so a stored copy would have to be rebuilt across the
whole store inside every dataset write of both stores; a cache keyed on the data version gets
the same answers with no schema and no write-path cost.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

from regioatlas.analytics.organisations import (
    Organisation,
    OrganisationRecord,
    fold,
    match_organisations,
    vat_in_name,
)
from regioatlas.api.parameters import COUNTRY, LIMIT, OFFSET, REGION, Param
from regioatlas.api.problems import bad_request, not_found
from regioatlas.geo.regions import resolve_region
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.store.base import Store

log = logging.getLogger("regioatlas.organisations")

#: the query parameters of ``GET /api/organisations``
ORGANISATION_QUERY: tuple[Param, ...] = (
    Param("q", "string", "text in the organisation's names (case and accents ignored)"),
    COUNTRY.with_(help="the organisation's country code, EL for Greece"),
    REGION.with_(help="NUTS code of any level and version: organisations placed in it"),
    LIMIT,
    OFFSET,
)

#: locating methods that say where the organisation itself is. ``intermediate_body`` (the
#: funding authority's area) and ``country`` say where it was funded or only its country:
#: matching on them would join namesakes in different towns and miss a body's other records.
PLACE_METHODS = frozenset(
    {
        "nuts_code",
        "nuts_code_recoded",
        "coordinates",
        "postcode",
        "lau_code",
        "municipality_name",
        "geonames_place",
    }
)

#: the participation columns an organisation page shows for each linked record
_RECORD_FIELDS = (
    "project_id",
    "seq",
    "name",
    "role",
    "org_type",
    "eu_contribution_eur",
    "nuts0",
    "nuts1",
    "nuts2",
    "nuts3",
    "city",
    "project_source",
)


def record_of(row: dict) -> OrganisationRecord:
    """The matcher's view of a stored participation: its org id is a PIC only in CORDIS, its
    NUTS codes a place only when located by the organisation's own address or name.

    Example
    -------
    >>> record_of({"project_id": "cordis-h2020:1", "seq": 2, "org_id": "999999999",
    ...            "project_source": "cordis-h2020", "nuts0": "FI"}).pic
    '999999999'
    """
    org_id = (row.get("org_id") or "").strip()
    placed = row.get("loc_method") in PLACE_METHODS
    is_pic = (row.get("project_source") or "").startswith("cordis") and org_id.isdigit()
    country = row.get("nuts0") or row.get("country_given")
    name, vat = vat_in_name(row.get("name"), country)
    return OrganisationRecord(
        key=(row["project_id"], int(row["seq"])),
        name=name,
        pic=org_id if is_pic else None,
        vat=row.get("vat") or vat,
        country=country,
        nuts=(
            (row.get("nuts0"), row.get("nuts1"), row.get("nuts2"), row.get("nuts3"))
            if placed
            else (row.get("nuts0"), None, None, None)
        ),
        town=row.get("city"),
    )


@dataclass
class OrganisationIndex:
    """The organisations of one data version, with what their pages need."""

    data_version: str
    organisations: list[Organisation]
    by_id: dict[str, Organisation]
    by_project: dict[str, dict[int, str]]
    records: dict[tuple[str, int], dict]
    projects: dict[str, dict]


class Organisations:
    """The organisation handlers over a store (the index is rebuilt when the data change)."""

    def __init__(self, store: Store):
        self.store = store
        self._index: OrganisationIndex | None = None
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self._builder: threading.Thread | None = None

    def current(self) -> OrganisationIndex:
        """The index for the store's data as they are now."""
        version = self.store.data_version()
        index = self._index
        if index is not None and index.data_version == version:
            return index
        with self._lock:
            if self._index is None or self._index.data_version != version:
                self._index = self._build(version)
            return self._index

    def ready(self) -> OrganisationIndex | None:
        """The index if it is built for the data as they are now, else None at once.

        A page that only decorates its answer with organisation ids must not wait for the
        matching (tens of seconds over a large store): it gets None and the build starts in
        the background, so a later request finds it ready.

        Example
        -------
        >>> from regioatlas.store import open_store
        >>> organisations = Organisations(open_store(":memory:"))
        >>> organisations.ready() is None  # nothing built yet: the build starts now
        True
        """
        index = self._index
        if index is not None and index.data_version == self.store.data_version():
            return index
        self.warm()
        return None

    def warm(self) -> None:
        """Build the index for the current data in a background thread (one build at a time)."""
        with self._starting:
            if self._builder is not None and self._builder.is_alive():
                return  # current() builds for the newest version, whichever started it
            self._builder = threading.Thread(
                target=self._build_quietly, daemon=True, name="organisations"
            )
            self._builder.start()

    def _build_quietly(self) -> None:
        """The background build: a failure (the store closed under it as the app stops, a
        store error) is logged, and the next request that needs the index builds it again."""
        try:
            self.current()
        except Exception:
            log.warning("building the organisation index failed", exc_info=True)

    def _build(self, version: str) -> OrganisationIndex:
        rows = self.store.participants(ProjectFilter())
        organisations = match_organisations([record_of(r) for r in rows])
        _, projects = self.store.query_projects(ProjectFilter(), Page(limit=10**9))
        return OrganisationIndex(
            data_version=version,
            organisations=organisations,
            by_id={o.id: o for o in organisations},
            by_project=_by_project(organisations),
            records={
                (r["project_id"], int(r["seq"])): {k: r.get(k) for k in _RECORD_FIELDS}
                for r in rows
            },
            projects={p["id"]: p for p in projects},
        )

    # --- handlers -----------------------------------------------------------------------
    def search(self, params: dict) -> dict:
        """``GET /api/organisations``: by name text, country and region, most projects first."""
        index = self.current()
        text = fold(str(params.get("q") or ""))
        country = str(params.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise bad_request(f"country must be a two-letter code, not {country!r}", "country")
        region = resolved = None
        if params.get("region"):
            resolved = resolve_region(str(params["region"]), None, parameter="region")
            region = resolved.code
        limit, offset = _page(params)
        found = []
        for org in index.organisations:
            if country and org.country != country:
                continue
            if text and not any(text in fold(n) for n in org.names):
                continue
            if region and not _placed_in(org, region, index):
                continue
            found.append(org)
        found.sort(key=lambda o: (-len({link.key[0] for link in o.links}), o.name, o.id))
        out = {
            "total": len(found),
            "limit": limit,
            "offset": offset,
            "data_version": index.data_version,
            "items": [_summary(o, index) for o in found[offset : offset + limit]],
        }
        if resolved is not None:  # the region door's report, as on every region route
            out["resolved"] = {"region": resolved.as_dict()}
        return out

    def organisation(self, org_id: str) -> dict:
        """``GET /api/organisations/{id}``: projects, funding by year, places, links."""
        index = self.current()
        org = index.by_id.get(org_id.strip().lower())  # a page URL may have changed its case
        if org is None:
            raise not_found(
                f"no organisation {org_id!r} (ids look like 'pic-999984059' or 'org-…'; "
                "search them at /api/organisations?q=...)"
            )
        participations = []
        for link in org.links:
            record = index.records[link.key]
            project = index.projects.get(link.key[0], {})
            participations.append(
                {
                    **record,
                    "acronym": project.get("acronym"),
                    "title": project.get("title"),
                    "programme": project.get("programme"),
                    "source": project.get("source"),
                    "start_date": project.get("start_date"),
                    "end_date": project.get("end_date"),
                    "method": link.method,
                    "confidence": link.confidence,
                    "evidence": link.evidence,
                }
            )
        participations.sort(key=lambda p: (str(p["start_date"] or ""), p["project_id"]))
        return {
            **_summary(org, index),
            "names": org.names,
            "vats": org.vats,
            "towns": org.towns,
            "participations": participations,
            "funding_by_year": _funding_by_year(participations),
        }

    def of_project(self, project_id: str) -> dict[int, str] | None:
        """The organisation id of each participant of a project, by sequence number; None
        while the matching for the current data is still being built (never waits)."""
        index = self.ready()
        return None if index is None else index.by_project.get(project_id, {})


def _by_project(organisations: list[Organisation]) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for org in organisations:
        for link in org.links:
            out[link.key[0]][link.key[1]] = org.id
    return dict(out)


def _page(params: dict) -> tuple[int, int]:
    try:
        limit = int(params.get("limit") or LIMIT.default)
        offset = int(params.get("offset") or 0)
    except (TypeError, ValueError):
        raise bad_request("limit and offset must be whole numbers", "limit") from None
    LIMIT.check(str(limit))
    OFFSET.check(str(offset))
    return limit, offset


def _placed_in(org: Organisation, region: str, index: OrganisationIndex) -> bool:
    column = f"nuts{len(region) - 2}"
    return any(index.records[link.key].get(column) == region for link in org.links)


def _summary(org: Organisation, index: OrganisationIndex) -> dict:
    methods = Counter(link.method for link in org.links)
    sources = Counter(index.records[link.key]["project_source"] for link in org.links)
    money = [index.records[link.key]["eu_contribution_eur"] for link in org.links]
    return {
        "id": org.id,
        "name": org.name,
        "country": org.country,
        "pics": org.pics,
        "regions": org.regions,
        "projects": len({link.key[0] for link in org.links}),
        "participations": len(org.links),
        "eu_contribution_eur": round(sum(m for m in money if m is not None and m == m), 2)
        if any(m is not None and m == m for m in money)
        else None,
        "sources": dict(sorted(sources.items())),
        "match_methods": dict(sorted(methods.items())),
        "min_confidence": min(link.confidence for link in org.links),
    }


def _funding_by_year(participations: list[dict]) -> list[dict]:
    """EU contribution of the organisation's participations and projects, by project start."""
    years: dict[int | None, dict] = defaultdict(lambda: {"projects": set(), "eur": 0.0})
    for p in participations:
        start = p.get("start_date")
        year = int(str(start)[:4]) if start else None
        years[year]["projects"].add(p["project_id"])
        money = p.get("eu_contribution_eur")
        if money is not None and money == money:
            years[year]["eur"] += money
    return [
        {"year": y, "projects": len(v["projects"]), "eu_contribution_eur": round(v["eur"], 2)}
        for y, v in sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    ]
