"""Store.features, the one store method of the OGC API: DuckDB and PostGIS answer alike.

Part of the store contract (the same data and questions for every store kind; CI=1 makes the
PostGIS run mandatory).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from regioatlas.model import BadInput, Dataset, Location, Participant, PlaceHint, Project
from regioatlas.model.expressions import Call, Geometry, Interval, Prop
from regioatlas.store import open_store

STORE_KINDS = ["duckdb", "postgis"]
LAHTI = (25.6612, 60.9827)  # a point in Päijät-Häme, FI1C6


@pytest.fixture(params=STORE_KINDS)
def features_store(request, tmp_path):
    if request.param == "duckdb":
        s = open_store(f"duckdb://{tmp_path / 'features.duckdb'}")
    else:
        s = open_store(request.getfixturevalue("pg_url"))
    dataset = Dataset("src:a.csv", "src", ["a.csv"], "0" * 64, "p", "CC BY 4.0", "© t",
                      datetime(2026, 12, 1, tzinfo=UTC), profile="fi-rakennerahastot")  # fmt: skip
    projects = [
        Project("src:1", "src", "1", "HORIZON", "ERDF", "Coastal observation", "COASTS",
                start_date=date(2015, 1, 1), end_date=date(2018, 12, 31), eu_contribution_eur=10.0),
        Project("src:2", "src", "2", "HORIZON", "ESF", "Integrated care", "M-CARE",
                start_date=date(2019, 7, 1), end_date=None, eu_contribution_eur=30.0),
        Project("src:3", "src", "3", "HORIZON", "ESF", "Unlocated", None,
                start_date=date(2021, 1, 1), end_date=date(2022, 1, 1)),
    ]  # fmt: skip
    fi = Location(2024, "nuts_code", 1.0, "FI", "FI1", "FI1C", "FI1C6")
    at = Location(2024, "postcode", 0.9, "AT", "AT1", "AT13", "AT130")
    participants = [
        Participant("src:1", 1, "Lahti", role="coordinator", location=fi,
                    place=PlaceHint(country="FI", lat=LAHTI[1], lon=LAHTI[0])),
        Participant("src:1", 2, "Wien", role="partner", location=at),
        Participant("src:2", 1, "Wien 2", role="coordinator", location=at, eu_contribution_eur=5.0),
        Participant("src:3", 1, "Nowhere", role="coordinator"),
    ]  # fmt: skip
    s.replace_dataset(dataset, projects, participants, [])
    yield s
    s.close()


def _ids(rows):
    return [r["id"] for r in rows]


def test_features_are_paged_with_an_exact_count(features_store):
    n, rows = features_store.features("projects", None, [("eu_contribution_eur", True)], 2, 0)
    assert n == 3
    assert _ids(rows) == ["src:2", "src:1"]  # sorted descending, missing values last
    n, rows = features_store.features("projects", None, [("eu_contribution_eur", True)], 2, 2)
    assert (n, _ids(rows)) == (3, ["src:3"])


def test_a_project_is_located_where_its_first_located_participant_is(features_store):
    _, rows = features_store.features("projects", None, (), 10, 0)
    where = {r["id"]: (r["region"], r["lon"], r["lat"]) for r in rows}
    assert where["src:1"] == ("FI1C6", LAHTI[0], LAHTI[1])
    assert where["src:2"] == ("AT130", None, None)
    assert where["src:3"] == (None, None, None)


def test_comparison_like_in_between_and_null(features_store):
    def ids(expr, collection="projects"):
        return _ids(features_store.features(collection, expr, (), 10, 0)[1])

    assert ids(Call("=", (Prop("fund"), "ESF"))) == ["src:2", "src:3"]
    assert ids(Call("like", (Call("casei", (Prop("title"),)), "%care%"))) == ["src:2"]
    assert ids(Call("in", (Prop("acronym"), ("COASTS", "X")))) == ["src:1"]
    assert ids(Call("between", (Prop("eu_contribution_eur"), 5, 15))) == ["src:1"]
    assert ids(Call("isnull", (Prop("acronym"),))) == ["src:3"]
    assert ids(Call("not", (Call("isnull", (Prop("acronym"),)),))) == ["src:1", "src:2"]
    assert ids(Call("=", (Prop("region"), "AT130"))) == ["src:2"]  # the location is filterable
    assert ids(Call("=", (Prop("role"), "coordinator")), "participants") == [
        "src:1.1", "src:2.1", "src:3.1"
    ]  # fmt: skip
    assert ids(None, "operations") == ["src:1", "src:2", "src:3"]  # a profile's dataset


def test_temporal_operators_treat_a_missing_end_as_open(features_store):
    period = Interval(Prop("start_date"), Prop("end_date"))

    def ids(op, other):
        return _ids(features_store.features("projects", Call(op, (period, other)), (), 10, 0)[1])

    assert ids("t_intersects", Interval(date(2030, 1, 1), None)) == ["src:2"]
    assert ids("t_before", Interval(date(2019, 1, 1), date(2019, 1, 2))) == ["src:1"]
    assert ids("t_after", Interval(date(2018, 6, 1), date(2018, 12, 31))) == ["src:2", "src:3"]
    assert ids("t_during", Interval(date(2020, 1, 1), date(2023, 1, 1))) == ["src:3"]


def test_spatial_predicates_use_the_point_else_the_regions_given(features_store):
    box = Geometry("POLYGON ((25 60, 26 60, 26 61.5, 25 61.5, 25 60))", regions=("AT130",))
    n, rows = features_store.features(
        "projects", Call("s_intersects", (Prop("geometry"), box)), (), 10, 0
    )
    # src:1 by its point in the box, src:2 by its region, which the caller says matches
    assert (n, _ids(rows)) == (2, ["src:1", "src:2"])
    far = Geometry("POLYGON ((0 0, 1 0, 1 1, 0 0))")
    assert (
        features_store.features("projects", Call("s_intersects", (Prop("geometry"), far)))[0] == 0
    )


def test_an_unknown_property_or_collection_is_bad_input(features_store):
    with pytest.raises(BadInput, match="no property 'nope'"):
        features_store.features("projects", Call("=", (Prop("nope"), 1)))
    with pytest.raises(BadInput, match="no property 'nope'"):
        features_store.features("projects", None, [("nope", False)])
    with pytest.raises(BadInput, match="no feature collection"):
        features_store.features("regions")


def test_number_matched_is_kept_per_data_version_and_filter(features_store):
    """Later pages of one filter reuse its count; a write (a new data version) counts again."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.api.ogc.collections import load_collections

    assert features_store.features("participants", None, (), 1, 0, count=False)[0] is None
    participants = load_collections(Atlas(features_store))["participants"]
    coordinators = Call("=", (Prop("role"), "coordinator"))
    assert participants.query(coordinators, [], 1, 0)[0] == 3
    assert participants.query(coordinators, [], 1, 1)[0] == 3
    assert participants.query(None, [], 1, 0)[0] == 4
    dataset = Dataset("src:b.csv", "src", ["b.csv"], "1" * 64, "p", "CC BY 4.0", "© t",
                      datetime(2026, 12, 2, tzinfo=UTC))  # fmt: skip
    project = Project("src:9", "src", "9", "HORIZON", "ERDF", "More", None)
    features_store.replace_dataset(
        dataset, [project], [Participant("src:9", 1, "Lahti 2", role="coordinator")], []
    )
    assert participants.query(coordinators, [], 1, 2)[0] == 4
