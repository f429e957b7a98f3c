"""Profiles: the built-in FI/AT/PL lists of operations, bad inputs, user profiles, suggestions."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from regioatlas.geo.nuts import NutsRegistry
from regioatlas.model import InputError
from regioatlas.sources.money import rate_for
from regioatlas.sources.profile import (
    Profile,
    ProfileError,
    builtin_profile_text,
    builtin_profiles,
    find_profile,
    load_profile,
    parse_profile,
)
from regioatlas.sources.profile_reader import (
    ProfileSource,
    hash_id,
    read_with_profile,
    sniff_profile,
)
from regioatlas.sources.registry import get_source, recognise
from regioatlas.sources.suggest import detect_delimiter, detect_encoding, suggest_profile

FIX = Path(__file__).parent / "fixtures" / "cohesion"
FI = FIX / "FI_ERDF_ESF_2014-2020_projektilista_head.csv"
FI_SAMPLE = FIX / "FI_ERDF_ESF_2014-2020_projektilista_sample.csv"
AT = FIX / "AT_ERDF_2014-2020_Vorhabensliste.csv"
PL = FIX / "PL_ERDF_2014-2020_projects_sample.csv"


def read(profile: str, *paths: Path):
    return read_with_profile(find_profile(profile), list(paths))


def by_line(result, line: int):
    project = next(p for p in result.projects if p.source_line == line)
    participant = next(p for p in result.participants if p.project_id == project.id)
    return project, participant


def raw_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


# --------------------------------------------------------------------------- built-ins


def test_builtin_profiles_are_named_and_complete():
    names = builtin_profiles()
    assert set(names) == {
        "fi-rakennerahastot", "at-efre", "pl-mapadotacji", "se-projektbanken",
        "hr-karta-projekata", "hu-uszt-ka", "keep-eu-partners",
    }  # fmt: skip
    assert all(p.name == name for name, p in names.items())
    # keep.eu's partners come from every country: the country is read per row
    assert {p.country for p in names.values()} == {"FI", "AT", "PL", "SE", "HR", "HU", None}
    assert "country" in names["keep-eu-partners"].columns
    for p in names.values():
        assert p.publisher and p.licence and p.attribution and p.source_url


def test_every_builtin_nuts_code_exists_in_nuts_2021():
    text = (FIX / "nuts2021_codes_at_fi_pl.csv").read_text("utf-8")
    codes = {r["nuts_code"] for r in csv.DictReader(text.splitlines())}
    for p in builtin_profiles().values():
        for rule in p.body_region:
            if rule.nuts_version == 2021 and p.country in ("AT", "FI", "PL"):
                assert rule.nuts is None or rule.nuts in codes, (p.name, rule.nuts)


def test_every_builtin_nuts_code_exists_in_its_version():
    registry = NutsRegistry.default()
    for p in builtin_profiles().values():
        for rule in p.body_region:
            assert rule.nuts is None or registry.is_valid(rule.nuts, rule.nuts_version), (
                p.name,
                rule.nuts,
            )


# --------------------------------------------------------------------------- Finland


def test_fi_amounts_and_dates_equal_the_file():
    res = read("fi-rakennerahastot", FI)
    row = raw_rows(FI)[2]  # physical line 3: A70302
    project, participant = by_line(res, 3)
    assert project.id == "fi-rakennerahastot:A70302" and project.native_id == row[0]
    assert project.title == row[2]
    # "Myönnetty EU- ja valtion rahoitus" is EU + national public funding, never EU money alone
    assert project.public_funding_eur == float(row[9]) == 280000
    assert project.eu_contribution_eur is None and participant.eu_contribution_eur is None
    assert project.total_cost_eur == float(row[11]) == 319258
    assert (project.start_date, project.end_date) == (date(2015, 3, 1), date(2017, 2, 28))
    assert project.fund == "ERDF" and project.status == "ongoing" and project.currency == "EUR"
    assert project.exchange_rate == 1.0 and project.total_cost_original == 319258
    assert project.country == "FI" and project.language == "fi"
    assert participant.name == row[8] == "Lappeenrannan teknillinen yliopisto"
    assert participant.seq == 1 and participant.role == "beneficiary"
    assert participant.source_line == 3


def test_fi_decimal_amounts_and_esf_rows():
    res = read("fi-rakennerahastot", FI_SAMPLE)
    project, _ = by_line(res, 110)  # S20464, ESR, Hämeen ELY
    assert project.fund == "ESF" and project.native_id == "S20464"
    assert project.topics == [
        "TL3 Työllisyys ja työvoiman liikkuvuus (employment and labour mobility)"
    ]
    project, _ = by_line(res, 4)  # A70201: 180000 granted, 300000 planned
    assert (project.public_funding_eur, project.total_cost_eur) == (180000, 300000)
    assert len(res.projects) == 149 and res.errors == []


@pytest.mark.parametrize(
    ("file", "line", "body", "city"),
    [
        (FI, 7, "FI1D", None),  # Pohjois-Pohjanmaan ELY (with a double space)
        (FI, 8, "FI1D", None),  # Etelä-Savon ELY
        (FI, 9, "FI19", None),  # Keski-Suomen ELY
        (FI, 2, None, "Mikkeli"),  # Tekes: national body; beneficiary Mikkelin Ammattikorkeakoulu
        (FI, 109, "FI1D", None),  # malformed: " Ruotsi Pohjois-Pohjanmaan elinkeino- ..."
        (FI, 153, "FI1", None),  # malformed: "... valmistelu Hämeen elinkeino- ..."
        (FI_SAMPLE, 4, "FI1", None),  # Uudenmaan liitto (Southern Finland + 6Aika)
        (FI_SAMPLE, 5, "FI1", "Oulu"),  # Uudenmaan liitto, beneficiary Oulun kaupunki
        (FI_SAMPLE, 6, "FI1D7", None),  # Lapin liitto is the beneficiary: Lappi
        (FI_SAMPLE, 8, "FI1D9", "Pyhäntä"),  # Pohjois-Pohjanmaan liitto; Pyhännän kunta
        (FI_SAMPLE, 60, "FI19", "Huittinen"),  # Pirkanmaan liitto; Huittisten kaupunki
        (FI_SAMPLE, 65, "FI1D7", "Sodankylä"),  # Lapin liitto; Sodankylän kunta
        (FI_SAMPLE, 138, "FI1", "Oulu"),  # Hämeen ELY (ESF)
    ],
)
def test_fi_place_clues(file, line, body, city):
    _, participant = by_line(read("fi-rakennerahastot", file), line)
    place = participant.place
    assert (place.country, place.body_region, place.city) == ("FI", body, city)
    assert place.body_region_version == (2021 if body else None)


def test_fi_malformed_rows_are_read_or_rejected_with_reasons():
    res = read("fi-rakennerahastot", FI)
    assert len(res.projects) == 158  # 159 rows, one rejected
    [error] = res.errors
    assert (error.line, error.column, error.value) == (148, "Aloituspvm", "7560")
    assert "not a date" in error.reason
    project, _ = by_line(res, 60)  # empty start date: fine, None
    assert project.start_date is None and project.end_date == date(2015, 12, 31)


# --------------------------------------------------------------------------- Austria


def test_at_eu_contribution_is_total_times_rate():
    res = read("at-efre", AT)
    assert len(res.projects) == 49 and res.errors == []
    rows = raw_rows(AT)[1:]
    for project, row in zip(res.projects, rows, strict=True):
        total = float(row[5].replace(",", "."))
        rate = float(row[6].replace("%", "").replace(",", ".")) / 100
        assert project.total_cost_eur == pytest.approx(total)
        assert project.eu_contribution_eur == pytest.approx(total * rate)
    first = res.projects[0]
    assert first.total_cost_eur == 403514.06
    assert first.eu_contribution_eur == pytest.approx(403514.06 * 0.1813)
    assert first.start_date == date(2016, 6, 27) and first.source_line == 12  # header: 11 lines


def test_at_place_clues_from_the_location_indicator():
    res = read("at-efre", AT)
    places = {p.source_line: p.place for p in res.participants}
    assert (places[12].lau_code, places[12].city) == ("60660", "Dobl-Zwaring")
    steyr = next(p for p in places.values() if p.lau_code == "40201")
    assert steyr.city == "Steyr"  # "40201 - Steyr (Teil)"
    assert all(p.lau_code and p.country == "AT" for p in places.values())


def test_at_ids_are_hashes_stable_when_rows_move(tmp_path):
    ids = [p.native_id for p in read("at-efre", AT).projects]
    assert len(set(ids)) == 49
    row = raw_rows(AT)[1]
    assert ids[0] == hash_id(row[0], row[1], row[5])
    text = AT.read_text("utf-8")
    header_end = text.index("(„KMU“)\n") + len("(„KMU“)\n")  # after the 1st record
    moved = tmp_path / "moved.csv"
    header = text[: text.index("Ankauf einer")]
    moved.write_text(header + text[header_end:] + text[len(header) : header_end], "utf-8")
    again = read("at-efre", moved)
    assert sorted(p.native_id for p in again.projects) == sorted(ids)
    assert again.projects[-1].native_id == ids[0]


# --------------------------------------------------------------------------- Poland


def test_pl_amounts_converted_with_the_2016_ecb_rate():
    res = read("pl-mapadotacji", PL)
    assert res.errors == [] and len(res.projects) == 164
    rate, year, kind = rate_for("PLN", 2016)
    project, participant = by_line(res, 2)
    assert project.currency == "PLN" and project.exchange_rate == rate
    assert project.rate_date == date(year, 12, 31) == date(2016, 12, 31)
    assert project.total_cost_original == 1568930487.38
    assert project.eu_contribution_original == 867306201.54
    assert project.total_cost_eur == pytest.approx(1568930487.38 / rate)
    assert project.eu_contribution_eur == pytest.approx(867306201.54 / rate)
    assert participant.eu_contribution_eur == project.eu_contribution_eur
    assert project.topics == ["transport"] and project.fund is None


@pytest.mark.parametrize(
    ("line", "body", "city"),
    [
        (40, "PL71", None),  # WOJEWÓDZTWO ŁÓDZKIE
        (34, "PL41", None),  # SAMORZĄD WOJEWÓDZTWA WIELKOPOLSKIEGO
        (116, "PL9", None),  # MAZOWIECKI WOJEWÓDZKI OŚRODEK ...: PL91 + PL92
        (115, "PL63", None),  # WOJEWÓDZKI FUNDUSZ ... W GDAŃSKU
        (44, None, "Kielce"),  # GMINA KIELCE
        (84, None, "Kielce"),  # GMINA KIELCE - KIELECKI PARK TECHNOLOGICZNY
        (89, None, "Gdańsk"),  # GMINA MIASTA GDAŃSKA (genitive)
        (128, None, "Tomaszów Mazowiecki"),  # GMINA MIASTO TOMASZÓW MAZOWIECKI
        (146, None, "Tychy"),  # TYCHY - MIASTO NA PRAWACH POWIATU
        (2, None, None),  # GENERALNA DYREKCJA DRÓG KRAJOWYCH I AUTOSTRAD: country only
    ],
)
def test_pl_place_clues(line, body, city):
    _, participant = by_line(read("pl-mapadotacji", PL), line)
    assert (participant.place.body_region, participant.place.city) == (body, city)
    assert participant.place.country == "PL"


def test_pl_typo_in_the_file_still_finds_the_voivodeship():
    res = read("pl-mapadotacji", PL)
    places = {p.name: p.place.body_region for p in res.participants}
    assert (
        places["WOJEWÓDZTWO DONOSLĄSKIE REPREZENTOWANE PRZEZ DOLNOŚLĄSKĄ SŁUŻBĘ DRÓG I KOLEI"]
        == "PL51"
    )
    assert places["SAMORZĄD WOJEWÓDZTWA WIELKOPOLSKEGO"] == "PL41"
    assert places["WOJEWÓDZTWO KUJAWSKO-POMORSKIE"] == "PL61"  # not PL63 Pomorskie


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("profile", "file", "line", "phrases"),
    [
        ("fi-rakennerahastot", "bad_empty.csv", None, ["the file is empty"]),
        ("fi-rakennerahastot", "bad_header_only.csv", 1, ["no data rows after the header"]),
        (
            "fi-rakennerahastot",
            "bad_semicolon.csv",
            1,
            [
                "missing column(s) 'Koodi'",
                "the header has:",
                "wrong delimiter? found ';' in the header",
            ],
        ),
        (
            "fi-rakennerahastot",
            "bad_missing_column.csv",
            1,
            ["missing column(s) 'Aloituspvm';", "'Päättymispvm'", "'Koodi'"],
        ),
        ("at-efre", "bad_truncated_quote.csv", 14, ["quoted field never closes", "truncated"]),
        ("pl-mapadotacji", "bad_cp1250.csv", 1, ["not valid utf-8 text at byte 4", "cp1250"]),
    ],
)
def test_bad_files_raise_clear_input_errors(profile, file, line, phrases):
    with pytest.raises(InputError) as info:
        read(profile, FIX / file)
    [error] = info.value.errors
    assert error.file == str(FIX / file) and error.line == line
    for phrase in phrases:
        assert phrase in error.reason
    if file == "bad_missing_column.csv":
        assert "wrong delimiter" not in error.reason


def test_truncated_last_row_is_a_row_error():
    res = read("fi-rakennerahastot", FIX / "bad_truncated_row.csv")
    assert [p.source_line for p in res.projects] == [2, 3, 4, 5, 6, 7, 8]
    [error] = res.errors
    assert error.line == 9 and "5 cells, the header 13" in error.reason
    assert "truncated" in error.reason


def test_bad_values_become_row_errors_and_rows_are_skipped():
    res = read("fi-rakennerahastot", FIX / "bad_values.csv")
    assert [p.source_line for p in res.projects] == [6, 7, 8]
    got = {(e.line, e.column): (e.reason, e.value) for e in res.errors}
    assert got == {
        (2, "Myönnetty EU- ja valtion rahoitus"): ("not a number: '44390x'", "44390x"),
        (3, "Aloituspvm"): ("not a date in the dmy style: '31.13.2015'", "31.13.2015"),
        (4, "Päättymispvm"): ("end date 2014-12-31 is before start date 2015-01-01", "31.12.2014"),
        (5, "Suunniteltu julkinen rahoitus yhteensä"): ("negative amount", "-570000"),
        (9, "Koodi"): (f"duplicate id, first seen in {FIX / 'bad_values.csv'} at line 8", "A70307"),
    }
    assert all(e.file == str(FIX / "bad_values.csv") for e in res.errors)


def test_bad_at_values_name_the_column():
    res = read("at-efre", FIX / "bad_at_values.csv")
    assert res.projects == []
    rate = next(e for e in res.errors if e.line == 12)
    assert rate.column.startswith("Unions-Kofinanzierungssatz") and rate.value == "118,13 %"
    code = next(e for e in res.errors if e.line == 13)
    assert code.column.startswith("Regionalcode") and code.value == "Linz"
    assert "extract pattern" in code.reason


# --------------------------------------------------------------------------- user profiles

USER_PROFILE = """
name = "fr-feder-test"
title = "A French regional list (test)"
country = "FR"
language = "fr"
publisher = "Région (test)"
licence = "Licence Ouverte 2.0"
attribution = "Région (test)"
delimiter = ";"
decimal = ","
date_format = "%d/%m/%Y"
currency = "EUR"
nuts_version = 2021
fund = "ERDF"

[columns]
id = "N° dossier"
title = "Intitulé"
beneficiary = "Bénéficiaire"
start_date = "Début"
end_date = "Fin"
total_cost = "Coût total"
eu_rate = "Taux UE"
postcode = "Code postal"
nuts_code = "NUTS"
lat = "Latitude"
lon = "Longitude"
municipality = "Commune"

[extract]
municipality = '^(.+?)\\s*\\(\\d+\\)$'

[[city]]
column = "Bénéficiaire"
pattern = '^COMMUNE DE (.+)$'
case = "title"
"""

USER_CSV = (
    "N° dossier;Intitulé;Bénéficiaire;Début;Fin;Coût total;Taux UE;Code postal;NUTS;"
    "Latitude;Longitude;Commune\n"
    "FE-1;Rénovation;COMMUNE DE LIMOGES;01/02/2017;31/12/2019;1 234,50;50 %;87000;FRI21;"
    "45,83;1,26;\n"
    "FE-2;Pépinière;SARL Exemple;15/03/2018;;10 000;0,4;33000;fri12;;;Bordeaux (33)\n"
    "FE-3;Erreur;X;01/01/2018;;1000;40 %;;FR 123 4;91,5;;\n"
)


def test_a_user_profile_in_a_tmp_dir(tmp_path):
    (tmp_path / "fr.toml").write_text(USER_PROFILE, "utf-8")
    (tmp_path / "list.csv").write_text(USER_CSV, "utf-8")
    profile = load_profile(tmp_path / "fr.toml")
    assert isinstance(profile, Profile) and profile.path == tmp_path / "fr.toml"
    res = ProfileSource(profile).read([tmp_path / "list.csv"])
    assert res.profile == "fr-feder-test" and res.licence == "Licence Ouverte 2.0"
    first, second = res.projects
    assert first.id == "fr-feder-test:FE-1" and first.fund == "ERDF"
    assert first.total_cost_eur == 1234.5 and first.eu_contribution_eur == 617.25
    assert first.start_date == date(2017, 2, 1) and second.eu_contribution_eur == 4000
    p1, p2 = (p.place for p in res.participants)
    assert (p1.city, p1.postcode, p1.nuts_code, p1.nuts_version) == (
        "Limoges",
        "87000",
        "FRI21",
        2021,
    )
    assert (p1.lat, p1.lon, p1.crs) == (45.83, 1.26, "EPSG:4326")
    assert (p2.city, p2.nuts_code, p2.lat) == ("Bordeaux", "FRI12", None)
    reasons = {e.column: e.reason for e in res.errors if e.line == 4}
    assert set(reasons) == {"NUTS", "Latitude"}
    assert "not a NUTS code" in reasons["NUTS"] and "not a coordinate" in reasons["Latitude"]


def test_the_registry_reads_user_and_builtin_profiles(tmp_path):
    (tmp_path / "fr.toml").write_text(USER_PROFILE, "utf-8")
    (tmp_path / "list.csv").write_text(USER_CSV, "utf-8")
    mine = get_source(f"profile:{tmp_path / 'fr.toml'}")
    assert (mine.name, mine.licence) == ("fr-feder-test", "Licence Ouverte 2.0")
    assert (
        mine.sniff([tmp_path / "list.csv"])
        == "A French regional list (test), profile fr-feder-test"
    )
    assert len(mine.read([tmp_path / "list.csv"]).projects) == 2
    fi = get_source("fi-rakennerahastot")
    assert fi.sniff([tmp_path / "list.csv"]) is None and fi.sniff([FI, FI_SAMPLE])
    assert len(fi.read([FI, FI_SAMPLE]).projects) == 158 + 149
    by_path = fi.read([tmp_path / "list.csv"], profile=str(tmp_path / "fr.toml"))
    assert by_path.profile == "fr-feder-test"
    with pytest.raises(ProfileError, match="no such profile"):
        fi.read([FI], profile="fi-nope")
    source, found = recognise([PL])
    assert source.name == "pl-mapadotacji" and found.endswith("profile pl-mapadotacji")


def test_sniff_recognises_the_builtin_layouts():
    fi, at, pl = (get_source(n) for n in ("fi-rakennerahastot", "at-efre", "pl-mapadotacji"))
    assert (
        fi.sniff([FI])
        == "Finnish list of operations (rakennerahastot.fi), profile fi-rakennerahastot"
    )
    assert at.sniff([AT]).endswith("profile at-efre") and at.sniff([FI]) is None
    assert pl.sniff([PL]).endswith("profile pl-mapadotacji") and pl.sniff([AT]) is None
    assert not sniff_profile(fi.profile, FIX / "bad_semicolon.csv")
    assert pl.read([PL]).recognised_as == find_profile("pl-mapadotacji").description


def test_builtin_profile_text_is_the_commented_toml():
    text = builtin_profile_text("fi-rakennerahastot")
    assert "Hämeen ELY" in text and parse_profile(text).name == "fi-rakennerahastot"
    with pytest.raises(ProfileError, match="no built-in profile"):
        builtin_profile_text("xx")


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        (
            "name = 'x'\ntitle = 'X'\n",
            ["key 'publisher': is required", "key 'columns': is required"],
        ),
        ("delimeter = ';'\n", ["key 'delimeter': unknown key (did you mean 'delimiter'?)"]),
        (
            "[columns]\ntitel = 'Name'\n",
            ["key 'columns.titel': unknown field (did you mean 'title'?)"],
        ),
        (
            "country = 'GR'\n",
            ["key 'country': 'GR' is not a NUTS country code (NUTS writes Greece as EL)"],
        ),
        ("header_row = 'one'\n", ["key 'header_row': must be a integer, not string"]),
        (
            "[extract]\ntitle = '(unclosed'\n",
            ["key 'extract.title': not a valid regular expression"],
        ),
        ("[extract]\ntitle = 'no group'\n", ["key 'extract.title': needs a capture group"]),
        ("currency = 'XYZ'\n", ["key 'currency': no exchange rate for currency 'XYZ'"]),
        ("decimal = ';'\n", ["key 'decimal': must be ',' or '.' or 'auto'"]),
        (
            "country = 'FI'\n[[body_region]]\ncolumn = 'B'\npattern = 'x'\nnuts = 'PL71'\n",
            ["key 'body_region[1].nuts': PL71 is not in the profile's country FI"],
        ),
        (
            "[[body_region]]\ncolumn = 'B'\npattern = 'x'\nnuts = 'fi1d'\n",
            ["body_region[1].nuts': must be a NUTS code"],
        ),
        (
            "[[city]]\ncolumn = 'B'\npattern = '(x)'\ncity = '{2}'\n",
            ["city[1].city': the pattern has no group '2'"],
        ),
        ("title = 'unclosed\n", ["not valid TOML"]),
    ],
)
def test_profile_errors_name_the_file_and_the_key(tmp_path, text, phrases):
    base = "name = 'x'\ntitle = 'X'\npublisher = 'P'\nlicence = 'L'\nattribution = 'A'\n"
    if "is required" in phrases[0]:
        body = text
    elif text.startswith("["):
        body = base + ("" if "[columns]" in text else "[columns]\ntitle = 'Name'\n") + text
    else:
        body = base + text + "[columns]\ntitle = 'Name'\n"
    path = tmp_path / "mine.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert all(e.file == str(path) for e in info.value.errors)
    for phrase in phrases:
        assert phrase in message


def test_parse_profile_example_and_missing_profile_file(tmp_path):
    p = parse_profile(
        "name='x'\ntitle='X'\npublisher='P'\nlicence='L'\nattribution='A'\n[columns]\nid='C'\n"
    )
    assert p.columns == {"id": "C"} and p.decimal == "auto" and p.date_format == "iso"
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile(tmp_path / "nope.toml")


def test_hash_ids_of_identical_rows_get_suffixes(tmp_path):
    (tmp_path / "p.toml").write_text(
        "name='dup'\ntitle='D'\npublisher='P'\nlicence='L'\nattribution='A'\n"
        "[columns]\ntitle='T'\nbeneficiary='B'\ntotal_cost='C'\n",
        "utf-8",
    )
    (tmp_path / "d.csv").write_text("T,B,C\nx,y,1\nx,y,1\nx,y,2\n", "utf-8")
    res = read_with_profile(load_profile(tmp_path / "p.toml"), [tmp_path / "d.csv"])
    a, b, c = (p.native_id for p in res.projects)
    assert b == f"{a}-2" and c != a and res.errors == []


# --------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    ("path", "delimiter", "expect"),
    [
        (FI, ",", {"id": "Koodi", "start_date": "Aloituspvm", "fund": "Rahasto"}),
        (FI_SAMPLE, ",", {"public_funding": "Myönnetty EU- ja valtion rahoitus"}),
        (
            AT,
            ",",
            {
                "eu_rate": "Unions-Kofinanzierungssatz pro Prioritätsachse/ Union co-financing rate, as per priority axis**"
            },
        ),
        (PL, ";", {"title": "Tytuł projektu", "eu_contribution": "Dofinansowanie z EU"}),
    ],
)
def test_suggested_profiles_read_at_least_90_percent(tmp_path, path, delimiter, expect):
    text = suggest_profile(path)
    assert "# guessed: check" in text
    (tmp_path / "s.toml").write_text(text, "utf-8")
    profile = load_profile(tmp_path / "s.toml")
    assert profile.delimiter == delimiter
    for fld, column in expect.items():
        assert profile.columns[fld] == column
    rows = len(raw_rows(path, delimiter)) - 1
    res = read_with_profile(profile, [path])
    assert len(res.projects) >= 0.9 * rows


def test_suggest_guesses_country_currency_and_formats():
    pl = parse_profile(suggest_profile(PL))
    assert (pl.country, pl.currency, pl.decimal, pl.language) == ("PL", "PLN", ".", "pl")
    assert pl.rate_year is not None
    at = parse_profile(suggest_profile(AT))
    assert (at.country, at.decimal, at.date_format, at.language) == ("AT", ",", "dmy", "de")
    assert at.columns["lau_code"] == at.columns["municipality"]
    fi = parse_profile(suggest_profile(FI_SAMPLE))
    assert fi.values["fund"] == {"EAKR": "ERDF", "ESR": "ESF"}
    assert "'Viranomainen' looks like an intermediate body" in suggest_profile(FI)


def test_suggest_detects_a_windows_1250_file(tmp_path):
    raw = PL.read_text("utf-8").encode("cp1250")
    (tmp_path / "pl.csv").write_bytes(raw)
    assert detect_encoding(raw) == "cp1250"
    profile = parse_profile(suggest_profile(tmp_path / "pl.csv"))
    assert profile.encoding == "cp1250"
    res = read_with_profile(profile, [tmp_path / "pl.csv"])
    assert len(res.projects) == 164 and res.projects[0].title.startswith("Budowa drogi")


def test_detectors_and_empty_file():
    assert detect_encoding("Ä".encode("cp1252")) == "cp1252"
    assert detect_encoding(b"\xef\xbb\xbfa,b") == "utf-8-sig"
    assert detect_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    with pytest.raises(InputError, match="the file is empty"):
        suggest_profile(FIX / "bad_empty.csv")


def test_the_complete_example_in_the_docs_works(tmp_path):
    doc = (Path(__file__).parents[1] / "docs" / "profiles.md").read_text("utf-8")
    example = doc.split("## A complete example", 1)[1]
    data = example.split("```\n", 2)[1]
    toml = example.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "list.csv").write_text(data, "utf-8")
    (tmp_path / "fr.toml").write_text(toml, "utf-8")
    res = read_with_profile(load_profile(tmp_path / "fr.toml"), [tmp_path / "list.csv"])
    assert res.errors == [] and [p.id for p in res.projects] == [
        "fr-na-feder:FE-1",
        "fr-na-feder:FE-2",
    ]
    assert res.projects[0].eu_contribution_eur == 617.25
    p1, p2 = (p.place for p in res.participants)
    assert (p1.city, p1.postcode, p1.body_region) == ("Limoges", "87000", "FRI")
    assert (p2.city, p2.body_region_version) == ("Bordeaux", 2021)
