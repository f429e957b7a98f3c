"""What a region's figures cover, said plainly: which sources, which years, how well located.

A pure function over figures the store gives (participations per source in the region and in
its country, years of the source's projects there, the datasets' provenance), so that a page
can say "Päijät-Häme: 26 operations · Finnish list of operations 2014–2020 · 27 % of the
source's Finnish participations located to NUTS 3".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SourceInCountry:
    """One source's participations in the region's country: all, and located to the level."""

    source: str
    title: str
    participations: int
    located_at_level: int
    first_year: int | None
    last_year: int | None
    ingested_at: datetime | None = None
    #: the dataset's publication date or version, and when its files were fetched
    published: str | None = None
    fetched_at: datetime | None = None


def coverage(
    level: int, country: str, in_region: dict[str, int], sources: list[SourceInCountry]
) -> list[dict]:
    """Per source with projects in the region: its title, period, ingest date and located share.

    Parameters
    ----------
    level : int
        The NUTS level of the region (the level a participation must be located to).
    country : str
        The region's country code.
    in_region : dict
        Source → projects in the region.
    sources : list of SourceInCountry
        Each source's participations in the country.

    Returns
    -------
    list of dict
        One per source in the region, most projects first: ``source``, ``title``,
        ``projects``, ``period`` ("2014–2020" or None), ``first_year``, ``last_year``,
        ``ingested_at``, ``published``, ``fetched_at``, ``located_share`` (0-1, of the source's participations in the
        country, located at ``level`` or finer), ``level``, ``country``.

    Example
    -------
    >>> fi = SourceInCountry("fi-rakennerahastot", "Finnish list", 2880, 783, 2014, 2020)
    >>> [c["located_share"] for c in coverage(3, "FI", {"fi-rakennerahastot": 26}, [fi])]
    [0.2719]
    """
    by_source = {s.source: s for s in sources}
    out = []
    for source, projects in sorted(in_region.items(), key=lambda kv: (-kv[1], kv[0])):
        s = by_source.get(source)
        share = round(s.located_at_level / s.participations, 4) if s and s.participations else None
        first, last = (s.first_year, s.last_year) if s else (None, None)
        out.append(
            {
                "source": source,
                "title": s.title if s else source,
                "projects": projects,
                "period": period(first, last),
                "first_year": first,
                "last_year": last,
                "ingested_at": s.ingested_at.isoformat() if s and s.ingested_at else None,
                "published": s.published if s else None,
                "fetched_at": s.fetched_at.isoformat() if s and s.fetched_at else None,
                "located_share": share,
                "level": level,
                "country": country,
            }
        )
    return out


def period(first_year: int | None, last_year: int | None) -> str | None:
    """The years covered as a page writes them: "2014–2020", "2019", or None when unknown.

    Example
    -------
    >>> period(2014, 2020), period(2019, 2019), period(None, 2020)
    ('2014–2020', '2019', None)
    """
    if first_year is None or last_year is None:
        return None
    return str(first_year) if first_year == last_year else f"{first_year}–{last_year}"


def located_shares(location_report: dict) -> dict[str, float]:
    """A dataset's share of participations located at each NUTS level or finer (what a map
    of that level can place), from its ingest's location report.

    Example
    -------
    >>> located_shares({"by_level": {"0": 0.5, "2": 0.25, "3": 0.25}})
    {'0': 1.0, '1': 0.5, '2': 0.5, '3': 0.25}
    """
    by_level = location_report.get("by_level") or {}
    if not by_level:
        return {}
    return {
        str(level): round(sum(by_level.get(str(finer), 0.0) for finer in range(level, 4)), 4)
        for level in range(4)
    }
