"""The temporal representation of an entity (GS CIM 009 §4.5.9, §6.18): the hourly values of
an ``AirQualityObserved`` station as published (``Store.station_values``; hours not valid are
left out), filtered with ``timerel``/``timeAt``/``endTimeAt`` and ``lastN``."""

from __future__ import annotations

from datetime import datetime

from regioatlas.api.ngsi_ld import errors
from regioatlas.api.ngsi_ld.entities import POLLUTANT_ATTRIBUTES

TIMERELS = ("before", "after", "between")


def _time(value, name: str) -> datetime:
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise errors.bad_request_data(f"{name} must be an ISO 8601 date-time", name) from None
    if t.tzinfo is None:
        raise errors.bad_request_data(f"{name} needs a time zone (Z or +hh:mm)", name)
    return t


def time_filter(timerel, time_at, end_time_at):
    """A predicate of aware datetimes from the temporal query, or None without one.

    Example
    -------
    >>> f = time_filter("before", "2021-01-02T00:00:00Z", None)
    >>> f(datetime.fromisoformat("2021-01-01T23:00:00+00:00"))
    True
    """
    if not timerel:
        if time_at or end_time_at:
            raise errors.bad_request_data("timeAt needs timerel", "timerel")
        return None
    if timerel not in TIMERELS:
        raise errors.bad_request_data(f"timerel must be one of {', '.join(TIMERELS)}", "timerel")
    if not time_at:
        raise errors.bad_request_data("timerel needs timeAt", "timeAt")
    start = _time(time_at, "timeAt")
    if timerel == "before":
        return lambda t: t < start
    if timerel == "after":
        return lambda t: t >= start
    if not end_time_at:
        raise errors.bad_request_data("timerel=between needs endTimeAt", "endTimeAt")
    end = _time(end_time_at, "endTimeAt")
    if end <= start:
        raise errors.bad_request_data("endTimeAt must be after timeAt", "endTimeAt")
    return lambda t: start <= t < end


def temporal_entity(
    store,
    entity: dict,
    *,
    attrs: list[str],
    timerel=None,
    time_at=None,
    end_time_at=None,
    last_n: int = 0,
    keyvalues: bool = False,
) -> dict:
    """An entity with each observed attribute as its instances over time.

    Entities without a time series (regions, projects, KPI values of one period) answer with
    their attributes as single instances.
    """
    keep = time_filter(timerel, time_at, end_time_at)
    out: dict = {"id": entity["id"], "type": entity["type"]}
    series: dict[str, list[tuple[str, float]]] = {}
    if entity["type"] == "AirQualityObserved" and entity.get("dataset"):
        for v in store.station_values(entity["dataset"]):
            if v.station != entity["stationCode"] or v.value is None or v.validity <= 0:
                continue
            attr = POLLUTANT_ATTRIBUTES.get(v.pollutant, v.pollutant.lower())
            if attrs and attr not in attrs:
                continue
            if keep is not None and not keep(datetime.fromisoformat(v.begin)):
                continue
            series.setdefault(attr, []).append((v.begin, v.value))
    else:
        for key, value in entity.items():
            if key in ("id", "type", "location") or (attrs and key not in attrs):
                continue
            series[key] = [(entity.get("dateModified") or "", value)]
    for attr, points in series.items():
        if last_n:
            points = points[-last_n:]
        if keyvalues:
            out[attr] = {"type": "Property", "values": [[v, t] for t, v in points]}
        else:
            out[attr] = [
                {"type": "Property", "value": v, **({"observedAt": t} if t else {})}
                for t, v in points
            ]
    return out
