"""Organisations matched across sources: the pure matcher, then the API over the real demo store.

The matcher's cases use names and places as the bundled files write them (CORDIS, the Finnish
and Polish lists); the API cases read the demo store built from the shipped files.
"""

from __future__ import annotations

import re

import pytest

from regioatlas.analytics.organisations import (
    OrganisationRecord,
    match_organisations,
    normalise_name,
    normalise_vat,
)

FI1B1 = ("FI", "FI1", "FI1B", "FI1B1")
FI1C6 = ("FI", "FI1", "FI1C", "FI1C6")


def _rec(key, name=None, pic=None, vat=None, country="FI", nuts=(None,) * 4, town=None):
    return OrganisationRecord((key, 1), name, pic, vat, country, nuts, town)


def _by_key(orgs):
    return {link.key[0]: (org, link) for org in orgs for link in org.links}


def test_names_are_compared_without_case_accents_and_legal_forms():
    assert normalise_name("Teknologian tutkimuskeskus VTT Oy") == "teknologian tutkimuskeskus vtt"
    assert normalise_name("TEKNOLOGIAN TUTKIMUSKESKUS VTT OY") == "teknologian tutkimuskeskus vtt"
    assert normalise_name("Aalto-korkeakoulusäätiö sr") == "aalto korkeakoulusaatio"
    assert normalise_name("POLITECHNIKA ŁÓDZKA") == "politechnika lodzka"
    assert normalise_name("Firma Budowlana Sp. z o.o.") == "firma budowlana"
    # a name that is only a legal form keeps it: nothing else would be left to compare
    assert normalise_name("AG") == "ag"
    assert normalise_vat(" fi 0244.4476 ") == "FI02444476"


def test_the_same_pic_is_one_organisation_across_programmes():
    orgs = match_organisations(
        [
            _rec(
                "cordis-he-sample:101",
                "TEKNOLOGIAN TUTKIMUSKESKUS VTT OY",
                "932760440",
                town="Espoo",
            ),
            _rec("cordis-h2020:7", None, "932760440"),
            _rec("cordis-h2020:8", None, "999994535"),
        ]
    )
    found = _by_key(orgs)
    org, link = found["cordis-h2020:7"]
    assert org.id == "pic-932760440" and org.name == "TEKNOLOGIAN TUTKIMUSKESKUS VTT OY"
    assert (link.method, link.confidence) == ("pic", 1.0)
    assert found["cordis-he-sample:101"][0] is org
    assert found["cordis-h2020:8"][0].id == "pic-999994535"
    assert found["cordis-h2020:8"][0].name == "PIC 999994535"


def test_name_and_place_join_a_national_list_to_a_cordis_organisation():
    orgs = match_organisations(
        [
            _rec(
                "cordis-he-sample:1",
                "LAHDEN AMMATTIKORKEAKOULU OY",
                "999",
                nuts=FI1C6,
                town="LAHTI",
            ),
            _rec("fi:A1", "Lahden ammattikorkeakoulu Oy", nuts=FI1C6),
            _rec("fi:A2", "Lahden ammattikorkeakoulu", town="Lahti"),
            _rec("fi:A3", "Lahden ammattikorkeakoulu Oy", nuts=FI1B1),  # another town: not joined
        ]
    )
    found = _by_key(orgs)
    assert found["fi:A1"][0].id == "pic-999"
    assert (found["fi:A1"][1].method, found["fi:A1"][1].confidence) == ("name_place", 0.85)
    assert "FI1C6" in found["fi:A1"][1].evidence
    assert found["fi:A2"][0].id == "pic-999" and found["fi:A2"][1].method == "name_place"
    assert found["fi:A3"][0].id != "pic-999"
    assert found["fi:A3"][1].method == "own"


def test_different_pics_are_never_merged_by_name():
    orgs = match_organisations(
        [
            _rec("cordis-h2020:1", "FRAUNHOFER GESELLSCHAFT", "111", country="DE", town="Munich"),
            _rec("cordis-h2020:2", "Fraunhofer-Gesellschaft", "222", country="DE", town="München"),
            _rec("cordis-h2020:3", "FRAUNHOFER GESELLSCHAFT", "222", country="DE", town="Munich"),
        ]
    )
    assert sorted(o.id for o in orgs) == ["pic-111", "pic-222"]


def test_vat_numbers_join_records_without_a_pic():
    orgs = match_organisations(
        [
            _rec(
                "cordis-h2020:1", "Infineon Technologies Romania", "996588380", "RO17814640", "RO"
            ),
            _rec(
                "list:9", "INFINEON TECHNOLOGIES ROMANIA & CO SCS", vat="ro 17814640", country="RO"
            ),
        ]
    )
    [org] = orgs
    assert org.vats == ["RO17814640"]
    methods = {link.key[0]: (link.method, link.confidence) for link in org.links}
    assert methods["list:9"] == ("vat", 0.95)


def test_a_record_without_place_joins_only_an_unambiguous_namesake():
    orgs = match_organisations(
        [
            _rec("fi:1", "Aalto-korkeakoulusäätiö sr", nuts=FI1B1),
            _rec("fi:2", "Aalto-korkeakoulusäätiö"),  # place unknown: the one placed namesake
            _rec("pl:1", "Gmina Miasto", country="PL", nuts=("PL", "PL2", "PL21", "PL213")),
            _rec("pl:2", "Gmina Miasto", country="PL", nuts=("PL", "PL9", "PL91", "PL911")),
            _rec("pl:3", "GMINA MIASTO", country="PL"),  # two placed namesakes: stays alone
        ]
    )
    found = _by_key(orgs)
    assert found["fi:2"][0] is found["fi:1"][0]
    assert (found["fi:2"][1].method, found["fi:2"][1].confidence) == ("name_country", 0.6)
    assert len({found[k][0].id for k in ("pl:1", "pl:2", "pl:3")}) == 3
    assert found["pl:3"][1].method == "own"


def test_ids_are_stable_and_unique_and_every_record_is_linked_once():
    records = [
        _rec(f"fi:{i}", "Kunta" if i % 2 else None, country="FI", town=None) for i in range(6)
    ]
    first, again = match_organisations(records), match_organisations(list(reversed(records)))
    assert [o.id for o in first] == [o.id for o in again]
    assert len({o.id for o in first}) == len(first)
    assert sorted(link.key for o in first for link in o.links) == sorted(r.key for r in records)
    with pytest.raises(ValueError, match="given twice"):
        match_organisations(records + records[:1])


# --- the API over the demo store ----------------------------------------------------------
def test_api_finds_an_organisation_across_programmes(app_client):
    r = app_client.get("/api/organisations", params={"q": "tutkimuskeskus vtt", "country": "FI"})
    assert r.status_code == 200
    body = r.json()
    top = body["items"][0]
    # VTT's PIC ties its Horizon 2020 participations (no names) to the Horizon Europe sample's
    assert top["id"] == "pic-932760440"
    assert top["sources"]["cordis-h2020"] > 100 and top["sources"]["cordis-he-sample"] >= 1
    assert top["match_methods"]["pic"] >= top["sources"]["cordis-h2020"]

    one = app_client.get(f"/api/organisations/{top['id']}").json()
    assert one["name"] == top["name"] and one["participations"]
    programmes = {p["programme"] for p in one["participations"]}
    assert {"H2020", "HORIZON"} <= programmes or len(programmes) >= 2
    for p in one["participations"]:
        assert p["method"] in {"pic", "vat", "name_place", "name_country", "own"}
        assert 0 < p["confidence"] <= 1 and p["evidence"]
    by_year = sum(y["eu_contribution_eur"] for y in one["funding_by_year"])
    assert by_year == pytest.approx(one["eu_contribution_eur"], rel=1e-9)
    assert sum(y["projects"] for y in one["funding_by_year"]) >= one["projects"]


def test_api_filters_by_region_of_any_version(app_client):
    r = app_client.get("/api/organisations", params={"region": "FI1C3", "limit": 200})
    assert r.status_code == 200
    items = r.json()["items"]
    assert items, "Päijät-Häme (FI1C3 in NUTS 2016, FI1C6 now) has beneficiaries"
    for item in items[:20]:
        one = app_client.get(f"/api/organisations/{item['id']}").json()
        assert any(p["nuts3"] == "FI1C6" for p in one["participations"])


def test_a_project_never_waits_for_the_organisation_matching(app_client):
    from regioatlas.api.atlas import Atlas

    # a fresh atlas over the app's store: nothing matched yet for its data version
    atlas = Atlas(app_client.app.state.atlas.store)
    pending = atlas.project("cordis-h2020:221856")
    assert pending["organisations"] == "pending"
    assert pending["participants"]
    assert all("organisation_id" not in p for p in pending["participants"])
    # the answer started the build in the background; once built, the ids are there
    atlas.organisations.current()
    ready = atlas.project("cordis-h2020:221856")
    assert ready["organisations"] == "ready"
    assert all(p["organisation_id"].startswith("pic-") for p in ready["participants"])


def test_project_participants_link_to_their_organisation(app_client):
    app_client.get("/api/organisations", params={"limit": 1})  # waits for the matching
    project = app_client.get("/api/projects/cordis-h2020:221856").json()
    assert project["organisations"] == "ready"
    ids = [p["organisation_id"] for p in project["participants"]]
    assert all(ids) and ids[0] == f"pic-{project['participants'][0]['org_id']}"
    org = app_client.get(f"/api/organisations/{ids[0]}").json()
    assert any(p["project_id"] == "cordis-h2020:221856" for p in org["participations"])
    # a list's beneficiary has an organisation too
    fi = app_client.get("/api/projects", params={"source": "fi-rakennerahastot", "limit": 1})
    pid = fi.json()["items"][0]["id"]
    participant = app_client.get(f"/api/projects/{pid}").json()["participants"][0]
    assert participant["organisation_id"]
    assert app_client.get(f"/api/organisations/{participant['organisation_id']}").status_code == 200


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/organisations?limit=0", 400, "limit"),
        ("/api/organisations?limit=many", 400, "limit"),
        ("/api/organisations?country=Finland", 400, "country"),
        ("/api/organisations?region=ZZ9", 404, "region"),
        ("/api/organisations/pic-000000000", 404, None),
    ],
)
def test_api_bad_input_is_a_clear_problem(app_client, url, status, parameter):
    r = app_client.get(url)
    assert r.status_code == status
    body = r.json()
    assert body["detail"]
    if parameter:
        assert body["parameter"] == parameter


def test_the_organisation_page_is_served(app_client):
    r = app_client.get("/organisation/pic-932760440")
    assert r.status_code == 200
    bundle = re.search(r'<script src="(/bundles/[^"]+)"', r.text).group(1)
    assert "/* static/app/organisations.js */" in app_client.get(bundle).text


# --- coverage said plainly (issue 10, part 3) ---------------------------------------------
def test_region_summary_states_sources_years_and_located_share(app_client):
    body = app_client.get("/api/regions/FI1C6/summary").json()
    [fi] = [c for c in body["coverage"] if c["source"] == "fi-rakennerahastot"]
    assert fi["projects"] == next(
        s["projects"] for s in body["by_source"] if s["key"] == "fi-rakennerahastot"
    )
    assert fi["title"].startswith("Finnish list of operations")
    assert fi["first_year"] >= 2014 and fi["last_year"] <= 2023 and fi["period"]
    assert fi["ingested_at"] and fi["level"] == 3 and fi["country"] == "FI"
    assert fi["published"] == "2016"  # a bundled file: not fetched
    assert fi["fetched_at"] is None
    # the share is the Finnish list's participations in Finland located to NUTS 3
    flt = {"source": "fi-rakennerahastot", "country": "FI", "level": "3"}
    located = sum(
        r["participations"] for r in app_client.get("/api/aggregates", params=flt).json()["items"]
    )
    total = sum(
        r["participations"]
        for r in app_client.get("/api/aggregates", params={**flt, "level": "0"}).json()["items"]
    )
    assert fi["located_share"] == pytest.approx(located / total, abs=1e-4)
    assert 0 < fi["located_share"] < 1


def test_datasets_say_their_publication_and_period(app_client):
    items = {d["source"]: d for d in app_client.get("/api/datasets").json()["items"]}
    fi = items["fi-rakennerahastot"]
    assert fi["published"] == "2016" and fi["fetched_at"] is None
    assert 2014 <= fi["first_year"] <= fi["last_year"] <= 2023
    h2020 = items["cordis-h2020"]
    assert h2020["published"] == "2020-12"
    # Horizon 2020 ran 2014-2020; its last grants started in 2022
    assert (h2020["first_year"], h2020["last_year"]) == (2014, 2022)
    # a statistics table's period is its figures' reference years
    population = items["eurostat-population"]
    assert population["first_year"] and population["first_year"] <= population["last_year"]
