"""Digital Compass planner arithmetic: a region's distance to the Digital Decade 2030 targets.

For each target: the current value (the latest observation), the gap to the target in
percentage points and in persons (or enterprises, where a count exists), the yearly progress
needed to reach the target in 2030, the historical trend, and the year the target is reached
at that pace.

Method (docs/kpi.md):

- *trend*: the least-squares slope of the observations against their reference years (at
  least two years apart); with exactly two observations it is the change between them per year;
- *needed*: (target - current) / (2030 - reference year of the current value);
- *year reached*: the first whole year in which current + trend x (year - reference year)
  reaches the target; "reached" when the current value already does; none when the trend is
  flat or falling; "after 2100" beyond that;
- *gap in persons*: gap share x baseline persons; a baseline given as a range gives a range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TARGET_YEAR = 2030
HORIZON = 2100


@dataclass(frozen=True)
class Observation:
    year: int
    value: float
    source: str


def trend_per_year(points: list[Observation]) -> float | None:
    """Least-squares slope of value on year; None with fewer than two distinct years.

    Example
    -------
    >>> trend_per_year([Observation(2021, 53.92, "a"), Observation(2025, 60.39, "b")])
    1.6175
    """
    years = sorted({p.year for p in points})
    if len(years) < 2:
        return None
    n = len(points)
    mx = sum(p.year for p in points) / n
    my = sum(p.value for p in points) / n
    sxx = sum((p.year - mx) ** 2 for p in points)
    sxy = sum((p.year - mx) * (p.value - my) for p in points)
    return round(sxy / sxx, 6)


def year_reached(current: float, year: int, target: float, slope: float | None) -> int | str | None:
    """The first whole year in which the target is reached at the given pace.

    Example
    -------
    >>> year_reached(60.39, 2025, 80.0, 1.6175)
    2038
    >>> year_reached(81.0, 2025, 80.0, 0.5)
    'reached'
    """
    if current >= target:
        return "reached"
    if slope is None or slope <= 0:
        return None
    when = year + (target - current) / slope
    first = math.ceil(when - 1e-9)
    return first if first <= HORIZON else f"after {HORIZON}"


def plan_target(
    spec: dict,
    observations: list[Observation],
    baseline: dict | None,
    *,
    estimated_from_national: bool,
) -> dict:
    """The planner's figures for one target.

    Parameters
    ----------
    spec : dict
        One entry of ``compass.json`` (``id``, ``target``, ``unit``, ``text``, ...).
    observations : list of Observation
        The country's series, oldest first (reference years).
    baseline : dict, optional
        ``{"unit": "persons", "low": int, "high": int, "basis": str}`` (``low == high`` when
        exact), or None when no count exists (enterprises, scores).
    estimated_from_national : bool
        True for a region below the country level without a regional statistic.

    Example
    -------
    >>> spec = {"id": "basic_digital_skills", "target": 80, "unit": "%", "text": "..."}
    >>> obs = [Observation(2021, 53.92, "DESI 2022"), Observation(2025, 60.39, "DD 2026")]
    >>> p = plan_target(spec, obs, {"unit": "persons", "low": 1000, "high": 1000, "basis": "x"},
    ...                 estimated_from_national=False)
    >>> p["gap_points"], p["gap"]["low"], p["needed_per_year"], p["year_reached"]
    (19.61, 196, 3.922, 2038)
    """
    target = float(spec["target"])
    out: dict = {
        "id": spec["id"],
        "kpi": spec.get("kpi"),
        "area": spec.get("area"),
        "text": spec["text"],
        "target": target,
        "target_year": TARGET_YEAR,
        "unit": spec["unit"],
        "series": [
            {"year": o.year, "value": round(o.value, 4), "source": o.source} for o in observations
        ],
    }
    if not observations:
        out.update(status="no data", current=None)
        return out
    cur = observations[-1]
    slope = trend_per_year(observations)
    gap = max(0.0, target - cur.value)
    years_left = TARGET_YEAR - cur.year
    needed = round(gap / years_left, 4) if years_left > 0 else None
    out["current"] = {
        "value": round(cur.value, 4),
        "year": cur.year,
        "source": cur.source,
        "label": "estimated from national" if estimated_from_national else "observed (national)",
    }
    out["gap_points"] = round(gap, 4)
    out["needed_per_year"] = needed
    out["trend_per_year"] = slope
    out["trend_method"] = (
        f"least-squares slope over {len(observations)} observations ({observations[0].year}-{cur.year})"
        if slope is not None
        else "fewer than two observations: no trend"
    )
    out["year_reached"] = year_reached(cur.value, cur.year, target, slope)
    out["on_track"] = (gap == 0) or (slope is not None and needed is not None and slope >= needed)
    out["projection"] = _path(cur, slope, target)
    out["required_path"] = _required(cur, target)
    if baseline is not None:
        share = gap / 100.0
        out["baseline"] = baseline
        out["gap"] = {
            "unit": baseline["unit"],
            "low": int(round(share * baseline["low"])),
            "high": int(round(share * baseline["high"])),
        }
    else:
        out["gap"] = None
    return out


def _path(cur: Observation, slope: float | None, target: float) -> list[dict]:
    """Values at the current pace from the current year to 2030 (capped at 100 and the target's scale)."""
    if slope is None:
        return []
    return [
        {"year": y, "value": round(min(100.0, cur.value + slope * (y - cur.year)), 4)}
        for y in range(cur.year, TARGET_YEAR + 1)
    ]


def _required(cur: Observation, target: float) -> list[dict]:
    if cur.year >= TARGET_YEAR or cur.value >= target:
        return []
    step = (target - cur.value) / (TARGET_YEAR - cur.year)
    return [
        {"year": y, "value": round(cur.value + step * (y - cur.year), 4)}
        for y in range(cur.year, TARGET_YEAR + 1)
    ]


def persons_16_74(age_groups: dict[str, float]) -> dict:
    """Persons aged 16-74 from Eurostat's broad age groups (15-64, 65+), as a range.

    The broad groups do not split at 16 or 75, so the baseline is bounded: at least the
    persons aged 16-64 (15-64 less one fiftieth, assuming single years of age are equally
    large within 15-64) and at most those plus everyone aged 65 or over.

    Example
    -------
    >>> b = persons_16_74({"Y15-64": 119134, "Y_GE65": 58515})
    >>> b["low"], b["high"]
    (116751, 175266)
    """
    p1564 = float(age_groups["Y15-64"])
    p65 = float(age_groups["Y_GE65"])
    low = int(round(p1564 * 49 / 50))
    return {
        "unit": "persons",
        "low": low,
        "high": int(round(low + p65)),
        "basis": "persons aged 16-74 bounded from Eurostat's broad age groups: at least "
        "16-64 (15-64 x 49/50), at most 16-64 plus all aged 65 and over",
    }
