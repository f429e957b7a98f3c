"""CORDIS Horizon Europe results: project deliverables and periodic reports (source
``cordis-he-results``).

Two files of the CORDIS Horizon Europe export, comma-separated, plain or gzip:

* ``projectDeliverables``: one row per deliverable (``id``, ``title``, ``deliverableType``,
  ``projectID``, ``url`` on the Funding & Tenders portal, ``contentUpdateDate``, ...);
* ``reportSummaries``: one row per periodic report (``id``, ``title``, ``projectID``,
  ``attachment``, ``contentUpdateDate``, ...). The export carries no link to the report
  itself, so the link is the project's reporting page on CORDIS, which shows it.

``projectID`` is the grant agreement number, a Horizon Europe project's ``native_id``: the
outputs join a stored project by that number and the programme ``HORIZON``, whichever
CORDIS source stored the project.
"""

from __future__ import annotations

from pathlib import Path

from regioatlas.model import InputError, RowError
from regioatlas.model.outputs import ProjectOutput
from regioatlas.sources.base import ReadResult
from regioatlas.sources.cordis import ATTRIBUTION, LICENCE, PUBLISHER, has_columns
from regioatlas.sources.rows import RowParser
from regioatlas.sources.tables import read_table, width_error

DELIVERABLE_COLUMNS = ("id", "title", "deliverableType", "projectID", "url", "contentUpdateDate")
REPORT_COLUMNS = ("id", "title", "projectID", "attachment", "contentUpdateDate")
#: the programme of every project in these files (``Project.programme`` of CORDIS readers)
PROGRAMME = "HORIZON"
#: where CORDIS shows a project's periodic reports
REPORTING_PAGE = "https://cordis.europa.eu/project/id/{project}/reporting"


def _layout(path: Path) -> str | None:
    """``deliverable`` or ``periodic report``: which of the two files ``path`` is, or None."""
    if has_columns(path, ",", DELIVERABLE_COLUMNS):
        return "deliverable"
    if has_columns(path, ",", REPORT_COLUMNS):
        return "periodic report"
    return None


def link_problem(url: str) -> str | None:
    """Why ``url`` may not be linked from a page (only http and https may), or None.

    Example
    -------
    >>> link_problem("https://ec.europa.eu/research/participants/documents/downloadPublic")
    >>> link_problem("javascript:alert(1)")
    'not an http(s) address: a page links only those'
    """
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https") and rest and not any(c.isspace() for c in url):
        return None
    return "not an http(s) address: a page links only those"


class CordisHorizonEuropeResults:
    """Deliverables and periodic reports of Horizon Europe projects (CORDIS)."""

    name = "cordis-he-results"
    title = "CORDIS Horizon Europe project deliverables and periodic reports"
    publisher = PUBLISHER
    licence = LICENCE
    attribution = ATTRIBUTION

    def sniff(self, paths: list[Path]) -> str | None:
        kinds = sorted({kind for p in paths if (kind := _layout(p))})
        if not kinds:
            return None
        return (
            "CORDIS Horizon Europe " + " and ".join(f"{k}s" for k in kinds) + " (comma-separated)"
        )

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        """Read the deliverables and/or periodic-report files into ``ReadResult.outputs``.

        Example
        -------
        >>> from regioatlas.sources.registry import get_source
        >>> get_source("cordis-he-results").read([Path("deliverables.csv.gz")])  # doctest: +SKIP
        """
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        for path in paths:
            kind = _layout(path)
            if kind is None:
                raise InputError(
                    RowError(
                        str(path),
                        1,
                        None,
                        "layout not recognised as CORDIS Horizon Europe deliverables (columns "
                        f"{', '.join(DELIVERABLE_COLUMNS)}) or periodic reports (columns "
                        f"{', '.join(REPORT_COLUMNS)})",
                    )
                )
            required = DELIVERABLE_COLUMNS if kind == "deliverable" else REPORT_COLUMNS
            table = read_table(path, delimiter=",", required=required)
            for line, row in table.rows:
                err = width_error(table, line, row)
                if err:
                    result.errors.append(err)
                    continue
                output = _output(RowParser(str(path), line, row), kind, result.errors)
                if output is not None:
                    result.outputs.append(output)
        return result


def _output(rp: RowParser, kind: str, errors: list[RowError]) -> ProjectOutput | None:
    """One row as an output, or None with its errors added to ``errors``."""
    for column in ("id", "projectID"):
        if not rp.text(column):
            rp.errors.append(RowError(rp.file, rp.line, column, f"missing {column}"))
    project = rp.text("projectID") or ""
    if project and not project.isdigit():
        reason = "not a grant agreement number (digits)"
        rp.errors.append(RowError(rp.file, rp.line, "projectID", reason, project))
    if kind == "deliverable":
        url = rp.text("url")
        why = link_problem(url) if url else None
        if url and why:
            rp.errors.append(RowError(rp.file, rp.line, "url", why, url))
    else:
        url = REPORTING_PAGE.format(project=project)
    updated = rp.date("contentUpdateDate")
    if not rp.ok:
        errors.extend(rp.errors)
        return None
    return ProjectOutput(
        project=project,
        programme=PROGRAMME,
        kind=kind,
        id=rp.text("id") or "",
        title=rp.text("title"),
        type=rp.text("deliverableType") if kind == "deliverable" else None,
        url=url,
        date=updated.isoformat() if updated else None,
    )
