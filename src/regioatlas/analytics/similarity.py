"""Synergy or overlap: how a similar project relates to the one asked about, and why.

Pure functions over project records (``Store.project_records()`` rows): no store, no HTTP.

* ``relate`` classifies a similar project as **overlap** (same region or same beneficiary,
  running at the same time: possible duplication or conflict), **synergy** (elsewhere, running
  at the same time or ended recently: someone to work with or learn from) or **related**
  (similar, but neither: an older project elsewhere, or an earlier/later one here), with the
  reasons: shared regions, shared beneficiaries, months of overlap, distance in km.
* ``overlap_pairs`` ranks the pairs of a region's projects that look alike and run together.
* ``rank_partners`` turns similar projects into organisations ranked by relevant track record.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

#: a project that ended at most this many years before the reference start is "recent"
RECENT_YEARS = 3
DAYS_PER_MONTH = 30.4375

Centroid = Callable[[str], tuple[float, float] | None]


@dataclass(frozen=True)
class Anchor:
    """What similar projects are compared with: a project, or a free text asked from a place.

    ``start``/``end`` are the reference period (a free text is asked today: both today).
    """

    regions: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    project_id: str | None = None

    @classmethod
    def of(cls, record: dict) -> Anchor:
        return cls(
            tuple(record.get("regions") or ()),
            tuple(record.get("organisations") or ()),
            _date(record.get("start_date")),
            _date(record.get("end_date")),
            record.get("id"),
        )


def shared_regions(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """Regions two projects share: equal codes, or one inside the other at NUTS 2 or finer.

    Example
    -------
    >>> shared_regions(["FI1C6", "FI1B1"], ["FI1C6"]), shared_regions(["FI1C"], ["FI1C6"])
    (['FI1C6'], ['FI1C'])
    >>> shared_regions(["FI"], ["FI1C6"])  # a country-wide location says too little
    []
    """
    out = set()
    for x in a:
        for y in b:
            short, long_ = (x, y) if len(x) <= len(y) else (y, x)
            if x == y or (len(short) >= 4 and long_.startswith(short)):
                out.add(short)
    return sorted(out)


def months_overlap(
    a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None
) -> float | None:
    """Months two periods run together (0 when they do not), None when a date is missing.

    Example
    -------
    >>> months_overlap(date(2020, 1, 1), date(2020, 12, 31), date(2020, 7, 1), date(2022, 1, 1))
    6.0
    """
    if a_start is None or a_end is None or b_start is None or b_end is None:
        return None
    days = (min(a_end, b_end) - max(a_start, b_start)).days + 1
    return round(max(days, 0) / DAYS_PER_MONTH, 1)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lon, lat) points.

    Example
    -------
    >>> round(haversine_km((24.94, 60.17), (25.66, 60.98)))  # Helsinki - Lahti
    98
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def distance_km(a: Sequence[str], b: Sequence[str], centroid: Centroid) -> float | None:
    """Shortest distance between the centroids of two projects' regions (None if unknown)."""
    pa = [p for p in map(centroid, a) if p]
    pb = [p for p in map(centroid, b) if p]
    if not pa or not pb:
        return None
    return round(min(haversine_km(x, y) for x in pa for y in pb), 1)


def relate(anchor: Anchor, record: dict, centroid: Centroid, today: date | None = None) -> dict:
    """Classify ``record`` against ``anchor`` as overlap, synergy or related, with the reasons.

    Example
    -------
    >>> here = Anchor(("FI1C6",), ("LAB UAS",), date(2019, 1, 1), date(2020, 12, 31))
    >>> other = {"regions": ["FI1C6"], "organisations": ["LAHTI CITY"],
    ...          "start_date": date(2020, 1, 1), "end_date": date(2021, 6, 30)}
    >>> r = relate(here, other, lambda code: (25.7, 61.2))
    >>> r["kind"], r["same_region"], r["months_overlap"], r["distance_km"]
    ('overlap', ['FI1C6'], 12.0, 0.0)
    """
    today = today or date.today()
    regions = list(record.get("regions") or [])
    orgs = list(record.get("organisations") or [])
    same_region = shared_regions(anchor.regions, regions)
    same_org = sorted(set(anchor.organisations) & set(orgs))
    start, end = _date(record.get("start_date")), _date(record.get("end_date"))
    ref_start = anchor.start or (today if anchor.project_id is None else None)
    ref_end = anchor.end or (today if anchor.project_id is None else None)
    months = months_overlap(ref_start, ref_end, start, end)
    # months is None exactly when a date is missing; the date checks only tell mypy so
    if months is None or end is None or ref_start is None:
        period = "unknown"
    elif months > 0:
        period = "overlapping"
    elif end < ref_start:
        period = "recent" if end >= ref_start - timedelta(days=365 * RECENT_YEARS) else "earlier"
    else:
        period = "later"
    concurrent = period in ("overlapping", "unknown")
    here = bool(same_region or same_org)
    if here and concurrent:
        kind = "overlap"
    elif not here and (period in ("overlapping", "recent") or (period == "unknown" and regions)):
        kind = "synergy"
    else:
        kind = "related"
    return {
        "kind": kind,
        "same_region": same_region,
        "same_beneficiary": same_org,
        "period": period,
        "months_overlap": months,
        "distance_km": distance_km(anchor.regions, regions, centroid),
    }


def explain(
    relation: dict, shared_terms: list[str], shared_topics: list[str], score: float, method: str
) -> str:
    """One sentence a person can check: why similar, and why synergy or overlap.

    Example
    -------
    >>> explain({"kind": "synergy", "same_region": [], "same_beneficiary": [],
    ...          "period": "overlapping", "months_overlap": 8.0, "distance_km": 1234.0},
    ...         ["biorefinery"], [], 0.42, "lexical")
    'synergy: similar (lexical score 0.420; shared terms: biorefinery); elsewhere, 1,234 km away; runs 8.0 months at the same time'
    """
    why = [f"{method} score {score:.3f}"]
    if shared_terms:
        why.append("shared terms: " + ", ".join(shared_terms))
    if shared_topics:
        why.append("shared topics: " + ", ".join(shared_topics))
    if not shared_terms and not shared_topics:
        why.append("no shared words: similar in meaning (often another language)")
    where = []
    if relation["same_region"]:
        where.append("same region " + ", ".join(relation["same_region"]))
    if relation["same_beneficiary"]:
        where.append("same beneficiary " + ", ".join(relation["same_beneficiary"]))
    if not where:
        km = relation.get("distance_km")
        where.append("elsewhere" + (f", {km:,.0f} km away" if km is not None else ""))
    when = {
        "overlapping": f"runs {relation['months_overlap']} months at the same time",
        "recent": "ended recently",
        "earlier": "ended earlier",
        "later": "starts later",
        "unknown": "period unknown",
    }[relation["period"]]
    return f"{relation['kind']}: similar ({'; '.join(why)}); {'; '.join(where)}; {when}"


def overlap_pairs(
    records: Sequence[dict], similarity, min_score: float, limit: int
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, score) of ``records`` at least ``min_score`` alike that may run together.

    ``similarity`` is the square matrix of scores between the records (dense array). Pairs
    whose periods are both known and do not overlap are left out. Best first.

    Example
    -------
    >>> import numpy as np
    >>> recs = [{"start_date": date(2020, 1, 1), "end_date": date(2021, 1, 1)},
    ...         {"start_date": date(2020, 6, 1), "end_date": date(2022, 1, 1)},
    ...         {"start_date": date(2016, 1, 1), "end_date": date(2017, 1, 1)}]
    >>> sim = np.array([[1, .8, .9], [.8, 1, .1], [.9, .1, 1]])
    >>> overlap_pairs(recs, sim, 0.5, 10)
    [(0, 1, 0.8)]
    """
    import numpy as np

    sim = np.asarray(similarity, dtype=np.float32)
    ii, jj = np.triu_indices(len(sim), k=1)
    values = sim[ii, jj]
    keep = values >= min_score
    ii, jj, values = ii[keep], jj[keep], values[keep]
    # the best pairs first: most are kept, so sorting a few times ``limit`` is enough
    # (all of them only when many best pairs do not run together)
    wanted = min(len(values), max(limit * 20, 1000))
    for size in (wanted, len(values)):
        part = (
            np.argpartition(-values, size - 1)[:size]
            if 0 < size < len(values)
            else np.arange(len(values))
        )
        order = part[np.lexsort((part, -values[part]))]
        pairs = _concurrent_pairs(records, ii, jj, values, order, limit)
        if len(pairs) >= limit or size == len(values):
            return pairs
    return []


def _concurrent_pairs(records, ii, jj, values, order, limit) -> list[tuple[int, int, float]]:
    out = []
    for o in order:
        i, j = int(ii[o]), int(jj[o])
        a, b = records[i], records[j]
        months = months_overlap(
            _date(a.get("start_date")),
            _date(a.get("end_date")),
            _date(b.get("start_date")),
            _date(b.get("end_date")),
        )
        if months == 0:
            continue
        out.append((i, j, round(float(values[o]), 4)))
        if len(out) >= limit:
            break
    return out


@dataclass
class Partner:
    key: str
    name: str
    region: str | None
    country: str | None
    projects: list[tuple[str, float]] = field(default_factory=list)

    #: sum of the scores of its similar projects, each divided by the best hit's score
    relevance: float = 0.0


def rank_partners(
    hits: Sequence[tuple[str, float]],
    participants: dict[str, list[dict]],
    exclude_region: str | None = None,
    exclude_orgs: Sequence[str] = (),
    limit: int = 20,
) -> list[Partner]:
    """Organisations ranked by relevant track record: number and similarity of their projects.

    An organisation's relevance is the sum, over its projects among ``hits``, of the project's
    score divided by the best score (so the best hit counts 1, and five projects half as
    similar count 2.5). ``hits`` are (project id, score), scores above 0; ``participants`` maps a project id
    to its participants (``key``, ``name``, ``region``, ``country``). Organisations located in
    ``exclude_region`` (any NUTS level) or listed in ``exclude_orgs`` (current partners) are
    left out.

    Example
    -------
    >>> parts = {"p1": [{"key": "A", "name": "A Oy", "region": "FI1C6", "country": "FI"},
    ...                 {"key": "B", "name": "B GmbH", "region": "AT312", "country": "AT"}],
    ...          "p2": [{"key": "B", "name": "B GmbH", "region": "AT312", "country": "AT"}]}
    >>> [(p.name, p.relevance) for p in rank_partners([("p1", .5), ("p2", .4)], parts, "FI1C")]
    [('B GmbH', 1.8)]
    """
    excluded = {o.upper() for o in exclude_orgs}
    best = max((s for _, s in hits), default=1.0) or 1.0
    found: dict[str, Partner] = {}
    for pid, score in hits:
        for p in participants.get(pid, []):
            key = p["key"]
            if key.upper() in excluded:
                continue
            if exclude_region and (p.get("region") or "").startswith(exclude_region):
                continue
            partner = found.setdefault(
                key, Partner(key, p["name"], p.get("region"), p.get("country"))
            )
            if all(pid != q for q, _ in partner.projects):
                partner.projects.append((pid, round(float(score), 4)))
                partner.relevance = round(partner.relevance + score / best, 4)
    ranked = sorted(found.values(), key=lambda p: (-p.relevance, -len(p.projects), p.name))
    return ranked[:limit]


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
