"""Authoring and review of good practices, action plans and transfers (framework-neutral).

Editors draft and submit; a reviewer approves, asks for changes or rejects with a comment;
only approved items are public (the latest approved version of each); every save and every
decision appends a version to the store and an entry to the audit log. The rules:

* an item is changed by its owner, or by an admin (else 403);
* a submitted item waits for its review (editing or submitting it again is 409);
* nobody reviews an item they own or submitted (403), whatever their role;
* a request for changes or a rejection needs a comment (400).

Sources (ECESP, JRC, URBACT) are written by :func:`ingest_practices` as approved versions
owned by ``source:<name>``; a re-ingest appends a version only where the publisher's text
changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from regioatlas.analytics.measures import measures
from regioatlas.api.audit import record
from regioatlas.api.auth import Principal
from regioatlas.geo.locate import Locator
from regioatlas.geo.regions import resolve_region
from regioatlas.ingest import read_practices
from regioatlas.model.errors import BadInput, Conflict, Forbidden, NotFound
from regioatlas.model.practices import (
    APPROVED,
    DECISIONS,
    DRAFT,
    EDITABLE,
    KINDS,
    REJECTED,
    SUBMITTED,
    check_id,
    check_plan,
    check_practice,
    check_transfer,
)
from regioatlas.store.base import Store

#: URL segment → stored kind
KIND_PATHS = {"practices": "practice", "plans": "plan", "transfers": "transfer"}


def check_kind(kind: str) -> str:
    """A stored kind (``practice``, ``plan``, ``transfer``) or BadInput."""
    if kind not in KINDS:
        raise BadInput(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", parameter="kind")
    return kind


def known_measure(measure_id: str) -> bool:
    """Whether a KPI id is in the measure catalogue (scorecard indicators, KPIs, targets)."""
    return any(m.id == measure_id for m in measures())


class PracticeAuthoring:
    """The write side of the exchange over one store.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> authoring = PracticeAuthoring(open_store("duckdb://:memory:"))
    >>> alice = Principal("alice", "editor")
    >>> authoring.create(alice, "practice", {"title": "Repair café", "region": "FI1C6"})["status"]
    'draft'
    """

    def __init__(self, store: Store):
        self.store = store

    # ------------------------------------------------------------------ checks
    def _checked(self, kind: str, body: dict) -> dict:
        if kind == "practice":
            doc = check_practice(body)
        elif kind == "plan":
            doc = check_plan(body, known_measure)
        else:
            doc = check_transfer(body)
            self._exists("practice", doc["practice"], parameter="practice")
        resolved = resolve_region(doc["region"], doc.get("nuts_version"), parameter="region")
        doc["region"] = resolved.code
        if kind == "plan":
            for i, practice in enumerate(doc["practices"]):
                self._exists("practice", practice, parameter=f"practices[{i}]")
        return doc

    def _exists(self, kind: str, item_id: str, parameter: str) -> None:
        """NotFound naming ``parameter`` unless the item exists (a draft may be adopted: the
        public pages show it only once it is published)."""
        if not self.store.practice_versions(kind, check_id(item_id, parameter), latest=True):
            raise NotFound(f"no {kind} {item_id!r}", parameter=parameter)

    def _latest(self, kind: str, item_id: str) -> dict:
        versions = self.store.practice_versions(check_kind(kind), check_id(item_id), latest=True)
        if not versions:
            raise NotFound(f"no {kind} {item_id!r}", parameter="id")
        return versions[0]

    def public_version(self, kind: str, item_id: str, parameter: str = "id") -> dict:
        """The latest approved version of an item (NotFound when none is public)."""
        history = self.store.practice_versions(check_kind(kind), check_id(item_id, parameter))
        approved = [v for v in history if v["status"] == APPROVED]
        if not approved:
            raise NotFound(f"no published {kind} {item_id!r}", parameter=parameter)
        return approved[-1]

    def _refuse(
        self, principal: Principal, action: str, target: str, message: str, error=Forbidden
    ):
        record(self.store, principal.name, action, target, "refused", {"reason": message})
        raise error(message)

    def _append(self, principal: Principal, previous: dict | None, kind: str, item_id: str,
                status: str, document: dict, comment: str | None, action: str) -> dict:  # fmt: skip
        version = {
            "kind": kind,
            "id": item_id,
            "version": (previous["version"] + 1) if previous else 1,
            "status": status,
            "owner": previous["owner"] if previous else principal.name,
            "saved_by": principal.name,
            "saved_at": datetime.now(UTC),
            "comment": comment,
            "document": document,
        }
        self.store.add_practice_versions([version])
        record(
            self.store,
            principal.name,
            f"{kind}.{action}",
            f"{kind}:{item_id}",
            "succeeded",
            {"version": version["version"], "status": status, "comment": comment},
        )
        return version

    # ------------------------------------------------------------------ writes
    def create(self, principal: Principal, kind: str, body: dict) -> dict:
        """A new draft owned by ``principal``; its id is ``body["id"]`` or generated."""
        check_kind(kind)
        doc = self._checked(kind, body)
        given = body.get("id") if isinstance(body, dict) else None
        item_id = check_id(given) if given else _new_id(kind, principal)
        if self.store.practice_versions(kind, item_id):
            raise Conflict(f"{kind} {item_id!r} exists; change it with PUT", parameter="id")
        return self._append(principal, None, kind, item_id, DRAFT, doc, None, "create")

    def update(self, principal: Principal, kind: str, item_id: str, body: dict) -> dict:
        """A new draft version of an item its owner (or an admin) changes."""
        latest = self._latest(kind, item_id)
        target = f"{kind}:{item_id}"
        if latest["owner"] != principal.name and not principal.may("admin"):
            self._refuse(principal, f"{kind}.update", target,
                         f"{kind} {item_id!r} belongs to {latest['owner']}; only they or an admin change it")  # fmt: skip
        if latest["status"] == SUBMITTED:
            self._refuse(principal, f"{kind}.update", target,
                         f"{kind} {item_id!r} is waiting for review; it can be changed after it", Conflict)  # fmt: skip
        doc = self._checked(kind, body)
        return self._append(principal, latest, kind, item_id, DRAFT, doc, None, "update")

    def submit(self, principal: Principal, kind: str, item_id: str) -> dict:
        """Send a draft (or an item sent back for changes) to review."""
        latest = self._latest(kind, item_id)
        target = f"{kind}:{item_id}"
        if latest["owner"] != principal.name and not principal.may("admin"):
            self._refuse(principal, f"{kind}.submit", target,
                         f"{kind} {item_id!r} belongs to {latest['owner']}; only they or an admin submit it")  # fmt: skip
        if latest["status"] not in EDITABLE:
            self._refuse(principal, f"{kind}.submit", target,
                         f"{kind} {item_id!r} is {latest['status']}; only a draft is submitted", Conflict)  # fmt: skip
        return self._append(
            principal, latest, kind, item_id, SUBMITTED, latest["document"], None, "submit"
        )

    def review(self, principal: Principal, kind: str, item_id: str, decision: str,
               comment: str | None) -> dict:  # fmt: skip
        """Approve, request changes or reject a submitted item (a reviewer who is not its
        owner or submitter)."""
        if decision not in DECISIONS:
            raise BadInput(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}",
                           parameter="decision")  # fmt: skip
        comment = (comment or "").strip() or None
        if DECISIONS[decision] != APPROVED and not comment:
            raise BadInput(f"a decision to {decision.replace('_', ' ')} needs a comment saying why",
                           parameter="comment")  # fmt: skip
        latest = self._latest(kind, item_id)
        target = f"{kind}:{item_id}"
        if principal.name in (latest["owner"], latest["saved_by"]):
            self._refuse(principal, f"{kind}.{decision}", target,
                         f"{principal.name} wrote {kind} {item_id!r}; another reviewer decides on it")  # fmt: skip
        if latest["status"] != SUBMITTED:
            self._refuse(principal, f"{kind}.{decision}", target,
                         f"{kind} {item_id!r} is {latest['status']}, not submitted for review", Conflict)  # fmt: skip
        status = DECISIONS[decision]
        return self._append(
            principal, latest, kind, item_id, status, latest["document"], comment, decision
        )

    # ------------------------------------------------------------------ reads
    def item(self, kind: str, item_id: str, principal: Principal | None = None) -> dict:
        """An item as the asker may see it: the public version, or for its owner and for
        reviewers the latest version (a draft too), with every version's status."""
        history = self.store.practice_versions(check_kind(kind), check_id(item_id))
        if not history:
            raise NotFound(f"no {kind} {item_id!r}", parameter="id")
        insider = principal is not None and (
            principal.name == history[-1]["owner"] or principal.may("reviewer")
        )
        approved = [v for v in history if v["status"] == APPROVED]
        shown = history[-1] if insider else (approved[-1] if approved else None)
        if shown is None:
            raise NotFound(f"no published {kind} {item_id!r}", parameter="id")
        return {
            "id": item_id,
            "kind": kind,
            "version": shown["version"],
            "status": shown["status"],
            "owner": shown["owner"],
            "saved_at": shown["saved_at"],
            **shown["document"],
            "history": [
                {k: v[k] for k in ("version", "status", "saved_by", "saved_at", "comment")}
                for v in (history if insider else approved)
            ],
        }

    def worklist(self, principal: Principal) -> dict:
        """The asker's own items (any status) and, for reviewers, what waits for review."""
        mine, waiting = [], []
        for kind in KINDS:
            for v in self.store.practice_versions(kind, latest=True):
                row = {"kind": kind, "id": v["id"], "version": v["version"], "status": v["status"],
                       "owner": v["owner"], "title": v["document"].get("title"),
                       "region": v["document"].get("region")}  # fmt: skip
                if v["owner"] == principal.name:
                    mine.append(row)
                if (
                    v["status"] == SUBMITTED
                    and principal.may("reviewer")
                    and v["owner"] != principal.name
                ):
                    waiting.append(row)
        return {"mine": mine, "to_review": waiting}


def _new_id(kind: str, principal: Principal) -> str:
    import uuid

    return f"{kind}-{uuid.uuid4().hex[:10]}"


def ingest_practices(
    store: Store,
    source: str,
    paths: Sequence[Path],
    actor: str,
    locator: Locator | None = None,
) -> dict:
    """Read a practice source and append what changed as approved versions (owner
    ``source:<name>``); return ``{source, practices, transfers, appended, skipped}``.

    Example
    -------
    >>> from regioatlas.sources.practices_ecesp import shipped_file
    >>> ingest_practices(store, "ecesp", [shipped_file("ecesp")], "cli:me")["practices"]  # doctest: +SKIP
    153
    """
    reader, read = read_practices(source, paths, locator)
    owner, now = f"source:{reader.name}", datetime.now(UTC)
    rows = []
    for kind, docs in (("practice", read.practices), ("transfer", read.transfers)):
        latest = {v["id"]: v for v in store.practice_versions(kind, latest=True)}
        for doc in docs:
            item_id = doc["id"]
            document = {k: v for k, v in doc.items() if k != "id"}
            before = latest.get(item_id)
            if (
                before is not None
                and before["document"] == document
                and before["status"] == APPROVED
            ):
                continue
            if before is not None and before["owner"] != owner:
                raise Conflict(f"{kind} {item_id!r} was written by {before['owner']}, not by the "
                               f"source {reader.name}", parameter="source")  # fmt: skip
            rows.append({"kind": kind, "id": item_id, "version": before["version"] + 1 if before else 1,
                         "status": APPROVED, "owner": owner, "saved_by": owner, "saved_at": now,
                         "comment": f"read from {', '.join(Path(p).name for p in paths)}",
                         "document": _stored(document)})  # fmt: skip
    if rows:
        store.add_practice_versions(rows)
    summary = {
        "source": reader.name,
        "practices": len(read.practices),
        "transfers": len(read.transfers),
        "appended": len(rows),
        "skipped": [{"line": line, "reason": reason} for line, reason in read.skipped],
    }
    record(store, actor, "practices.ingest", reader.name, "succeeded",
           {k: v for k, v in summary.items() if k != "skipped"})  # fmt: skip
    return summary


def _stored(document: dict) -> dict:
    """The document as the store gives it back (JSON: tuples become lists)."""
    import json

    return json.loads(json.dumps(document, default=str))


__all__ = ["KIND_PATHS", "PracticeAuthoring", "ingest_practices", "known_measure", "REJECTED"]
