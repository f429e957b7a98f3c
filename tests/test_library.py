"""The analyst's door: open_atlas gives DataFrames/GeoDataFrames, the same figures as the API
and the CLI, validated like the API; its docstring examples run here against the demo store."""

from __future__ import annotations

import csv
import doctest
import importlib
import json
import shutil
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from regioatlas import open_atlas
from regioatlas.cli import main
from regioatlas.ingest import ingest
from regioatlas.library import MissingExtra
from regioatlas.model import BadInput

#: modules whose examples are run (they may use ``atlas`` and ``store_url``: the demo store)
DOCTESTED = [
    "regioatlas.library.atlas",
    "regioatlas.library.frames",
    "regioatlas.library.figures",
    "regioatlas.store",
    "regioatlas.store.duckdb_",
    "regioatlas.sources.registry",
    "regioatlas.plugins",
]


@pytest.fixture(scope="module")
def atlas(demo_store_path):
    with open_atlas(str(demo_store_path)) as a:
        yield a


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples_run(module, atlas, demo_store_path):
    mod = importlib.import_module(module)
    result = doctest.testmod(
        mod,
        extraglobs={"atlas": atlas, "store_url": f"duckdb://{demo_store_path}"},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0 and result.failed == 0


def test_aggregates_are_the_api_figures(atlas, app_client):
    df = atlas.aggregates(level=3, country="FI", from_=2016)
    api = app_client.get("/api/aggregates", params={"level": 3, "country": "FI", "from": 2016})
    assert api.status_code == 200
    items = api.json()["items"]
    assert len(items) > 10 and len(df) == len(items)
    assert df.to_dict("records")[0].keys() == items[0].keys()
    for row, item in zip(df.itertuples(index=False), items):
        assert (row.code, row.projects, row.participations) == (
            item["code"],
            item["projects"],
            item["participations"],
        )
        if item["eu_contribution_eur"] is None:  # no EU-only amount (the Finnish list)
            assert pd.isna(row.eu_contribution_eur)
        else:
            assert row.eu_contribution_eur == pytest.approx(item["eu_contribution_eur"])


def test_participants_add_up_to_the_aggregates(atlas):
    parts = atlas.participants(region="FI1C", org_type="HES")
    agg = atlas.aggregates(level=2, region="FI1C", org_type="HES").set_index("code")
    assert len(parts) == agg.loc["FI1C", "participations"] > 0
    assert parts.project_id.nunique() == agg.loc["FI1C", "projects"]
    assert set(parts.nuts2) == {"FI1C"} and set(parts.org_type) == {"HES"}


def test_projects_every_one_or_a_page(atlas):
    every = atlas.projects(country="AT", programme="H2020")
    assert len(every) == every.attrs["total"] > 500  # more than one API page
    page = atlas.projects(country="AT", programme="H2020", limit=5, offset=5, sort="-start_date")
    assert len(page) == 5 and page.attrs["total"] == len(every)
    assert page.start_date.is_monotonic_decreasing


def test_geometry_gives_geodataframes(atlas):
    regions = atlas.regions(level=2, country="AT")
    assert regions.crs.to_string() == "EPSG:4326" and len(regions) == 10
    assert regions.geometry.isna().tolist() == [False] * 9 + [True]  # ATZZ Extra-Regio: no polygon
    at13 = regions.set_index("code").loc["AT13"]
    assert at13.name_latin == "Wien" and 48.0 < at13.geometry.centroid.y < 48.4
    plain = atlas.regions(level=2, country="AT", geometry=False)
    assert "geometry" not in plain.columns and len(plain) == 10


def test_participant_points(fixtures, tmp_path, store):
    # the demo has no coordinates: a constructed input, the official CORDIS layout with the
    # geolocation cell of every Austrian organisation set to central Vienna
    src = fixtures / "cordis" / "official"
    with (src / "organization.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    for row in rows:
        if row["country"] == "AT":
            row["geolocation"] = "48.2082,16.3738"
    with (tmp_path / "organization.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        out.writeheader()
        out.writerows(rows)
    shutil.copy(src / "project.csv", tmp_path / "project.csv")
    ingest(store, "cordis", [tmp_path / "project.csv", tmp_path / "organization.csv"])
    atlas = open_atlas(store)
    points = atlas.participants(geometry=True, country="AT")
    assert len(points) == sum(r["country"] == "AT" for r in rows) > 0
    vienna = atlas.regions(level=3, country="AT").set_index("code").loc["AT130", "geometry"]
    assert points.geometry.within(vienna).all() and set(points.nuts3) == {"AT130"}
    assert points.crs.to_string() == "EPSG:4326"


def test_bad_filters_are_bad_input_naming_the_parameter(atlas):
    with pytest.raises(BadInput) as bad_date:
        atlas.projects(from_="last spring")
    assert bad_date.value.parameter == "from"
    with pytest.raises(BadInput) as bad_level:
        atlas.aggregates(level=7)
    assert bad_level.value.parameter == "level"
    with pytest.raises(BadInput, match="unknown filter 'nuts'"):
        atlas.aggregates(nuts="FI1C6")


def test_without_geopandas_geometry_names_the_extra(atlas, monkeypatch):
    monkeypatch.setitem(sys.modules, "geopandas", None)  # what an install without [geo] sees
    with pytest.raises(MissingExtra, match=r"pip install regioatlas\[geo\]"):
        atlas.aggregates(level=0, geometry=True)
    assert len(atlas.aggregates(level=0)) > 20  # plain DataFrames need no GeoPandas


def test_cli_prints_the_library_frames(atlas, demo_store_path):
    run = CliRunner().invoke
    out = run(main, ["aggregate", "--store", str(demo_store_path), "--level", "3",
                     "--country", "FI", "--format", "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    cli_rows = json.loads(out.output)
    lib = atlas.aggregates(level=3, country="FI")
    assert [r["code"] for r in cli_rows] == lib.code.tolist()
    assert [r["population_year"] for r in cli_rows] == lib.population_year.tolist()
    assert all(isinstance(r["projects"], int) for r in cli_rows)
    out = run(main, ["projects", "--store", f"duckdb://{demo_store_path}", "--region", "FI1C6",
                     "--limit", "3", "--sort=-eu_contribution_eur", "--format", "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    lib_ids = atlas.projects(region="FI1C6", limit=3, sort="-eu_contribution_eur").id.tolist()
    assert [r["id"] for r in json.loads(out.stdout)] == lib_ids


def test_scorecard_kpis_and_similar_as_frames(atlas):
    card = atlas.scorecard("FI1C6")
    assert {"id", "region.value"} <= set(card.columns) and len(card) >= 5
    kpis = atlas.kpis("de")
    assert kpis.id.is_unique and {"name", "unit", "direction"} <= set(kpis.columns)
    some = atlas.projects(region="FI1C6", limit=1, sort="-eu_contribution_eur").id.iloc[0]
    hits = atlas.similar(some, limit=5)
    assert len(hits) == 5 and some not in set(hits.id)
    with pytest.raises(BadInput):
        atlas.similar()
