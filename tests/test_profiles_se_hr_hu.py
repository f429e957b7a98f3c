"""The Swedish, Croatian, Hungarian and keep.eu-partner profiles on small real subsets; amounts and
coordinates as published; money said honestly; ``profile suggest`` on these layouts."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from regioatlas.geo.locate import Locator, location_report
from regioatlas.ingest import ingest
from regioatlas.sources.money import cents, rate_for, to_eur
from regioatlas.sources.parsing import detect_decimal, parse_amount, parse_coordinate
from regioatlas.sources.profile import find_profile, parse_profile
from regioatlas.sources.profile_reader import read_with_profile
from regioatlas.sources.suggest import suggest_profile
from regioatlas.sources.suggest_regions import region_rules
from regioatlas.store import open_store

FIX = Path(__file__).parent / "fixtures" / "cohesion"
SE = FIX / "SE_ERDF_2014-2020_projektbanken_sample.csv"
HR = FIX / "HR_ESIF_2007-2020_karta_projekata_sample.csv"
HU = FIX / "HU_CF_USZT_KA_tamogatott_projektek_sample.csv"
KEEP = FIX / "keep_eu_partners_sample.csv.gz"
FI = FIX / "FI_ERDF_ESF_2014-2020_projektilista_head.csv"
CASES = [("se-projektbanken", SE, 45), ("hr-karta-projekata", HR, 40),
         ("hu-uszt-ka", HU, 45), ("keep-eu-partners", KEEP, 51)]  # fmt: skip


@pytest.fixture(scope="module")
def loc():
    return Locator()


@pytest.mark.parametrize(("name", "path", "rows"), CASES)
def test_new_profiles_read_every_row_and_locate_90_percent_at_nuts_2(loc, name, path, rows):
    res = read_with_profile(find_profile(name), [path])
    assert (len(res.projects), res.errors) == (rows, [])
    report = location_report(loc.locate_many([p.place for p in res.participants]))
    assert report["by_level"]["2"] + report["by_level"]["3"] >= 0.9 or name == "se-projektbanken"
    assert report["by_level"]["none"] == 0


def test_swedish_list_in_kronor_with_municipalities_counties_and_areas(loc):
    res = read_with_profile(find_profile("se-projektbanken"), [SE])
    p = res.projects[0]  # 20200940, "Ortsammanbindande nät Arjeplogs kommun"
    assert (p.native_id, p.currency, p.eu_contribution_original) == ("20200940", "SEK", 3929285)
    assert p.start_date == date(2017, 1, 2) and p.exchange_rate == rate_for("SEK", 2017)[0]
    assert p.eu_contribution_eur == cents(3929285 / p.exchange_rate)
    located = loc.locate_many([x.place for x in res.participants])
    assert (located[0].nuts3, located[0].method) == ("SE332", "municipality_name")
    by_method = location_report(located)["by_method"]
    # several municipalities: the county; several counties: the programme area (NUTS 2);
    # the national programme: Sweden
    assert by_method["intermediate_body"] > 0.3 and by_method["country"] < 0.12
    national = [x for x, r in zip(res.projects, located) if r.method == "country"]
    assert all(x.programme.endswith("national programme") for x in national)


def test_croatian_kuna_at_the_ecb_average_of_the_contract_year_as_public_funding():
    res = read_with_profile(find_profile("hr-karta-projekata"), [HR])
    p = res.projects[0]
    assert p.public_funding_original == 5172338.5  # "5.172.338,50 kn"
    assert p.eu_contribution_eur is None  # the grant is EU + state budget: not EU money alone
    assert (p.start_date, p.exchange_rate) == (date(2015, 6, 18), 7.6137)  # not 7.53450 (2023)
    assert p.public_funding_eur == 679346.24 and p.fund == "ESF"
    assert rate_for("HRK", 2023) == (7.5345, 2023, "fixed")
    # one project over several counties: one row per county, ids -2, -3 ...
    ids = [x.native_id for x in res.projects]
    assert len(set(ids)) == len(ids) and any(i.endswith("-2") for i in ids)


def test_hungarian_forint_and_unknown_places(loc):
    res = read_with_profile(find_profile("hu-uszt-ka"), [HU])
    p = res.projects[0]
    assert p.public_funding_original == 149736100  # "149 736 100 .- HUF"
    assert p.start_date == date(2014, 3, 17)  # "2014.03.17"
    assert p.public_funding_eur == cents(149736100 / rate_for("HUF", 2014)[0])
    nincs = [x for x in res.participants if x.place.city is None]
    assert len(nincs) >= 4  # "_Nincs megadva helység": no place name, no row error
    located = loc.locate_many([x.place for x in nincs])
    assert {r.nuts0 for r in located} == {"HU"}


def test_keep_eu_partners_per_row_country_nuts_and_uk_in_nuts_2021(loc):
    res = read_with_profile(find_profile("keep-eu-partners"), [KEEP])
    first = res.participants[0]
    assert (first.name, first.place.country, first.place.nuts_code) == (
        "IDM Suedtirol Alto Adige", "IT", "ITH10",
    )  # fmt: skip
    assert (first.place.lat, first.place.lon) == (46.4825521, 11.3305888)
    # "MF  / Saint-Martin (French part)" in the NUTS3 column has no NUTS code: no row error
    saint_martin = next(x for x in res.participants if x.place.city == "Marigot")
    assert (saint_martin.place.country, saint_martin.place.nuts_code) == ("FR", None)
    located = loc.locate_many([x.place for x in res.participants])
    uk = [r for x, r in zip(res.participants, located) if x.place.country == "UK"]
    assert len(uk) == 8 and {(r.version, r.nuts0) for r in uk} == {(2021, "UK")}
    assert all(r.nuts3 for r in uk)


def test_ingest_reports_the_located_shares_and_public_funding(tmp_path):
    with open_store(str(tmp_path / "a.duckdb")) as store:
        report = ingest(store, "hr-karta-projekata", [HR])
        assert report.dataset.location_report["by_level"]["3"] == 1.0
        p = store.project("hr-karta-projekata:81df5271f655")
        assert p["public_funding_eur"] == 679346.24 and p["eu_contribution_eur"] is None


def test_finnish_eu_and_state_funding_is_never_eu_contribution():
    res = read_with_profile(find_profile("fi-rakennerahastot"), [FI])
    assert all(p.eu_contribution_eur is None for p in res.projects)
    assert sum(p.public_funding_eur is not None for p in res.projects) > 150


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "decimal", "number"),
    [
        ("15.414.794", "auto", 15414794.0),
        ("5.172.338,50 kn", ",", 5172338.5),
        ("5.172.338,50 kn", "auto", 5172338.5),
        ("150 000 000 .- HUF", "auto", 150000000.0),
        ("€ 1.234,5", "auto", 1234.5),
        ("1,234,567", "auto", 1234567.0),
        ("1,234.56", "auto", 1234.56),
        ("1.000,-", "auto", 1000.0),
    ],
)
def test_amounts_as_published(text, decimal, number):
    assert parse_amount(text, decimal) == number


def test_a_stray_letter_is_no_currency():
    with pytest.raises(ValueError, match="not a number: '44390x'"):
        parse_amount("44390x")


def test_separators_are_read_from_the_values():
    assert detect_decimal(["400000", "15.414.794", "12"]) == ","
    assert detect_decimal(["400000", "1,234.50"]) == "."
    assert detect_decimal(["5.172.338,50 kn", "559.300,00 kn"]) == ","
    assert detect_decimal(["400000", "12"]) is None


def test_coordinates_keep_their_own_decimal_mark():
    # amounts with dot thousands, coordinates with a decimal point: both read right
    assert parse_amount("560.016", ",") == 560016.0
    assert parse_coordinate("560016.186", "auto") == 560016.186
    assert parse_coordinate("6680147,1") == 6680147.1
    assert parse_coordinate("2.808.000,5") == 2808000.5


def test_a_profile_with_decimal_comma_reads_projected_coordinates_with_points(tmp_path, loc):
    (tmp_path / "l.csv").write_text(
        "Nimi;Summa;x;y\nLahden hanke;15.414.794;425864.286;6761412.117\n", "utf-8"
    )
    profile = parse_profile(
        'name = "x"\ntitle = "X"\npublisher = "P"\nlicence = "L"\nattribution = "A"\n'
        'country = "FI"\ndelimiter = ";"\ndecimal = ","\ncrs = "EPSG:3067"\n'
        '[columns]\ntitle = "Nimi"\ntotal_cost = "Summa"\nlon = "x"\nlat = "y"\n'
    )
    assert profile.coordinate_decimal == "auto"
    res = read_with_profile(profile, [tmp_path / "l.csv"])
    place = res.participants[0].place
    assert (res.projects[0].total_cost_eur, place.lon, place.lat) == (
        15414794.0, 425864.286, 6761412.117,
    )  # fmt: skip
    assert loc.locate(place).nuts3 == "FI1C6"  # Lahti, not 425 km off the map


def test_conversions_are_exact_cents():
    assert to_eur(1000.0, "PLN", 2016).eur == 229.19
    assert cents(0.1 + 0.2) == 0.3
    assert repr(to_eur(1234.5, "EUR", 2020).eur) == "1234.5"


# --------------------------------------------------------------------------- suggest


@pytest.mark.parametrize(
    ("path", "expect"),
    [
        (SE, {"currency": "SEK", "country": "SE", "language": "sv"}),
        (HR, {"currency": "HRK", "country": "HR", "decimal": ",", "language": "hr"}),
        (HU, {"currency": "HUF", "country": "HU", "language": "hu"}),
        (KEEP, {"country": None, "crs": "EPSG:4326"}),
    ],
)
def test_suggested_profiles_for_the_new_layouts_work(tmp_path, loc, path, expect):
    profile = parse_profile(suggest_profile(path))
    for key, value in expect.items():
        assert getattr(profile, key) == value, key
    res = read_with_profile(profile, [path])
    assert len(res.projects) >= 0.9 * (len(res.projects) + len(res.errors))
    report = location_report(loc.locate_many([p.place for p in res.participants]))
    assert report["by_level"]["2"] + report["by_level"]["3"] >= 0.85


def test_suggest_proposes_working_county_rules_and_translates_funds():
    text = suggest_profile(HR)
    assert "pattern = '^\\s*ISTARSKA\\s*$'\nnuts = \"HR036\"" in text
    profile = parse_profile(text)
    assert profile.values["fund"]["Europski socijani fond"] == "ESF"
    assert profile.columns["public_funding"] == "Bespovratna sredstva"


def test_region_names_match_the_finest_region_so_named():
    # "Grad Zagreb" is the name of HR050 (NUTS 3) and HR05 (NUTS 2); "Norrbotten" of SE332
    assert region_rules(["GRAD ZAGREB", "GRAD ZAGREB", "Nowhere"], "HR") == [
        ("GRAD ZAGREB", "HR050", "Grad Zagreb")
    ]
    assert region_rules(["Norrbotten"], "SE") == [("Norrbotten", "SE332", "Norrbottens län")]
    assert region_rules(["a", "b", "c"], "SE") == []


def test_suggest_never_ends_without_a_draft(tmp_path):
    (tmp_path / "odd.csv.gz").write_bytes(gzip.compress(b"1;2;3\n4;5;6\n7;8;9\n"))
    profile = parse_profile(suggest_profile(tmp_path / "odd.csv.gz"))
    assert profile.columns["title"]
