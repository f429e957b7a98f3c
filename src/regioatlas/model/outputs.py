"""What a project produced (deliverables, periodic reports): pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

#: the kinds of output a source can publish, in the order a project page shows them
OUTPUT_KINDS = ("deliverable", "periodic report")


@dataclass(slots=True)
class ProjectOutput:
    """One output of a project as its publisher lists it.

    ``project`` is the publisher's project number (a grant agreement number for CORDIS) and
    ``programme`` the programme it belongs to: together they name the project whichever source
    its own row came from (``Project.native_id`` and ``Project.programme``). ``url`` is an
    http(s) address or None, ``date`` the ISO date the publisher last updated it.
    """

    project: str
    programme: str
    kind: str
    id: str
    title: str | None = None
    type: str | None = None
    url: str | None = None
    date: str | None = None
