"""The EU Mission Adaptation projects as practices (issue 13's third open source): the real
project list shipped in the package, each named demonstration region placed on NUTS or
reported."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.geo.locate import Locator
from regioatlas.model.errors import BadInput
from regioatlas.sources.practices_base import PRACTICE_SOURCES
from regioatlas.sources.practices_ecesp import shipped_file
from regioatlas.sources.practices_mission import MissionAdaptationProjects, split_regions

SOURCE = "eu-mission-adaptation"


@pytest.fixture(scope="module")
def read():
    return MissionAdaptationProjects().read([shipped_file(SOURCE)], Locator())


def test_every_project_is_read_and_its_regions_placed_or_reported(read):
    with shipped_file(SOURCE).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    named = sum(len(split_regions(r["regions"])) for r in rows)
    grants = {p["id"].split(":")[1] for p in read.practices}
    assert len(rows) == 46 and len(grants) == 46  # no project lost
    # every practice comes from a named region of its project (or its coordinator's country
    # when none could be placed), and every region not placed is reported by name
    names = {name for r in rows for name, _ in split_regions(r["regions"])}
    for p in read.practices:
        detail = p["location"]["detail"] or ""
        named_region = detail.removeprefix("named region ").strip("'")
        assert named_region in names or detail.startswith("the coordinator's country"), detail
    reported = [why.split("region ", 1)[1].split("' not placed")[0].strip("'")
                for _, why in read.skipped if "' not placed" in why]  # fmt: skip
    assert reported and set(reported) <= names
    by_name = [p for p in read.practices if p["location"]["detail"].startswith("named region")]
    assert len(by_name) + len(reported) <= named  # two names of one region make one practice
    assert len(by_name) > 150
    assert len({p["id"] for p in read.practices}) == len(read.practices)
    assert all(p["region"][:2] == p["country"] for p in read.practices)
    methods = {p["location"]["method"] for p in read.practices}
    assert {"nuts_name", "municipality_name"} <= methods


def test_named_regions_land_on_their_nuts_regions(read):
    by_id = {p["id"]: p for p in read.practices}
    regilience = "eu-mission-adaptation:101036560"
    assert by_id[f"{regilience}:FRY4"]["location"]["detail"] == "named region 'La Réunion'"
    assert by_id[f"{regilience}:ES620"]["location"]["method"] == "nuts_name"  # Murcia Region
    finnish = {p["location"]["detail"]: p["region"] for p in read.practices if p["country"] == "FI"}
    assert finnish["named region 'Helsinki-Uusimaa'"] == "FI1B"  # the NUTS 2 region's name
    assert finnish["named region 'Helsinki'"] == "FI1B1"  # the town, in its NUTS 3
    assert finnish["named region 'Tampere'"] == "FI19B"
    one = by_id[f"{regilience}:FRY4"]
    assert one["title"].startswith("REGILIENCE: ")
    assert one["links"][0] == "https://cordis.europa.eu/project/id/101036560"
    assert one["licence"].startswith("CC BY 4.0") and one["attribution"].startswith("©")
    assert "Drought" in one["challenge"]
    reasons = [why for _, why in read.skipped]
    assert "REGILIENCE: region 'Central Macedonia' not placed (no country, or no match)" in reasons


def test_another_layout_is_refused_naming_the_columns(tmp_path):
    other = tmp_path / "projects.csv"
    other.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(BadInput, match="projects.csv: columns ACRONYM, Project id"):
        MissionAdaptationProjects().read([other])


def test_the_source_is_registered_and_ingests_from_the_cli(tmp_path):
    assert PRACTICE_SOURCES.load(SOURCE)().name == SOURCE
    store = f"duckdb://{tmp_path / 'atlas.duckdb'}"
    r = CliRunner().invoke(main, ["practices", "ingest", SOURCE, "--shipped", "--store", store])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"{SOURCE}: ") and " 0 transfers read" in r.output
    found = CliRunner().invoke(
        main,
        [
            "practices",
            "search",
            "drought",
            "--method",
            "lexical",
            "--store",
            store,
            "--format",
            "json",
        ],
    )
    assert found.exit_code == 0, found.output
    assert '"eu-mission-adaptation:' in found.output
