"""A large, regular list is read column by column (``profile_columns``): the same operations,
beneficiaries and errors, in the same order, as the row reader, on every built-in profile's
real fixture with bad cells put in (constructed, as named in each case)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from regioatlas.sources import profile_columns, profile_reader
from regioatlas.sources.parsing import read_text
from regioatlas.sources.profile import find_profile
from regioatlas.sources.profile_reader import read_batches_with_profile, read_with_profile

FIX = Path(__file__).parent / "fixtures" / "cohesion"

BLANK = "(every cell blank)"

#: profile → (fixture, {(row, column): constructed cell}); rows count from the first data row
AT_RATE = "Unions-Kofinanzierungssatz pro Prioritätsachse/ Union co-financing rate, as per priority axis**"
AT_PLACE = "Regionalcode des Vorhabens/ location indicator"
CASES = {
    "at-efre": (
        "AT_ERDF_2014-2020_Vorhabensliste.csv",
        {
            (0, AT_RATE): "150 %",  # not a rate
            (1, AT_PLACE): "Linz",  # matches neither the LAU code's nor the name's pattern
            (2, AT_RATE): "",  # no rate: no EU contribution
            (3, "Datum des Beginns des Vorhabens/ operation start date"): "2015-02-30",
        },
    ),
    "fi-rakennerahastot": (
        "FI_ERDF_ESF_2014-2020_projektilista_sample.csv",
        {
            (0, "Aloituspvm"): "31.2.2015",  # no such date
            (1, "Aloituspvm"): "1.6.2017",  # ends before it starts
            (1, "Päättymispvm"): "1.1.2016",
            (2, "Suunniteltu julkinen rahoitus yhteensä"): "-5",
            (3, "Suunniteltu julkinen rahoitus yhteensä"): "12a",  # two errors in one row
            (3, "Myönnetty EU- ja valtion rahoitus"): "lots",
            (4, "Koodi"): " ",  # empty id
            (9, "Koodi"): "A70300",  # the id of row 1, which was refused: not a repeat
            (10, BLANK): "",
            (11, "Rahasto"): "XYZ",  # no value map entry: kept as written
            (12, "Toteuttajan nimi"): "Uudenmaan liitto",  # an intermediate-body rule
            (13, "Koodi"): "A70299",  # repeats row 0's id, refused there: not a repeat
            (14, "Koodi"): "{id 15}",  # repeats a later row's id: the later one is refused
        },
    ),
    "keep-eu-partners": (
        "keep_eu_partners_sample.csv.gz",
        {
            (0, "lat"): "north",
            (1, "lon"): "200",  # out of range for degrees
            (2, "NUTS3"): "ZZ999  / Nowhere",  # no such NUTS code
            (3, "Country.Code"): "italy",  # does not match the extract pattern
            (4, "ID_PARTICIPATION"): "",
            (5, BLANK): "",
            (6, "NUTS3"): "ith35  / Venezia",  # lower case: upper-cased, then located
        },
    ),
    "hu-uszt-ka": (
        "HU_CF_USZT_KA_tamogatott_projektek_sample.csv",
        {
            (0, "Megítélt összeg"): "-1 .- HUF",
            (1, "Támogatási döntés dátuma"): "2012.13.45",
            (2, "Támogatási döntés dátuma"): "",  # HUF with no date for the exchange rate
            (3, "Beruházás helye (helység)"): "_Nincs megadva helység",
        },
    ),
    "se-projektbanken": (
        "SE_ERDF_2014-2020_projektbanken_sample.csv",
        {(0, "beviljat_belopp_sek"): "x", (1, "projekt_sluttid"): "2001-01-01"},
    ),
    "pl-mapadotacji": (
        "PL_ERDF_2014-2020_projects_sample.csv",
        {(0, "Wartość projektu"): "1.2.3", (1, BLANK): "", (2, "Tytuł projektu"): ""},
    ),
    "hr-karta-projekata": (
        "HR_ESIF_2007-2020_karta_projekata_sample.csv",
        {(0, "Bespovratna sredstva"): "-3 kn", (1, "Datum ugovaranja"): "99.99.2015"},
    ),
}


def _regular_copy(profile, fixture: str, edits: dict, folder: Path) -> Path:
    """The fixture with the edits, one physical line per record (cells' newlines made
    spaces), as a file the column reader takes."""
    path = FIX / fixture
    text = read_text(path, profile.encoding)
    header, *rows = [
        [" ".join(c.splitlines()) for c in row]
        for row in csv.reader(text.splitlines(keepends=True), delimiter=profile.delimiter)
        if any(row)
    ]
    for (i, column), cell in edits.items():
        if column == BLANK:
            rows[i] = [""] * len(header)
        elif cell == "{id 15}":
            rows[i][header.index(column)] = rows[15][header.index(column)]
        else:
            rows[i][header.index(column)] = cell
    out = folder / path.name.removesuffix(".gz")
    with out.open("w", encoding=profile.encoding, newline="") as f:
        csv.writer(f, delimiter=profile.delimiter, lineterminator="\n").writerows([header, *rows])
    return out


def _by_column(monkeypatch, profile, path: Path, batch_rows: int = 1 << 62):
    """Read ``path`` through the column reader (whatever its size), checking it was used."""
    used = []
    real = profile_columns.read_columns

    def spy(*args, **kwargs):
        used.append(True)
        return real(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(profile_reader, "ARROW_MIN_CHARS", 0)
        m.setattr(profile_columns, "read_columns", spy)
        batches = list(read_batches_with_profile(profile, [path], batch_rows))
    assert used, "the column reader was not used"
    return batches


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_read_by_column_equals_the_list_read_by_row(name, tmp_path, monkeypatch):
    profile = find_profile(name)
    fixture, edits = CASES[name]
    path = _regular_copy(profile, fixture, edits, tmp_path)
    by_row = read_with_profile(profile, [path])
    (by_column,) = _by_column(monkeypatch, profile, path)
    assert [(e.line, e.column, e.reason, e.value) for e in by_column.errors] == [
        (e.line, e.column, e.reason, e.value) for e in by_row.errors
    ]
    assert by_column.projects == by_row.projects
    assert by_column.participants == by_row.participants
    bad_rows = {i for (i, column), _ in edits.items() if column != BLANK}
    assert len({e.line for e in by_row.errors}) >= len(bad_rows) // 2 > 0
    assert by_row.projects, "the fixture has good rows too"


def test_the_column_reader_batches_the_file_and_keeps_ids_unique_across_batches(
    tmp_path, monkeypatch
):
    profile = find_profile("fi-rakennerahastot")
    fixture, _ = CASES["fi-rakennerahastot"]
    path = _regular_copy(profile, fixture, {(40, "Koodi"): "A70299"}, tmp_path)
    batches = _by_column(monkeypatch, profile, path, batch_rows=20)
    assert [len(b.projects) + len(b.errors) for b in batches][:3] == [20, 20, 20]
    errors = [e for b in batches for e in b.errors]
    assert [(e.line, e.reason) for e in errors] == [
        (42, "duplicate id, first seen in " + str(path) + " at line 2")
    ]
    whole = read_with_profile(profile, [path])
    assert [p for b in batches for p in b.projects] == whole.projects


def test_an_irregular_large_file_is_read_by_row(tmp_path, monkeypatch):
    """A quoted newline in a cell: the row reader, which counts physical lines."""
    profile = find_profile("hr-karta-projekata")
    text = read_text(FIX / CASES["hr-karta-projekata"][0], "utf-8")
    assert '\n",' in text  # a description ends in a newline inside its quotes
    path = tmp_path / "hr.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(profile_reader, "ARROW_MIN_CHARS", 0)
    assert profile_reader._regular_table(profile, text) is None
    assert read_with_profile(profile, [path]).projects
