"""Entity representations (GS CIM 009 §4.5): normalized, simplified (key-values), GeoJSON;
``attrs`` projection."""

from __future__ import annotations

#: attributes that are part of an entity, never projected away
_CORE = ("id", "type")
#: key-values attributes whose values are observed at ``dateObserved``
_OBSERVED = frozenset(("pm25", "pm10", "no2", "o3", "so2"))


def project(entity: dict, attrs: list[str] | None) -> dict:
    """The entity with only ``attrs`` (id and type always kept)."""
    if not attrs:
        return entity
    return {k: v for k, v in entity.items() if k in _CORE or k in attrs}


def normalized(entity: dict) -> dict:
    """The normalized form of a key-values entity: Property, GeoProperty, Relationship.

    Example
    -------
    >>> normalized({"id": "urn:ngsi-ld:X:1", "type": "X", "refRegion": "urn:ngsi-ld:NutsRegion:FI1C3"})
    {'id': 'urn:ngsi-ld:X:1', 'type': 'X', 'refRegion': {'type': 'Relationship', 'object': 'urn:ngsi-ld:NutsRegion:FI1C3'}}
    """
    out: dict = {}
    observed = entity.get("dateObserved")
    for key, value in entity.items():
        if key in _CORE:
            out[key] = value
        elif key == "location":
            out[key] = {"type": "GeoProperty", "value": value}
        elif key.startswith("ref") and key[3:4].isupper():
            out[key] = {"type": "Relationship", "object": value}
        else:
            out[key] = {"type": "Property", "value": value}
            if key in _OBSERVED and observed:
                out[key]["observedAt"] = observed
    return out


def simplified(normal: dict) -> dict:
    """The key-values form of a normalized entity (what a client sends back in normalized form)."""
    out: dict = {}
    for key, value in normal.items():
        if key in _CORE or key == "@context" or not isinstance(value, dict):
            out[key] = value
        elif value.get("type") == "Relationship":
            out[key] = value.get("object")
        elif "value" in value:
            out[key] = value["value"]
        else:
            out[key] = value
    return out


def feature(entity: dict, normal: bool) -> dict:
    """An entity as a GeoJSON Feature (§6.3.15): geometry from ``location``."""
    body = normalized(entity) if normal else entity
    properties = {k: v for k, v in body.items() if k != "id"}
    return {
        "id": entity["id"],
        "type": "Feature",
        "geometry": entity.get("location"),
        "properties": properties,
    }
