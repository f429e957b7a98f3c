"""CORDIS readers on real rows: the official layout (CSV and XLSX), the HE sample, H2020."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from regioatlas.model import InputError
from regioatlas.sources.cordis import (
    CordisExport,
    CordisH2020Participations,
    CordisHorizonEuropeSample,
    parse_geolocation,
)
from regioatlas.sources.registry import recognise


def test_he_sample_reads_every_row_with_decimal_commas(fixtures):
    d = fixtures / "cordis"
    result = CordisHorizonEuropeSample().read([d / "he_projects.csv", d / "he_organizations.csv"])
    assert result.errors == []
    assert len(result.projects) == 20
    assert len(result.participants) == 199
    coasts = next(p for p in result.projects if p.native_id == "101180091")
    assert coasts.acronym == "COASTS"
    assert coasts.total_cost_eur == 1971987.5  # "1971987,5" in the file
    assert coasts.start_date == date(2024, 11, 1)
    assert coasts.id == "cordis-he-sample:101180091"
    ghana = next(p for p in result.participants if p.name == "UNIVERSITY OF GHANA")
    assert ghana.eu_contribution_eur == 800250.0
    assert ghana.place.country == "GH" and ghana.place.city == "LEGON ACCRA"
    assert ghana.org_type == "HES"


def test_official_layout_csv_and_xlsx_give_the_same_rows(fixtures):
    d = fixtures / "cordis" / "official"
    from_csv = CordisExport().read([d / "project.csv", d / "organization.csv"])
    from_xlsx = CordisExport().read([d / "project.xlsx", d / "organization.xlsx"])
    assert from_csv.errors == [] and from_xlsx.errors == []
    assert [p.id for p in from_csv.projects] == [p.id for p in from_xlsx.projects]
    assert [p.total_cost_eur for p in from_csv.projects] == [
        p.total_cost_eur for p in from_xlsx.projects
    ]
    assert [(p.name, p.eu_contribution_eur) for p in from_csv.participants] == [
        (p.name, p.eu_contribution_eur) for p in from_xlsx.participants
    ]
    he = CordisHorizonEuropeSample().read(
        [fixtures / "cordis" / "he_projects.csv", fixtures / "cordis" / "he_organizations.csv"]
    )
    assert sorted(p.total_cost_eur for p in from_csv.projects) == sorted(
        p.total_cost_eur for p in he.projects
    )


def test_h2020_participations_rebuild_projects(fixtures):
    path = fixtures / "cordis" / "h2020_participations_head.csv"
    result = CordisH2020Participations().read([path])
    assert result.errors == []
    assert len(result.participants) == 3000
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert len(result.projects) == len({r["rcn"] for r in rows})
    first = rows[0]
    project = next(p for p in result.projects if p.native_id == first["rcn"])
    assert project.eu_contribution_eur == float(first["max_contribution"])
    total = sum(float(r["contribution"]) for r in rows if r["contribution"] != "NA")
    assert sum(p.eu_contribution_eur or 0 for p in result.participants) == pytest.approx(total)
    missing = sum(1 for r in rows if r["contribution"] == "NA")
    assert sum(1 for p in result.participants if p.eu_contribution_eur is None) == missing


def test_auto_recognises_each_layout(fixtures):
    d = fixtures / "cordis"
    assert (
        recognise([d / "official" / "project.csv", d / "official" / "organization.csv"])[0].name
        == "cordis"
    )
    assert (
        recognise([d / "official" / "project.xlsx", d / "official" / "organization.xlsx"])[0].name
        == "cordis"
    )
    assert (
        recognise([d / "he_projects.csv", d / "he_organizations.csv"])[0].name == "cordis-he-sample"
    )
    assert recognise([d / "h2020_participations_head.csv"])[0].name == "cordis-h2020"


def test_geolocation_forms():
    assert parse_geolocation("60.1699,24.9384") == (60.1699, 24.9384)
    assert parse_geolocation("POINT (24.9384 60.1699)") == (60.1699, 24.9384)
    assert parse_geolocation("") is None
    with pytest.raises(ValueError):
        parse_geolocation("north of Lahti")
    with pytest.raises(ValueError):
        parse_geolocation("95.0,24.9")


# --- bad input: constructed from the real fixtures by breaking one thing at a time -------------
def _copy_with(src, dest, edit):
    text = src.read_text(encoding="utf-8")
    dest.write_text(edit(text), encoding="utf-8")
    return dest


def test_wrong_delimiter_names_file_and_hint(fixtures, tmp_path):
    src = fixtures / "cordis" / "official" / "project.csv"
    bad = _copy_with(src, tmp_path / "project.csv", lambda t: t.replace(";", "\t"))
    org = fixtures / "cordis" / "official" / "organization.csv"
    with pytest.raises(InputError) as exc:
        CordisExport().read([bad, org])
    assert "project file" in str(exc.value) or "project.csv" in str(exc.value)


def test_missing_required_column(fixtures, tmp_path):
    src = fixtures / "cordis" / "he_projects.csv"
    bad = _copy_with(src, tmp_path / "p.csv", lambda t: t.replace("totalCost", "cost", 1))
    with pytest.raises(InputError) as exc:
        CordisHorizonEuropeSample().read([bad, fixtures / "cordis" / "he_organizations.csv"])
    assert "p.csv" in str(exc.value) or "project file" in str(exc.value)


def test_non_numeric_amount_and_bad_date_name_line_and_column(fixtures, tmp_path):
    src = fixtures / "cordis" / "he_projects.csv"
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(lines)
    text = text.replace('"1971987,5"', "about two million", 1).replace(
        "2024-11-01", "1.11.2024x", 1
    )
    bad = tmp_path / "projects.csv"
    bad.write_text(text, encoding="utf-8")
    result = CordisHorizonEuropeSample().read([bad, fixtures / "cordis" / "he_organizations.csv"])
    columns = {e.column for e in result.errors}
    assert {"totalCost", "startDate"} <= columns
    err = next(e for e in result.errors if e.column == "totalCost")
    assert err.file == str(bad) and err.line > 1 and err.value == "about two million"
    assert "101180091" not in {p.native_id for p in result.projects}
    assert len(result.projects) == 19


def test_truncated_and_empty_files(fixtures, tmp_path):
    src = fixtures / "cordis" / "he_projects.csv"
    truncated = tmp_path / "projects.csv"
    truncated.write_bytes(src.read_bytes()[: len(src.read_bytes()) // 2])
    try:
        result = CordisHorizonEuropeSample().read(
            [truncated, fixtures / "cordis" / "he_organizations.csv"]
        )
        message = " ".join(str(e) for e in result.errors)
    except InputError as exc:
        message = str(exc)
    assert "truncated" in message
    empty = tmp_path / "organizations.csv"
    empty.write_text("")
    with pytest.raises(InputError):
        CordisHorizonEuropeSample().read([src, empty])


def test_wrong_encoding_names_line(fixtures, tmp_path):
    src = fixtures / "cordis" / "he_organizations.csv"
    bad = tmp_path / "orgs.csv"
    bad.write_bytes(
        src.read_text(encoding="utf-8").encode("cp1250", errors="replace")[:-1] + b"\x81"
    )
    with pytest.raises(InputError, match="line"):
        CordisHorizonEuropeSample().read([fixtures / "cordis" / "he_projects.csv", bad])


def test_utf16_with_a_bom_is_read_like_utf8(fixtures, tmp_path):
    src = fixtures / "cordis" / "he_organizations.csv"
    utf16 = tmp_path / "orgs.csv"
    utf16.write_bytes(src.read_text(encoding="utf-8").encode("utf-16"))
    projects = fixtures / "cordis" / "he_projects.csv"
    read = CordisHorizonEuropeSample().read([projects, utf16])
    assert read.participants == CordisHorizonEuropeSample().read([projects, src]).participants


def test_nuts_codes_and_geolocation_in_the_official_layout(fixtures, tmp_path):
    """Constructed input: the real official-layout fixture with nutsCode/geolocation cells filled
    (the real sample has them empty) to exercise validation, recoding and point locating."""
    from regioatlas.ingest import ingest
    from regioatlas.store import open_store

    src = fixtures / "cordis" / "official"
    lines = (src / "organization.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    rows = [next(csv.reader([line], delimiter=";")) for line in lines[1:4]]
    nuts, geo = header.index("nutsCode"), header.index("geolocation")
    rows[0][nuts] = "FI1C3"  # Päijät-Häme in NUTS 2021: recoded to FI1C6
    rows[1][geo] = "60.98,25.66"  # Lahti
    rows[2][nuts] = "XX999"  # no NUTS code of any version
    org = tmp_path / "organization.csv"
    with org.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    project = src / "project.csv"
    result = CordisExport().read([project, org])
    assert [(e.line, e.column, e.value) for e in result.errors] == [(4, "nutsCode", "XX999")]
    with open_store(str(tmp_path / "s.duckdb")) as store:
        with pytest.raises(InputError):
            ingest(store, "cordis", [project, org])
        report = ingest(store, "cordis", [project, org], allow_partial=True)
        assert report.dataset.participant_count == 2
        parts = [
            p
            for pid in {r[0] for r in rows[:2]}
            for p in store.project(f"cordis:{pid}")["participants"]
        ]
    located = sorted((p["nuts3"], p["loc_method"]) for p in parts)
    assert ("FI1C6", "nuts_code_recoded") in located and ("FI1C6", "coordinates") in located


def test_h2020_programme_parts_file_with_a_short_row_is_a_row_error(fixtures, tmp_path):
    main = fixtures / "cordis" / "h2020_participations_head.csv"
    with main.open() as f:
        rcns = list(dict.fromkeys(r["rcn"] for r in csv.DictReader(f)))[:2]
    parts = tmp_path / "programme_parts.csv"
    parts.write_text(f"rcn,programme_part\n{rcns[0]},H2020-EU.1.1.\n{rcns[1]}\n", encoding="utf-8")
    result = CordisH2020Participations().read([main, parts])
    assert [(e.file, e.line) for e in result.errors] == [(str(parts), 3)]
    assert "row has 1 cells, the header has 2" in result.errors[0].reason
    topics = {p.native_id: p.topics for p in result.projects}
    assert topics[rcns[0]] == ["H2020-EU.1.1."] and topics[rcns[1]] == []


def test_organisations_read_by_column_equal_those_read_by_row(fixtures):
    """A large export is read column by column (``Table.columns``, from Arrow): the same
    participations and the same errors, in the same order, as the row-by-row reader, on the
    real official-layout organisations with bad cells put in (constructed, as named below)."""
    from regioatlas.sources.cordis import _read_projects_and_orgs
    from regioatlas.sources.tables import Table, read_table

    src = fixtures / "cordis" / "official"
    projects = read_table(src / "project.csv", delimiter=";")
    orgs = read_table(src / "organization.csv", delimiter=";")
    assert orgs.columns is None  # a small file is read row by row
    bad = {  # (row, column) → constructed cell
        (0, "ecContribution"): "12a",
        (1, "ecContribution"): "-5",
        (2, "SME"): "maybe",
        (3, "nutsCode"): "XX999",
        (4, "geolocation"): "somewhere",
        (5, "activityType"): "XYZ",
        (6, "projectID"): " ",
        (7, "projectID"): "999999999",  # not in the project file
        (8, "activityType"): "HES;XYZ",
        (9, "ecContribution"): "oops",
        (10, "nutsCode"): "fi1c3",
        (11, "geolocation"): "POINT(25.66 60.98)",
        (12, "contactForm"): "https://x/contact-form/project/999878911/1",
    }
    rows = [dict(row) for _, row in orgs.rows]
    for (i, column), cell in bad.items():
        rows[i][column] = cell
    rows[9]["SME"] = "perhaps"  # two errors in one row, in column order
    rows[12]["organisationID"] = ""
    by_row = Table(orgs.path, orgs.header, [(i + 2, r) for i, r in enumerate(rows)])
    columns = {h: [r[h] or "" for r in rows] for h in orgs.header}
    by_column = Table(orgs.path, orgs.header, columns=columns)
    a = _read_projects_and_orgs(projects, by_row, "cordis", None)
    b = _read_projects_and_orgs(projects, by_column, "cordis", None)
    assert len(a.errors) == 11
    assert [(e.line, e.column, e.reason, e.value) for e in b.errors] == [
        (e.line, e.column, e.reason, e.value) for e in a.errors
    ]
    assert b.participants == a.participants and len(a.participants) == len(rows) - 10
    assert {p.place.nuts_code for p in b.participants} >= {"FI1C3"}
    assert "999878911" in {p.org_id for p in b.participants}
