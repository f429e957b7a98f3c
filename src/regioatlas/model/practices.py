"""Good practices, regional action plans and transfers (issue 13): pure data and its rules.

A *practice* is something a region did that others may learn from; an *action plan* is what a
region decides to do after learning (the practices it adopts, actions with owners, dates and
KPIs from the measure catalogue with baseline, target and observed values); a *transfer* says
that a practice was taken over by another region, with its status over time and the outcome.

Every item is kept as versions: authoring appends a new version, review appends one with the
new status. Only the latest version of an approved item is public. The documents are plain
dicts (JSON in the store); :func:`check_practice`, :func:`check_plan` and
:func:`check_transfer` validate and normalise one, raising ``BadInput`` naming the field.
Texts are kept exactly as given (HTML included): the web app shows them as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from regioatlas.model.errors import BadInput

#: the kinds of item, as stored
KINDS = ("practice", "plan", "transfer")
#: review statuses: a draft is edited by its owner, submitted for review, then approved,
#: sent back (changes requested, editable again) or rejected
DRAFT, SUBMITTED, APPROVED, CHANGES, REJECTED = (
    "draft",
    "submitted",
    "approved",
    "changes_requested",
    "rejected",
)
STATUSES = (DRAFT, SUBMITTED, APPROVED, CHANGES, REJECTED)
#: the review decisions a reviewer takes on a submitted item, and the status each gives
DECISIONS = {"approve": APPROVED, "request_changes": CHANGES, "reject": REJECTED}
#: statuses in which the owner may still change the item
EDITABLE = (DRAFT, CHANGES)
#: the stages of a transfer, in order
TRANSFER_STAGES = ("planned", "started", "adapted", "implemented", "abandoned")

#: fields of a practice (name → kind); text fields are free text, lists lists of strings
PRACTICE_TEXT = (
    "title",
    "summary",
    "challenge",
    "what_was_done",
    "results",
    "region",
    "city",
    "country",
    "policy_instrument",
    "funding_source",
    "language",
    "organisation",
    "contact_role",
    "licence",
    "source",
    "source_url",
    "start_date",
    "end_date",
)
PRACTICE_LISTS = ("themes", "linked_projects", "links")
#: the most characters one text field keeps (a practice page, not a report)
MAX_TEXT = 20_000

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


def _text(doc: dict, name: str, kind: str, required: bool = False) -> str | None:
    value = doc.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadInput(f"a {kind} needs a {name}", parameter=name)
        return None
    if not isinstance(value, str | int | float):
        raise BadInput(
            f"{kind} field {name} must be text, not {type(value).__name__}", parameter=name
        )
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise BadInput(
            f"{kind} field {name} has {len(text):,} characters; at most {MAX_TEXT:,}",
            parameter=name,
        )
    return text


def _list(doc: dict, name: str, kind: str) -> list[str]:
    value = doc.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[;,\n]", value)]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{kind} field {name} must be a list of texts", parameter=name)
    return [v.strip() for v in value if v.strip()]


def _iso(value: str | None, name: str, kind: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date or a year, or BadInput naming the field."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        found = date.fromisoformat(text[:10] if len(text) >= 10 else f"{int(text):04d}-01-01")
    except ValueError:
        raise BadInput(
            f"{kind} field {name} must be a date (YYYY-MM-DD or YYYY), not {value!r}",
            parameter=name,
        ) from None
    return found.isoformat()


def check_id(value: str, parameter: str = "id") -> str:
    """An item id as given, or BadInput: letters, digits and ``. _ : -``, at most 120.

    Example
    -------
    >>> check_id("ecesp:123")
    'ecesp:123'
    """
    if not isinstance(value, str) or not _ID.match(value):
        raise BadInput(
            f"{parameter} must be 1-120 letters, digits or . _ : - (starting with a letter or "
            f"digit), not {value!r}",
            parameter=parameter,
        )
    return value


def check_region_code(value: str | None, parameter: str = "region") -> str:
    """The shape of a NUTS code (upper case), or BadInput naming ``parameter``.

    Whether the code exists is the region door's question (``geo.regions``).

    Example
    -------
    >>> check_region_code("fi1c3")
    'FI1C3'
    """
    code = (value or "").strip().upper()
    if not code:
        raise BadInput(f"a {parameter} (NUTS code) is needed", parameter=parameter)
    if not _NUTS.match(code):
        raise BadInput(
            f"{parameter} must be a NUTS code like FI1C3, not {value!r}", parameter=parameter
        )
    return code


def check_practice(doc: dict) -> dict:
    """A practice document validated and normalised (region and title required).

    Example
    -------
    >>> check_practice({"title": "Repair café", "region": "fi1c3", "themes": "waste; reuse"})["themes"]
    ['waste', 'reuse']
    >>> check_practice({"title": "x"})
    Traceback (most recent call last):
    ...
    regioatlas.model.errors.BadInput: a practice needs a region
    """
    if not isinstance(doc, dict):
        raise BadInput("a practice is a JSON object", parameter="body")
    out: dict = {"title": _text(doc, "title", "practice", required=True)}
    out["region"] = check_region_code(_text(doc, "region", "practice", required=True))
    for name in PRACTICE_TEXT:
        if name not in out:
            out[name] = _text(doc, name, "practice")
    for name in ("start_date", "end_date"):
        out[name] = _iso(out[name], name, "practice")
    if out["country"] is None:
        out["country"] = out["region"][:2]
    for name in PRACTICE_LISTS:
        out[name] = _list(doc, name, "practice")
    out["figures"] = _figures(doc.get("figures"))
    out["nuts_version"] = _int(doc.get("nuts_version"), "nuts_version", "practice")
    location = doc.get("location")
    out["location"] = location if isinstance(location, dict) else None
    return out


def _int(value, name: str, kind: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadInput(
            f"{kind} field {name} must be a whole number, not {value!r}", parameter=name
        ) from None


def _number(value, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadInput(f"{name} must be a number, not {value!r}", parameter=name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{name} must be a number, not {value!r}", parameter=name) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadInput(f"{name} must be a finite number, not {value!r}", parameter=name)
    return number


def _figures(value) -> list[dict]:
    """Results with figures: ``[{label, value, unit}]``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInput("figures must be a list of {label, value, unit}", parameter="figures")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not str(item.get("label") or "").strip():
            raise BadInput(f"figures[{i}] needs a label", parameter=f"figures[{i}].label")
        out.append(
            {
                "label": str(item["label"]).strip(),
                "value": _number(item.get("value"), f"figures[{i}].value"),
                "unit": str(item.get("unit") or "").strip() or None,
            }
        )
    return out


def check_plan(doc: dict, known_measure: Callable[[str], bool]) -> dict:
    """An action plan validated and normalised.

    ``known_measure(id)`` says whether a KPI id is in the measure catalogue; an unknown one is
    BadInput naming the field (``actions[0].kpis[1].measure``).

    Example
    -------
    >>> plan = check_plan({"title": "Learn", "region": "FI1C3", "actions": [{"title": "Start",
    ...     "kpis": [{"measure": "m", "baseline": 1, "target": 2}]}]}, lambda m: m == "m")
    >>> plan["actions"][0]["kpis"][0]["target"]
    2.0
    """
    if not isinstance(doc, dict):
        raise BadInput("an action plan is a JSON object", parameter="body")
    out: dict = {
        "title": _text(doc, "title", "action plan", required=True),
        "region": check_region_code(_text(doc, "region", "action plan", required=True)),
        "summary": _text(doc, "summary", "action plan"),
        "language": _text(doc, "language", "action plan"),
        "practices": _list(doc, "practices", "action plan"),
    }
    actions = doc.get("actions") or []
    if not isinstance(actions, list):
        raise BadInput("actions must be a list", parameter="actions")
    out["actions"] = [_action(a, f"actions[{i}]", known_measure) for i, a in enumerate(actions)]
    return out


def _action(doc, path: str, known_measure: Callable[[str], bool]) -> dict:
    if not isinstance(doc, dict):
        raise BadInput(f"{path} must be an object", parameter=path)
    title = str(doc.get("title") or "").strip()
    if not title:
        raise BadInput(f"{path} needs a title", parameter=f"{path}.title")
    kpis = doc.get("kpis") or []
    if not isinstance(kpis, list):
        raise BadInput(f"{path}.kpis must be a list", parameter=f"{path}.kpis")
    return {
        "title": title,
        "owner": str(doc.get("owner") or "").strip() or None,
        "start": _iso(doc.get("start") or None, f"{path}.start", "action"),
        "end": _iso(doc.get("end") or None, f"{path}.end", "action"),
        "kpis": [_kpi(k, f"{path}.kpis[{j}]", known_measure) for j, k in enumerate(kpis)],
    }


def _kpi(doc, path: str, known_measure: Callable[[str], bool]) -> dict:
    if not isinstance(doc, dict):
        raise BadInput(f"{path} must be an object", parameter=path)
    measure = str(doc.get("measure") or "").strip()
    if not measure:
        raise BadInput(f"{path} needs a measure", parameter=f"{path}.measure")
    if not known_measure(measure):
        raise BadInput(
            f"{path}.measure {measure!r} is not in the measure catalogue (GET /api/kpis, "
            "GET /api/indicators)",
            parameter=f"{path}.measure",
        )
    observed = doc.get("observed") or []
    if not isinstance(observed, list):
        raise BadInput(
            f"{path}.observed must be a list of {{date, value}}", parameter=f"{path}.observed"
        )
    points = []
    for i, point in enumerate(observed):
        where = f"{path}.observed[{i}]"
        if not isinstance(point, dict):
            raise BadInput(f"{where} must be {{date, value}}", parameter=where)
        value = _number(point.get("value"), f"{where}.value")
        when = _iso(str(point.get("date") or "") or None, f"{where}.date", "observation")
        if value is None or when is None:
            raise BadInput(f"{where} needs a date and a value", parameter=where)
        points.append({"date": when, "value": value})
    return {
        "measure": measure,
        "baseline": _number(doc.get("baseline"), f"{path}.baseline"),
        "baseline_year": _int(doc.get("baseline_year"), f"{path}.baseline_year", "KPI"),
        "target": _number(doc.get("target"), f"{path}.target"),
        "target_year": _int(doc.get("target_year"), f"{path}.target_year", "KPI"),
        "observed": sorted(points, key=lambda p: p["date"]),
    }


def check_transfer(doc: dict) -> dict:
    """A transfer (practice → region) validated: its stages over time and the outcome.

    Example
    -------
    >>> check_transfer({"practice": "p1", "region": "AT127",
    ...                 "stages": [{"stage": "started", "date": "2019-05-01"}]})["stages"][0]["stage"]
    'started'
    """
    if not isinstance(doc, dict):
        raise BadInput("a transfer is a JSON object", parameter="body")
    practice = check_id(str(doc.get("practice") or ""), "practice")
    stages = []
    for i, item in enumerate(doc.get("stages") or []):
        where = f"stages[{i}]"
        stage = (item or {}).get("stage") if isinstance(item, dict) else None
        if stage not in TRANSFER_STAGES:
            raise BadInput(
                f"{where}.stage must be one of {', '.join(TRANSFER_STAGES)}, not {stage!r}",
                parameter=f"{where}.stage",
            )
        stages.append(
            {
                "stage": stage,
                "date": _iso(str(item.get("date") or "") or None, f"{where}.date", "transfer"),
                "note": str(item.get("note") or "").strip() or None,
            }
        )
    return {
        "practice": practice,
        "region": check_region_code(doc.get("region")),
        "city": str(doc.get("city") or "").strip() or None,
        "stages": stages,
        "outcome": _text(doc, "outcome", "transfer"),
        "source": _text(doc, "source", "transfer"),
    }


def practice_text(doc: dict) -> str:
    """The text a practice is searched and compared by: title, themes, challenge, summary, ...

    Example
    -------
    >>> practice_text({"title": "Repair café", "themes": ["reuse"], "summary": "Fix it"})
    'Repair café. reuse. Fix it'
    """
    parts: Iterable = (
        doc.get("title"),
        "; ".join(doc.get("themes") or []) or None,
        doc.get("challenge"),
        doc.get("summary"),
        doc.get("what_was_done"),
        doc.get("results"),
    )
    return ". ".join(p for p in parts if p)


def current_stage(transfer: dict) -> str | None:
    """The latest stage of a transfer (by date, undated last), or None.

    Example
    -------
    >>> current_stage({"stages": [{"stage": "started", "date": "2019-01-01"},
    ...                           {"stage": "implemented", "date": "2020-01-01"}]})
    'implemented'
    """
    stages = transfer.get("stages") or []
    if not stages:
        return None
    return sorted(stages, key=lambda s: s.get("date") or "9999")[-1]["stage"]
