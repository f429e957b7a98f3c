"""The ETSI NGSI-LD problem types (GS CIM 009 §5.5.2), carried by the app's domain errors.

An NGSI-LD error is an ordinary domain error (``BadInput``, ``NotFound``, ``Conflict``...)
with the ETSI ``type`` URI as an extra field: the one error map (``api/problems.py``) gives the
status and merges ``type`` into the RFC 9457 body, so there is still one map.
"""

from __future__ import annotations

from regioatlas.model.errors import BadInput, Conflict, NotFound, Unprocessable

ETSI_ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
INVALID_REQUEST = ETSI_ERRORS + "InvalidRequest"
BAD_REQUEST_DATA = ETSI_ERRORS + "BadRequestData"
ALREADY_EXISTS = ETSI_ERRORS + "AlreadyExists"
RESOURCE_NOT_FOUND = ETSI_ERRORS + "ResourceNotFound"
OPERATION_NOT_SUPPORTED = ETSI_ERRORS + "OperationNotSupported"


#: the ETSI type of an error raised before an NGSI-LD handler ran (a declared parameter's
#: check, an unknown route): by status, as the error types of GS CIM 009 §5.5.2 pair them
ETSI_TYPE_BY_STATUS = {400: BAD_REQUEST_DATA, 404: RESOURCE_NOT_FOUND, 409: ALREADY_EXISTS}


def with_etsi_type(body: dict) -> dict:
    """A problem body of an NGSI-LD route typed the ETSI way when nothing typed it yet.

    Example
    -------
    >>> with_etsi_type({"type": "about:blank", "status": 400})["type"]
    'https://uri.etsi.org/ngsi-ld/errors/BadRequestData'
    """
    if body.get("type", "about:blank") == "about:blank" and body["status"] in ETSI_TYPE_BY_STATUS:
        return body | {"type": ETSI_TYPE_BY_STATUS[body["status"]]}
    return body


def invalid_request(detail: str, parameter: str | None = None) -> BadInput:
    """A request that is not well-formed (not JSON, not a JSON object): 400 InvalidRequest.

    Example
    -------
    >>> invalid_request("the body is not JSON").extra["type"]
    'https://uri.etsi.org/ngsi-ld/errors/InvalidRequest'
    """
    return BadInput(detail, parameter=parameter, type=INVALID_REQUEST)


def bad_request_data(detail: str, parameter: str | None = None) -> BadInput:
    """Well-formed input with unusable content (a bad ``q``, an unknown attribute): 400."""
    return BadInput(detail, parameter=parameter, type=BAD_REQUEST_DATA)


def already_exists(entity_id: str) -> Conflict:
    """A create of an entity id that is taken: 409 AlreadyExists."""
    return Conflict(f"entity {entity_id} already exists", type=ALREADY_EXISTS, entityId=entity_id)


def resource_not_found(detail: str, parameter: str | None = None) -> NotFound:
    """An entity, type or attribute that is not there: 404 ResourceNotFound."""
    return NotFound(detail, parameter=parameter, type=RESOURCE_NOT_FOUND)


def operation_not_supported(detail: str) -> Unprocessable:
    """An operation RegioAtlas does not do on this entity (changing a derived value): 422."""
    return Unprocessable(detail, type=OPERATION_NOT_SUPPORTED)
