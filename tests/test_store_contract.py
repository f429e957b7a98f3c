"""One contract suite for every Store: DuckDB and PostGIS behave alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from regioatlas.model import (
    Dataset,
    Location,
    NotFound,
    Participant,
    PlaceHint,
    Project,
    RegionFigure,
)
from regioatlas.model.outputs import ProjectOutput
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.stations import Station, StationValue
from regioatlas.store import StoreError, open_store, store_exists

STORE_KINDS = ["duckdb", "postgis"]


@pytest.fixture(params=STORE_KINDS)
def contract_store(request, tmp_path):
    if request.param == "duckdb":
        s = open_store(f"duckdb://{tmp_path / 'contract.duckdb'}")
    else:
        s = open_store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


def _dataset(id_="src:a.csv", source="src") -> Dataset:
    return Dataset(
        id_,
        source,
        ["a.csv"],
        "0" * 64,
        "publisher",
        "CC BY 4.0",
        "© test",
        datetime(2026, 11, 21, tzinfo=UTC),
    )


def _rows(prefix="src"):
    # Two real Horizon Europe projects (values from the CORDIS sample) with located participants.
    projects = [
        Project(
            f"{prefix}:101180091",
            prefix,
            "101180091",
            "HORIZON",
            "HORIZON-RIA",
            "Coastal Observation Advances leveraging Space Technology Services",
            "COASTS",
            start_date=date(2024, 11, 1),
            end_date=date(2027, 10, 31),
            total_cost_eur=1971987.5,
            topics=["HORIZON-EUSPA-2023-SPACE-01-43"],
        ),
        Project(
            f"{prefix}:101226563",
            prefix,
            "101226563",
            "HORIZON",
            "HORIZON-RIA",
            "Implementation of an Integrated Care Model",
            "M-CARE",
            start_date=date(2025, 7, 1),
            end_date=date(2030, 6, 30),
            total_cost_eur=4000000.0,
        ),
    ]
    fi = Location(2024, "nuts_code", 1.0, "FI", "FI1", "FI1C", "FI1C6")
    at = Location(2024, "postcode", 0.9, "AT", "AT1", "AT13", "AT130")
    participants = [
        Participant(
            f"{prefix}:101180091",
            1,
            "Org A",
            org_type="REC",
            eu_contribution_eur=100.0,
            place=PlaceHint(country="FI"),
            location=fi,
        ),
        Participant(
            f"{prefix}:101180091",
            2,
            "Org B",
            org_type="PRC",
            eu_contribution_eur=50.0,
            place=PlaceHint(country="AT"),
            location=at,
        ),
        Participant(
            f"{prefix}:101226563",
            1,
            "Org C",
            org_type="HES",
            eu_contribution_eur=800250.0,
            place=PlaceHint(country="AT"),
            location=at,
        ),
    ]
    figures = [RegionFigure("population", "AT130", 2024, 2005760.0, "persons", 2025, None)]
    return projects, participants, figures


def test_fresh_store_is_migrated(contract_store):
    assert contract_store.schema_version() == contract_store.SCHEMA_VERSION
    assert contract_store.migrate() == contract_store.SCHEMA_VERSION  # idempotent


def test_replace_and_read_back(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    p = contract_store.project("src:101180091")
    assert p["title"].startswith("Coastal") and p["total_cost_eur"] == 1971987.5
    assert p["topics"] == ["HORIZON-EUSPA-2023-SPACE-01-43"]
    assert [x["nuts3"] for x in p["participants"]] == ["FI1C6", "AT130"]
    assert p["participants"][1]["loc_method"] == "postcode"
    assert contract_store.project("src:nope") is None
    assert [d.id for d in contract_store.datasets()] == ["src:a.csv"]


def test_replace_is_idempotent(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    first = contract_store.aggregate(3, ProjectFilter())
    contract_store.replace_dataset(_dataset(), *_rows())
    assert contract_store.aggregate(3, ProjectFilter()) == first
    assert contract_store.query_projects(ProjectFilter(), Page())[0] == 2


def test_conflicting_dataset_changes_nothing(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    before = contract_store.aggregate(0, ProjectFilter())
    with pytest.raises(StoreError):
        contract_store.replace_dataset(_dataset("src:b.csv"), *_rows())
    assert contract_store.aggregate(0, ProjectFilter()) == before
    assert [d.id for d in contract_store.datasets()] == ["src:a.csv"]


def test_aggregate_and_filters(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    by3 = {r["code"]: r for r in contract_store.aggregate(3, ProjectFilter())}
    assert by3["AT130"]["projects"] == 2 and by3["AT130"]["participations"] == 2
    assert by3["AT130"]["eu_contribution_eur"] == 800300.0
    assert by3["FI1C6"]["projects"] == 1
    only_hes = contract_store.aggregate(0, ProjectFilter(org_types=["HES"]))
    assert only_hes == [
        {
            "code": "AT",
            "projects": 1,
            "participations": 1,
            "eu_contribution_eur": 800250.0,
            "public_funding_eur": None,  # a measure of lists of operations, not of CORDIS
        }
    ]
    total, rows = contract_store.query_projects(ProjectFilter(region="FI1C"), Page())
    assert total == 1 and rows[0]["acronym"] == "COASTS"
    total, _ = contract_store.query_projects(ProjectFilter(text="coastal"), Page())
    assert total == 1
    total, _ = contract_store.query_projects(ProjectFilter(period_from=date(2028, 1, 1)), Page())
    assert total == 1  # only M-CARE runs into 2028
    total, rows = contract_store.query_projects(
        ProjectFilter(), Page(limit=1, sort="total_cost_eur", descending=True)
    )
    assert total == 2 and rows[0]["acronym"] == "M-CARE"


def test_figures_and_facets(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    figs = contract_store.figures("population", 2024, codes=["AT130"])
    assert figs[0].value == 2005760.0 and figs[0].year == 2025
    facets = contract_store.facets()
    assert facets["countries"] == ["AT", "FI"] and "HES" in facets["org_types"]


def test_remove_dataset(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    contract_store.remove_dataset("src:a.csv")
    assert contract_store.datasets() == []
    assert contract_store.query_projects(ProjectFilter(), Page())[0] == 0
    with pytest.raises(NotFound):
        contract_store.remove_dataset("src:a.csv")


def test_project_records_and_data_version(contract_store):
    empty = contract_store.data_version()
    contract_store.replace_dataset(_dataset(), *_rows())
    assert contract_store.data_version() != empty
    recs = {r["id"]: r for r in contract_store.project_records()}
    coasts = recs["src:101180091"]
    assert coasts["regions"] == ["AT130", "FI1C6"] and coasts["countries"] == ["AT", "FI"]
    assert coasts["organisations"] == ["ORG A", "ORG B"]
    assert coasts["topics"] == ["HORIZON-EUSPA-2023-SPACE-01-43"]
    assert recs["src:101226563"]["start_date"].year == 2025


def test_breakdown_and_search(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    years = {r["key"]: r for r in contract_store.breakdown("year", ProjectFilter())}
    assert years[2024]["projects"] == 1 and years[2025]["eu_contribution_eur"] == 800250.0
    types = {
        r["key"]: r["participations"]
        for r in contract_store.breakdown("org_type", ProjectFilter(region="AT"))
    }
    assert types == {"HES": 1, "PRC": 1}
    themes = {r["key"]: r["projects"] for r in contract_store.breakdown("theme", ProjectFilter())}
    assert themes == {"HORIZON-EUSPA-2023-SPACE-01-43": 1, "unknown": 1}
    found = contract_store.search("coast")
    assert [p["acronym"] for p in found["projects"]] == ["COASTS"]
    assert contract_store.search("org c")["organisations"][0]["projects"] == 1
    with pytest.raises(ValueError):
        contract_store.breakdown("colour", ProjectFilter())


def test_repeated_keys_in_a_dataset_are_refused(contract_store):
    projects, participants, figures = _rows()
    contract_store.replace_dataset(_dataset(), projects, participants, figures)
    before = contract_store.aggregate(3, ProjectFilter())
    with pytest.raises(StoreError):
        contract_store.replace_dataset(_dataset(), projects + projects[:1], participants, figures)
    with pytest.raises(StoreError):
        contract_store.replace_dataset(
            _dataset(), projects, participants + participants[:1], figures
        )
    assert contract_store.aggregate(3, ProjectFilter()) == before


def test_a_write_failing_midway_changes_nothing(contract_store):
    projects, participants, figures = _rows()
    contract_store.replace_dataset(_dataset(), projects, participants, figures)
    before = (contract_store.aggregate(3, ProjectFilter()), contract_store.data_version())
    # the old rows are already deleted when the participant without a seq breaks NOT NULL
    broken = participants[:2] + [Participant(projects[1].id, None, "Org D")]  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="constraint"):
        contract_store.replace_dataset(_dataset(), projects, broken, figures)
    assert (contract_store.aggregate(3, ProjectFilter()), contract_store.data_version()) == before
    assert contract_store.project(projects[1].id)["participants"][0]["name"] == "Org C"


def test_data_version_changes_with_every_write(contract_store):
    seen = [contract_store.data_version()]
    contract_store.replace_dataset(_dataset(), *_rows())
    seen.append(contract_store.data_version())
    later = _dataset()
    later.ingested_at = datetime(2026, 11, 22, tzinfo=UTC)
    contract_store.replace_dataset(later, *_rows())
    seen.append(contract_store.data_version())
    contract_store.remove_dataset(later.id)
    seen.append(contract_store.data_version())
    assert all(a != b for a, b in zip(seen, seen[1:]))


def test_export_gives_back_what_was_written(contract_store):
    dataset, (projects, participants, figures) = _dataset(), _rows()
    participants[0].place = PlaceHint(country="FI", city="Lahti", lat=60.98, lon=25.66)
    contract_store.replace_dataset(dataset, projects, participants, figures)
    assert contract_store.export_dataset(dataset.id) == (
        replace(dataset, project_count=2, participant_count=3),  # the store counts its rows
        projects,
        participants,
        figures,
        [],
        [],
        [],
    )
    stations, values = _stations()
    eea = _dataset("eea-aq:x.csv", "eea-aq")
    contract_store.replace_dataset(eea, [], [], [], stations=stations, station_values=values)
    # ordered by station, pollutant and hour, as station_values() gives them
    assert contract_store.export_dataset(eea.id) == (
        eea,
        [],
        [],
        [],
        stations,
        [values[2], *values[:2]],
        [],
    )
    results = _dataset("cordis-he-results:d.csv", "cordis-he-results")
    contract_store.replace_dataset(results, [], [], [], outputs=_outputs())
    assert contract_store.export_dataset(results.id)[-1] == sorted(
        _outputs(), key=lambda o: (o.project, o.kind, o.id)
    )
    with pytest.raises(NotFound):
        contract_store.export_dataset("src:nope")


# --- what callers hold instead of a file path: the URL, existence, a cache directory ---------
def test_url_reopens_the_same_store(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    kind = contract_store.url.partition("://")[0]
    assert kind in ("duckdb", "postgresql")
    assert store_exists(contract_store.url)
    with open_store(contract_store.url) as again:
        assert [d.id for d in again.datasets()] == ["src:a.csv"]


def test_cache_dir_is_stable_and_keyed_by_store(contract_store, tmp_path):
    cache = contract_store.cache_dir()
    assert cache is not None and cache == contract_store.cache_dir()
    with open_store(f"duckdb://{tmp_path / 'other.duckdb'}") as other:
        assert other.cache_dir() != cache


def test_participants_under_filters(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    everyone = contract_store.participants(ProjectFilter())
    assert len(everyone) == sum(
        r["participations"] for r in contract_store.aggregate(0, ProjectFilter())
    )
    assert [(p["project_id"], p["seq"]) for p in everyone] == sorted(
        (p["project_id"], p["seq"]) for p in everyone
    )
    finnish = contract_store.participants(ProjectFilter(countries=["FI"]))
    assert finnish and {p["nuts0"] for p in finnish} == {"FI"}
    assert {"project_title", "lat", "lon", "nuts3", "loc_method"} <= set(finnish[0])
    assert contract_store.participants(ProjectFilter(region="FI1C6"))[0]["nuts3"] == "FI1C6"


def _stations():
    # two real Berlin hours of DEBE034 (EEA e-Reporting, 2021-04-16), the second marked not valid
    stations = [
        Station("DEBE034", "Berlin Neukölln", "DE300", 2024, method="station table"),
        Station("DEBE999", method="not placed"),
    ]
    values = [
        StationValue("DEBE034", "PM2.5", "2021-04-16T00:00:00+01:00", 5.93, 1),
        StationValue("DEBE034", "PM2.5", "2021-04-16T01:00:00+01:00", None, -1),
        StationValue("DEBE034", "NO2", "2021-04-16T00:00:00+01:00", 20.5, 1),
    ]
    return stations, values


def test_stations_and_their_hourly_values(contract_store):
    stations, values = _stations()
    eea = _dataset("eea-aq:x.csv", "eea-aq")
    contract_store.replace_dataset(eea, [], [], [], stations=stations, station_values=values)
    assert contract_store.stations("eea-aq:x.csv") == stations
    assert contract_store.station_values("eea-aq:x.csv", "PM2.5") == values[:2]
    assert len(contract_store.station_values("eea-aq:x.csv")) == 3
    # replaced and removed with their dataset; other datasets untouched
    contract_store.replace_dataset(_dataset(), *_rows())
    contract_store.replace_dataset(
        eea, [], [], [], stations=stations[:1], station_values=values[:1]
    )
    assert contract_store.station_values("eea-aq:x.csv") == values[:1]
    contract_store.remove_dataset("eea-aq:x.csv")
    assert contract_store.stations("eea-aq:x.csv") == []
    assert contract_store.station_values("eea-aq:x.csv") == []
    assert contract_store.query_projects(ProjectFilter(), Page())[0] == 2


def test_a_failed_write_keeps_the_stations(contract_store):
    stations, values = _stations()
    contract_store.replace_dataset(_dataset(), *_rows())
    eea = _dataset("eea-aq:x.csv", "eea-aq")
    contract_store.replace_dataset(eea, [], [], [], stations=stations, station_values=values)
    with pytest.raises(StoreError):  # its projects belong to another dataset
        contract_store.replace_dataset(eea, *_rows(), stations=[], station_values=[])
    assert contract_store.stations("eea-aq:x.csv") == stations


def test_public_funding_is_a_measure_of_its_own(contract_store):
    # EU + national public funding (the Finnish list's only amount) is stored beside, never as,
    # the EU contribution, in whole cents
    projects, participants, figures = _rows()
    projects[0].public_funding_eur, projects[0].public_funding_original = 1234.5, 1234.5
    contract_store.replace_dataset(_dataset(), projects, participants, figures)
    p = contract_store.project("src:101180091")
    assert (p["public_funding_eur"], p["public_funding_original"]) == (1234.5, 1234.5)
    assert p["eu_contribution_eur"] == projects[0].eu_contribution_eur
    assert contract_store.project(projects[1].id)["public_funding_eur"] is None


def test_a_schema_2_duckdb_store_migrates_to_public_funding(tmp_path):
    import duckdb

    from regioatlas.store import sql

    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER, applied_at TIMESTAMP)")
    for version in (0, 1):
        for statement in sql.MIGRATIONS[version]:
            con.execute(statement)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [version + 1])
    con.close()
    with open_store(f"duckdb://{path}") as store:
        assert store.schema_version() == store.SCHEMA_VERSION
        projects, participants, figures = _rows()
        store.replace_dataset(_dataset(), projects, participants, figures)
        assert store.project("src:101180091")["public_funding_eur"] is None


# --- server mode: tokens, jobs and their write locks, the audit log (issue 14, parts 4-6) ----
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _job(id_: str, target: str = "cordis-he:a.csv", at: datetime = T0) -> dict:
    return {
        "id": id_,
        "kind": "ingest",
        "target": target,
        "status": "queued",
        "created_by": "alice",
        "created_at": at,
        "result": None,
    }


def test_tokens_are_kept_by_hash_and_revoked(contract_store):
    contract_store.add_token("alice", "editor", "a" * 64, T0)
    contract_store.add_token("bob", "viewer", "b" * 64, T0)
    assert contract_store.token_by_hash("a" * 64)["name"] == "alice"
    assert contract_store.token_by_hash("c" * 64) is None
    listed = contract_store.tokens()
    assert [(t["name"], t["role"], t["revoked_at"]) for t in listed] == [
        ("alice", "editor", None),
        ("bob", "viewer", None),
    ]
    assert "token_sha256" not in listed[0] and listed[0]["created_at"] == T0
    contract_store.revoke_token("alice", T0)
    assert contract_store.token_by_hash("a" * 64) is None
    assert contract_store.tokens()[0]["revoked_at"] == T0
    with pytest.raises(NotFound, match="alice"):
        contract_store.revoke_token("alice", T0)
    with pytest.raises(StoreError, match="never reused"):  # even after its revocation
        contract_store.add_token("alice", "admin", "d" * 64, T0)


def test_a_job_holds_the_write_lock_of_its_target_until_it_ends(contract_store):
    contract_store.begin_job(_job("j1"), stale_before=datetime(2000, 1, 1, tzinfo=UTC))
    with pytest.raises(StoreError, match="being written by job j1") as refused:
        contract_store.begin_job(_job("j2"), stale_before=datetime(2000, 1, 1, tzinfo=UTC))
    assert refused.value.extra == {"job": "j1"}
    assert contract_store.job("j2") is None  # the refused job left nothing behind
    contract_store.begin_job(_job("j3", target="other"), datetime(2000, 1, 1, tzinfo=UTC))
    contract_store.update_job("j1", status="running", stage="locate", done=5, total=10)
    job = contract_store.job("j1")
    assert (job["status"], job["stage"], job["done"], job["total"]) == ("running", "locate", 5, 10)
    with pytest.raises(StoreError):  # running still holds the lock
        contract_store.begin_job(_job("j2"), datetime(2000, 1, 1, tzinfo=UTC))
    contract_store.update_job("j1", status="succeeded", result={"dataset": {"id": "x"}})
    assert contract_store.job("j1")["result"] == {"dataset": {"id": "x"}}
    contract_store.begin_job(_job("j2"), datetime(2000, 1, 1, tzinfo=UTC))  # lock freed
    assert contract_store.job("j2")["status"] == "queued"
    assert contract_store.job("nope") is None
    with pytest.raises(ValueError, match="job fields"):
        contract_store.update_job("j2", created_by="mallory")


def test_a_lock_left_by_a_dead_process_is_dropped_after_the_cutoff(contract_store):
    contract_store.begin_job(_job("old", at=T0), stale_before=datetime(2000, 1, 1, tzinfo=UTC))
    later = datetime(2026, 12, 2, tzinfo=UTC)
    contract_store.begin_job(
        _job("new", at=later), stale_before=datetime(2026, 12, 1, 12, tzinfo=UTC)
    )
    old = contract_store.job("old")
    assert old["status"] == "failed" and "abandoned" in old["message"]


def test_the_audit_log_is_appended_and_read_newest_first(contract_store):
    for n in range(3):
        contract_store.append_audit(
            {
                "id": f"a{n}",
                "happened_at": datetime(2026, 12, 1, 9, n, tzinfo=UTC),
                "actor": "alice",
                "action": "dataset.upload",
                "target": "cordis-he:a.csv",
                "details": {"files": [{"name": "a.csv", "sha256": "0" * 64}]},
                "result": "succeeded",
            }
        )
    total, entries = contract_store.audit_entries(limit=2)
    assert total == 3 and [e["id"] for e in entries] == ["a2", "a1"]
    assert entries[0]["details"]["files"][0]["sha256"] == "0" * 64
    assert entries[0]["happened_at"] == datetime(2026, 12, 1, 9, 2, tzinfo=UTC)
    assert [e["id"] for e in contract_store.audit_entries(limit=2, offset=2)[1]] == ["a0"]
    # the product offers no way to change an entry: the interface has no such method
    assert not [
        m
        for m in dir(contract_store)
        if "audit" in m and m not in ("append_audit", "audit_entries")
    ]


def test_postgresql_refuses_to_change_the_audit_log(pg_url):
    import psycopg

    with open_store(pg_url) as store:
        store.append_audit(
            {
                "id": "a1",
                "happened_at": T0,
                "actor": "alice",
                "action": "x",
                "details": {},
                "result": "ok",
            }
        )
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in (
            "UPDATE audit SET actor = 'mallory'",
            "DELETE FROM audit",
            "TRUNCATE audit",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT actor FROM audit").fetchall() == [("alice",)]


# --- what projects produced (schema 10) -------------------------------------------------------
def _outputs() -> list[ProjectOutput]:
    # real CORDIS rows of project 101226563 would do; these are of the shape the reader gives
    dl = "https://ec.europa.eu/research/participants/documents/downloadPublic?documentIds="
    return [
        ProjectOutput("101226563", "HORIZON", "deliverable", "d1", "Data management plan",
                      "Data Management Plan", dl + "1", "2024-01-31"),
        ProjectOutput("101226563", "HORIZON", "periodic report", "101226563_PSHORIZON",
                      "Periodic Reporting for period 1 - M-CARE", None,
                      "https://cordis.europa.eu/project/id/101226563/reporting", "2025-02-24"),
        ProjectOutput("101226563", "HORIZON", "deliverable", "d2", "Website", None, None, None),
        # the same number in another programme is another project
        ProjectOutput("101226563", "H2020", "deliverable", "x1", "not M-CARE's"),
    ]  # fmt: skip


def test_outputs_are_read_per_project_newest_first(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    results = _dataset("cordis-he-results:d.csv", "cordis-he-results")
    contract_store.replace_dataset(results, [], [], [], outputs=_outputs())
    total, items = contract_store.project_outputs("src:101226563")
    assert total == 3
    assert [i["id"] for i in items] == ["101226563_PSHORIZON", "d1", "d2"]
    assert items[1] == {
        "dataset_id": results.id,
        "kind": "deliverable",
        "id": "d1",
        "title": "Data management plan",
        "type": "Data Management Plan",
        "url": _outputs()[0].url,
        "date": "2024-01-31",
    }
    assert contract_store.project_outputs("src:101226563", limit=1)[0] == 3
    assert len(contract_store.project_outputs("src:101226563", limit=1)[1]) == 1
    assert contract_store.project_outputs("src:101180091") == (0, [])
    assert contract_store.project_outputs("src:nope") == (0, [])


def test_outputs_are_replaced_and_removed_with_their_dataset(contract_store):
    contract_store.replace_dataset(_dataset(), *_rows())
    results = _dataset("cordis-he-results:d.csv", "cordis-he-results")
    contract_store.replace_dataset(results, [], [], [], outputs=_outputs())
    contract_store.replace_dataset(results, [], [], [], outputs=_outputs()[:1])
    assert contract_store.project_outputs("src:101226563")[0] == 1
    # a failing write (a clashing project) leaves the outputs as they were
    clash = _dataset("other:b.csv", "other")
    with pytest.raises(StoreError):
        contract_store.replace_dataset(clash, _rows()[0], [], [], outputs=_outputs())
    assert contract_store.project_outputs("src:101226563")[0] == 1
    contract_store.remove_dataset(results.id)
    assert contract_store.project_outputs("src:101226563") == (0, [])
