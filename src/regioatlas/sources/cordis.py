"""CORDIS readers: the official project/organization export and the two comma layouts we hold.

Layouts (see docs/sources.md):

* ``cordis``: the official CORDIS export, ``project.csv`` + ``organization.csv`` (``;``-separated,
  decimal commas), or the same as XLSX. Organisations carry ``nutsCode`` and ``geolocation``.
* ``cordis-he-sample``: Horizon Europe projects with objectives and their organisations,
  comma-separated (``horizon_europe_projects_sample.csv`` + ``..._organizations_sample.csv``),
  optionally with the ``topics`` and ``euroSciVoc`` files to enrich the topics.
* ``cordis-h2020``: every H2020 participation (reduced columns, one row per participation),
  optionally with the project→programme-part file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from regioatlas.geo.nuts import nuts_code_problem
from regioatlas.model import InputError, Participant, PlaceHint, Project, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import parse_amount, parse_bool
from regioatlas.sources.rows import RowParser
from regioatlas.sources.tables import Table, first_line, read_table, width_error

PUBLISHER = "European Commission, Publications Office of the EU (CORDIS)"
LICENCE = "CC BY 4.0"
ATTRIBUTION = "© European Union, CORDIS"

PROJECT_COLUMNS = (
    "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;topics;"
    "ecSignatureDate;frameworkProgramme;masterCall;subCall;fundingScheme;nature;objective;"
    "contentUpdateDate;rcn;grantDoi"
).split(";")
ORGANIZATION_COLUMNS = (
    "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;"
    "postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;order;role;"
    "ecContribution;netEcContribution;totalCost;endOfParticipation;active"
).split(";")
HE_PROJECT_COLUMNS = ("id", "acronym", "title", "startDate", "endDate", "totalCost", "objective")
HE_ORG_COLUMNS = ("projectID", "name", "activityType", "city", "country", "role", "ecContribution")
H2020_COLUMNS = ("rcn", "role", "pic", "type", "contribution", "country", "start_date", "end_date")
ACTIVITY_TYPES = {"HES", "PRC", "REC", "PUB", "OTH"}


def _header(path: Path, delimiter: str) -> list[str]:
    """First line's column names, cheaply (no full read), or [] when unreadable."""
    try:
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            first = next(wb.worksheets[0].iter_rows(values_only=True), ())
            wb.close()
            return [str(c).strip() for c in first if c is not None]
        line = first_line(path)
    except Exception:
        return []
    return [c.strip().strip('"') for c in line.split(delimiter)] if line else []


def has_columns(path: Path, delimiter: str, columns) -> bool:
    """Whether the file's header holds every one of ``columns`` (to recognise a layout)."""
    head = set(_header(path, delimiter))
    return bool(head) and all(c in head for c in columns)


@lru_cache(maxsize=1024)
def _country(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().upper()
    return {"GR": "EL", "GB": "UK"}.get(code, code)


_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def parse_geolocation(text: str | None) -> tuple[float, float] | None:
    """CORDIS ``geolocation`` ("lat,lon", also WKT ``POINT(lon lat)``) → (lat, lon).

    Raises ValueError for text that is neither.
    """
    if not text or not text.strip():
        return None
    m = _POINT.search(text)
    if m:
        lon, lat = float(m.group(1)), float(m.group(2))
    else:
        parts = [p.strip() for p in text.replace(";", ",").split(",")]
        if len(parts) != 2:
            raise ValueError(f"not a 'lat,lon' pair: {text!r}")
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"not a 'lat,lon' pair: {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: lat {lat}, lon {lon}")
    return lat, lon


#: the funding portal's contact-form address carries the organisation's PIC:
#: .../contact-form/project/<PIC>/<project id>; the Horizon Europe export has no organisationID
_CONTACT_FORM_PIC = re.compile(r"/contact-form/project/(\d{9})/")


def pic_from_contact_form(url: str | None) -> str | None:
    """The PIC in a CORDIS ``contactForm`` address, or None.

    Example
    -------
    >>> pic_from_contact_form(
    ...     "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/contact-form/"
    ...     "project/999878911/101226563"
    ... )
    '999878911'
    """
    found = _CONTACT_FORM_PIC.search(url or "")
    return found.group(1) if found else None


def _split_topics(text: str | None) -> list[str]:
    if not text:
        return []
    return [t.strip() for t in re.split(r"[;,|]", text) if t.strip()]


class _Cordis:
    publisher = PUBLISHER
    licence = LICENCE
    attribution = ATTRIBUTION


@lru_cache(maxsize=256)  # a few distinct cells over 180,000 organisations
def activity_type(text: str | None) -> str | None:
    """The one CORDIS activity type of a cell, which real files sometimes repeat or combine.

    ``"PRC;PRC"`` is ``PRC``; a combination of different types (``"HES;PRC"``) is read as its
    first, the type CORDIS lists first; a part that is no activity type is a ValueError.

    Example
    -------
    >>> activity_type("prc; PRC"), activity_type("HES;PRC"), activity_type(" ")
    ('PRC', 'HES', None)
    """
    parts = [part.strip().upper() for part in re.split(r"[;,|/]", text or "")]
    parts = [part for part in parts if part]
    unknown = [part for part in parts if part not in ACTIVITY_TYPES]
    if unknown:
        raise ValueError(
            f"unknown activity type {unknown[0]!r}; expected one of {sorted(ACTIVITY_TYPES)}"
            + (" (several may be separated by ';')" if len(parts) > 1 else "")
        )
    return parts[0] if parts else None


def _project_row(rp: RowParser, source: str, programme_default: str | None) -> Project | None:
    native = rp.text("id")
    if not native:
        rp.errors.append(RowError(rp.file, rp.line, "id", "missing project id"))
        return None
    start, end = rp.date("startDate"), rp.date("endDate")
    rp.check_period(start, end, "endDate")
    total = rp.amount("totalCost")
    ec = rp.amount("ecMaxContribution") if "ecMaxContribution" in rp.row else None
    if not rp.ok:
        return None
    topics = _split_topics(rp.text("topics"))
    return Project(
        id=f"{source}:{native}",
        source=source,
        native_id=native,
        programme=rp.text("frameworkProgramme") or programme_default,
        fund=rp.text("fundingScheme"),
        title=rp.text("title"),
        acronym=rp.text("acronym"),
        objective=rp.text("objective"),
        topics=topics,
        status=rp.text("status"),
        start_date=start,
        end_date=end,
        total_cost_eur=total,
        eu_contribution_eur=ec,
        total_cost_original=total,
        eu_contribution_original=ec,
        url=f"https://cordis.europa.eu/project/id/{native}",
        source_line=rp.line,
    )


def _org_row(rp: RowParser, source: str, seq: int) -> Participant | None:
    pid = rp.text("projectID")
    if not pid:
        rp.errors.append(RowError(rp.file, rp.line, "projectID", "missing project id"))
        return None
    try:
        activity = activity_type(rp.text("activityType"))
    except ValueError as exc:
        rp.errors.append(
            RowError(rp.file, rp.line, "activityType", str(exc), rp.text("activityType"))
        )
        activity = None
    ec = rp.amount("ecContribution")
    sme = rp.flag("SME")
    nuts = (rp.text("nutsCode") or "").upper() or None
    problem = nuts and nuts_code_problem(nuts)
    if problem:
        rp.errors.append(RowError(rp.file, rp.line, "nutsCode", problem, nuts))
    lat = lon = None
    if "geolocation" in rp.row:
        try:
            ll = parse_geolocation(rp.row.get("geolocation"))
        except ValueError as exc:
            rp.errors.append(
                RowError(rp.file, rp.line, "geolocation", str(exc), rp.row.get("geolocation"))
            )
            ll = None
        if ll:
            lat, lon = ll
    if not rp.ok:
        return None
    return Participant(
        project_id=f"{source}:{pid}",
        seq=seq,
        name=rp.text("name"),
        org_id=rp.text("organisationID") or pic_from_contact_form(rp.text("contactForm")),
        short_name=rp.text("shortName"),
        org_type=activity,
        role=(rp.text("role") or "").lower() or None,
        sme=sme,
        eu_contribution_eur=ec,
        eu_contribution_original=ec,
        place=PlaceHint(
            country=_country(rp.text("country")),
            nuts_code=nuts,
            lat=lat,
            lon=lon,
            postcode=rp.text("postCode"),
            city=rp.text("city"),
        ),
        source_line=rp.line,
    )


def _read_projects_and_orgs(
    project_table: Table, org_table: Table, source: str, programme: str | None
) -> ReadResult:
    result = ReadResult()
    seen: set[str] = set()
    for line, row in project_table.rows:
        err = width_error(project_table, line, row)
        if err:
            result.errors.append(err)
            continue
        rp = RowParser(str(project_table.path), line, row)
        project = _project_row(rp, source, programme)
        result.errors.extend(rp.errors)
        if project is None:
            continue
        if project.id in seen:
            result.errors.append(
                RowError(rp.file, line, "id", "duplicate project id", project.native_id)
            )
            continue
        seen.add(project.id)
        result.projects.append(project)
    seq_by_project: dict[str, int] = {}
    orgs = _org_columns(org_table, source) if org_table.columns else _org_rows(org_table, source)
    for line, part, errors in orgs:
        result.errors.extend(errors)
        if part is None:
            continue
        if part.project_id not in seen:
            result.errors.append(
                RowError(
                    str(org_table.path),
                    line,
                    "projectID",
                    "organisation of a project that is not in the project file",
                    part.project_id.partition(":")[2],
                )
            )
            continue
        part.seq = seq_by_project[part.project_id] = seq_by_project.get(part.project_id, 0) + 1
        result.participants.append(part)
    return result


def _org_rows(
    table: Table, source: str
) -> Iterator[tuple[int, Participant | None, list[RowError]]]:
    """Each organisation row: its line, its participation (None when rejected; ``seq`` is
    set by the caller) and its errors."""
    for line, row in table.rows:
        err = width_error(table, line, row)
        if err:
            yield line, None, [err]
            continue
        rp = RowParser(str(table.path), line, row)
        yield line, _org_row(rp, source, 0), rp.errors


def _org_columns(
    table: Table, source: str
) -> Iterator[tuple[int, Participant | None, list[RowError]]]:
    """``_org_rows`` for a table read column-wise: each column is cleaned and parsed in one
    pass (no dict and no parser object per row; 180,000 organisations are the bulk of a
    CORDIS export). The same values and the same errors, in the same order, as ``_org_row``
    (tests/test_sources_cordis.py compares the two on bad cells)."""
    assert table.columns is not None
    file, columns = str(table.path), table.columns
    n = len(columns[table.header[0]])
    problems: dict[int, list[RowError]] = {}

    def raw(name: str) -> list[str | None]:
        return columns.get(name) or [None] * n  # type: ignore[return-value]

    def text(name: str) -> list[str | None]:
        return [(v.strip() or None) if v is not None else None for v in raw(name)]

    def fail(i: int, column: str, reason: str, value: str | None) -> None:
        problems.setdefault(i, []).append(RowError(file, i + 2, column, reason, value))

    def parsed(name: str, parse) -> list:
        """A RowParser._parse over a column: the value, or None and an error."""
        out: list = [None] * n
        for i, v in enumerate(raw(name)):
            if v is None or not v.strip():
                continue
            try:
                out[i] = parse(v)
            except ValueError as exc:
                fail(i, name, str(exc), v)
        return out

    pids = text("projectID")
    activities: list[str | None] = [None] * n
    for i, kind in enumerate(text("activityType")):
        if kind is not None:
            try:
                activities[i] = activity_type(kind)
            except ValueError as exc:
                fail(i, "activityType", str(exc), kind)
    amounts = parsed("ecContribution", parse_amount)
    for i, (amount, v) in enumerate(zip(amounts, raw("ecContribution"))):
        if amount is not None and amount < 0:
            fail(i, "ecContribution", "negative amount", v)
            amounts[i] = None
    smes = parsed("SME", parse_bool)
    nuts_codes = [(c or "").upper() or None for c in text("nutsCode")]
    for i, code in enumerate(nuts_codes):
        if code and (problem := nuts_code_problem(code)):
            fail(i, "nutsCode", problem, code)
    points = parsed("geolocation", parse_geolocation) if "geolocation" in columns else [None] * n
    org_ids, forms = text("organisationID"), text("contactForm")
    names, short_names, roles = text("name"), text("shortName"), text("role")
    countries, postcodes, cities = text("country"), text("postCode"), text("city")
    for i in range(n):
        line = i + 2
        if not pids[i]:
            yield line, None, [RowError(file, line, "projectID", "missing project id")]
            continue
        if i in problems:
            yield line, None, problems[i]
            continue
        point = points[i]
        yield (
            line,
            Participant(
                project_id=f"{source}:{pids[i]}",
                seq=0,
                name=names[i],
                org_id=org_ids[i] or pic_from_contact_form(forms[i]),
                short_name=short_names[i],
                org_type=activities[i],
                role=(roles[i] or "").lower() or None,
                sme=smes[i],
                eu_contribution_eur=amounts[i],
                eu_contribution_original=amounts[i],
                place=PlaceHint(
                    country=_country(countries[i]),
                    nuts_code=nuts_codes[i],
                    lat=point[0] if point else None,
                    lon=point[1] if point else None,
                    postcode=postcodes[i],
                    city=cities[i],
                ),
                source_line=line,
            ),
            [],
        )


def _pick(paths: list[Path], delimiter: str, columns) -> Path | None:
    return next((p for p in paths if has_columns(p, delimiter, columns)), None)


def _pair(paths: list[Path], delimiter: str, proj_cols, org_cols, what: str) -> tuple[Path, Path]:
    proj, org = _pick(paths, delimiter, proj_cols), _pick(paths, delimiter, org_cols)
    if proj is None or org is None:
        missing = "project file" if proj is None else "organisation file"
        raise InputError(
            RowError(
                ", ".join(str(p) for p in paths),
                None,
                None,
                f"{what}: no {missing} among the files (need both, recognised by their headers: "
                f"project {', '.join(proj_cols[:6])}...; organisation {', '.join(org_cols[:6])}...)",
            )
        )
    return proj, org


class CordisExport(_Cordis):
    """The official CORDIS export: ``project`` + ``organization`` files, ``;``-separated or XLSX."""

    name = "cordis"
    title = "CORDIS project and organization export (official layout)"

    def sniff(self, paths: list[Path]) -> str | None:
        if _pick(paths, ";", PROJECT_COLUMNS[:8]) or _pick(paths, ";", ORGANIZATION_COLUMNS[:8]):
            return "CORDIS official export (project.csv / organization.csv, ';'-separated)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        proj, org = _pair(
            paths, ";", PROJECT_COLUMNS[:8], ORGANIZATION_COLUMNS[:8], "CORDIS export"
        )
        pt = read_table(
            proj, delimiter=";", required=("id", "title", "startDate", "endDate", "totalCost")
        )
        ot = read_table(
            org, delimiter=";", required=("projectID", "name", "country", "ecContribution")
        )
        result = _read_projects_and_orgs(pt, ot, self.name, None)
        result.recognised_as = self.sniff(paths) or self.title
        return result


class CordisHorizonEuropeSample(_Cordis):
    """Horizon Europe projects with objectives + their organisations (comma-separated)."""

    name = "cordis-he-sample"
    title = "CORDIS Horizon Europe projects and organisations (comma-separated sample)"

    def sniff(self, paths: list[Path]) -> str | None:
        if _pick(paths, ",", HE_PROJECT_COLUMNS) or _pick(paths, ",", HE_ORG_COLUMNS):
            return "CORDIS Horizon Europe projects/organisations (comma-separated)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        proj, org = _pair(paths, ",", HE_PROJECT_COLUMNS, HE_ORG_COLUMNS, "Horizon Europe sample")
        pt = read_table(proj, delimiter=",", required=HE_PROJECT_COLUMNS)
        ot = read_table(org, delimiter=",", required=HE_ORG_COLUMNS)
        result = _read_projects_and_orgs(pt, ot, self.name, "HORIZON")
        _add_labels(result, paths)
        result.recognised_as = self.sniff(paths) or self.title
        return result


def _add_labels(result: ReadResult, paths: list[Path]) -> None:
    """Enrich topics from the CORDIS ``topics`` and ``euroSciVoc`` files when given."""
    by_native = {p.native_id: p for p in result.projects}
    topic_file = _pick(paths, ",", ("projectID", "topic", "title"))
    if topic_file:
        for _, row in read_table(topic_file, required=("projectID", "topic", "title")).rows:
            p = by_native.get((row.get("projectID") or "").strip())
            topic = row.get("title")
            if p and topic and topic not in p.topics:
                p.topics.append(topic.strip())
    voc_file = _pick(paths, ",", ("projectID", "euroSciVocCode", "euroSciVocTitle"))
    if voc_file:
        for _, row in read_table(voc_file, required=("projectID", "euroSciVocTitle")).rows:
            p = by_native.get((row.get("projectID") or "").strip())
            title = (row.get("euroSciVocTitle") or "").strip()
            if p and title and title not in p.topics:
                p.topics.append(title)


class CordisH2020Participations(_Cordis):
    """All H2020 participations, one row each; projects are rebuilt per CORDIS record number."""

    name = "cordis-h2020"
    title = "CORDIS H2020 participations (one row per participation, reduced columns)"
    publisher = PUBLISHER + "; prepared by the eunets project (MIT)"

    def sniff(self, paths: list[Path]) -> str | None:
        if _pick(paths, ",", H2020_COLUMNS):
            return "CORDIS H2020 participations (rcn, role, pic, type, contribution, country, ...)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        main = _pick(paths, ",", H2020_COLUMNS)
        if main is None:
            raise InputError(
                RowError(
                    ", ".join(map(str, paths)),
                    None,
                    None,
                    "no H2020 participation file (columns " + ", ".join(H2020_COLUMNS) + ")",
                )
            )
        table = read_table(main, required=H2020_COLUMNS)
        parts_file = _pick(paths, ",", ("rcn", "programme_part"))
        parts: dict[str, list[str]] = {}
        part_errors: list[RowError] = []
        if parts_file:
            parts_table = read_table(parts_file, required=("rcn", "programme_part"))
            for line, row in parts_table.rows:
                # a short row lacks cells: an error naming the line, not a KeyError
                if (error := width_error(parts_table, line, row)) is not None:
                    part_errors.append(error)
                    continue
                rcn, part = (row["rcn"] or "").strip(), (row["programme_part"] or "").strip()
                parts.setdefault(rcn, []).append(part)
        result = _h2020_rows(table, parts, self.name, self.sniff(paths) or self.title)
        result.errors.extend(part_errors)
        return result


def _h2020_rows(
    table: Table, parts: dict[str, list[str]], source: str, recognised: str
) -> ReadResult:
    from regioatlas.sources.parsing import parse_amount, parse_date

    result = ReadResult(recognised_as=recognised)
    projects: dict[str, Project] = {}
    seq: dict[str, int] = {}
    file = str(table.path)
    # The table was written by R: NA marks a missing value.
    na: dict[str | None, None] = {"NA": None}
    # The hot loop of the largest bundled file: parse inline rather than through RowParser.
    for line, row in table.rows:
        if (error := width_error(table, line, row)) is not None:
            result.errors.append(error)
            continue
        rcn = (row.get("rcn") or "").strip()
        if not rcn:
            result.errors.append(RowError(file, line, "rcn", "missing project record number"))
            continue
        try:
            contribution = parse_amount(na.get(row["contribution"], row["contribution"]), ".")
        except ValueError as exc:
            result.errors.append(
                RowError(file, line, "contribution", str(exc), row["contribution"])
            )
            continue
        pid = f"{source}:{rcn}"
        project = projects.get(pid)
        if project is None:
            try:
                start = parse_date(na.get(row["start_date"], row["start_date"]))
                end = parse_date(na.get(row["end_date"], row["end_date"]))
                max_c = parse_amount(
                    na.get(row.get("max_contribution"), row.get("max_contribution")), "."
                )
                total = parse_amount(na.get(row.get("total_cost"), row.get("total_cost")), ".")
            except ValueError as exc:
                result.errors.append(RowError(file, line, None, str(exc)))
                continue
            project = Project(
                id=pid,
                source=source,
                native_id=rcn,
                programme="H2020",
                fund="H2020",
                topics=parts.get(rcn, []),
                start_date=start,
                end_date=end,
                total_cost_eur=total,
                eu_contribution_eur=max_c,
                total_cost_original=total,
                eu_contribution_original=max_c,
                url=f"https://cordis.europa.eu/search?q=contenttype%3D%27project%27%20AND%20rcn%3D{rcn}",
                source_line=line,
            )
            projects[pid] = project
        n = seq.get(pid, 0) + 1
        seq[pid] = n
        org_type = (row.get("type") or "").strip().upper() or None
        result.participants.append(
            Participant(
                project_id=pid,
                seq=n,
                org_id=(row.get("pic") or "").strip() or None,
                org_type=org_type,
                role=(row.get("role") or "").strip().lower() or None,
                eu_contribution_eur=contribution,
                eu_contribution_original=contribution,
                place=PlaceHint(country=_country(row.get("country"))),
                source_line=line,
            )
        )
    result.projects = list(projects.values())
    return result
