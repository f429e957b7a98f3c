"""The audit log: every write through the product — who, when, what, result — appended.

There is no function to change or remove an entry, and the stores offer none; PostgreSQL also
refuses UPDATE, DELETE and TRUNCATE on the table (a trigger).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

from regioatlas.api.atlas import jsonable
from regioatlas.api.parameters import LIMIT, OFFSET, Param
from regioatlas.model.errors import BadInput
from regioatlas.store.base import Store


def file_digests(paths: list[Path]) -> list[dict]:
    """Name, size and SHA-256 of each file, as the audit log records an upload.

    Example
    -------
    >>> file_digests([Path("a.csv")])  # doctest: +SKIP
    [{'name': 'a.csv', 'bytes': 12, 'sha256': '...'}]
    """
    out = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        out.append({"name": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()})
    return out


def entry(
    actor: str,
    action: str,
    target: str | None,
    result: str,
    details: dict | None = None,
) -> dict:
    """One audit entry, not yet stored (a store writes it with the change it describes).

    Example
    -------
    >>> entry("alice", "token.create", "bob", "succeeded")["details"]
    {}
    """
    return {
        "id": uuid.uuid4().hex,
        "happened_at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "target": target,
        "details": jsonable(details or {}),
        "result": result,
    }


def record(
    store: Store,
    actor: str,
    action: str,
    target: str | None,
    result: str,
    details: dict | None = None,
) -> dict:
    """Append one audit entry and return it.

    Parameters
    ----------
    actor : str
        The token name (API) or ``cli:<user>`` (commands).
    action : str
        ``dataset.upload``, ``dataset.delete``, ``token.create``, ``token.revoke``, ...
    target : str or None
        What was written: a dataset id, a token name.
    result : str
        ``accepted``, ``succeeded``, ``failed``, ``refused`` or ``conflict``.
    details : dict
        What else identifies the write: file names with SHA-256, the job id, the error.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> entry = record(open_store("duckdb://:memory:"), "alice", "token.create", "bob", "succeeded")
    >>> entry["actor"], entry["result"]
    ('alice', 'succeeded')
    """
    written = entry(actor, action, target, result, details)
    store.append_audit(written)
    return written


#: the audit log's page size (the declared paging limit, 100 by default)
AUDIT_LIMIT = LIMIT.with_(default=100)


def _whole(query: dict, param: Param) -> int:
    value = query.get(param.name, param.default)
    value = value[0] if isinstance(value, list) else value
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BadInput(
            f"{param.name} must be a whole number, not {value!r}", parameter=param.name
        ) from None
    param.check(str(number))
    return number


def audit_page(store: Store, query: dict) -> dict:
    """A page of the audit log, newest first: ``{total, limit, offset, items}``.

    Example
    -------
    >>> audit_page(store, {"limit": "10"})["limit"]  # doctest: +SKIP
    10
    """
    limit, offset = _whole(query, AUDIT_LIMIT), _whole(query, OFFSET)
    total, items = store.audit_entries(limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": jsonable(items)}
