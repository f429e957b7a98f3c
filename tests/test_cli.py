"""The CLI drives the library; assertions go through the library (the store)."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.store import open_store


def _all_commands(group: click.Group, path=()):
    for name, cmd in group.commands.items():
        yield (*path, name)
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, (*path, name))


@pytest.mark.parametrize(
    "command", [(), *list(_all_commands(main))], ids=lambda c: " ".join(c) or "main"
)
def test_help_everywhere(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_ingest_then_query(tmp_path, fixtures):
    store = str(tmp_path / "cli.duckdb")
    d = fixtures / "cordis"
    r = CliRunner().invoke(
        main,
        [
            "ingest",
            "auto",
            str(d / "he_projects.csv"),
            str(d / "he_organizations.csv"),
            "--store",
            store,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "recognised as: CORDIS Horizon Europe" in r.output and "by method:" in r.output
    with open_store(store, read_only=True) as s:
        assert s.query_projects(ProjectFilter(), Page())[0] == 20
    out = CliRunner().invoke(
        main, ["aggregate", "--level", "0", "--store", store, "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert out.exit_code == 0 and sum(int(x["participations"]) for x in rows) > 100
    listing = CliRunner().invoke(
        main, ["projects", "--q", "coastal", "--store", store, "--format", "json"]
    )
    assert json.loads(listing.stdout)[0]["acronym"] == "COASTS"


def test_bad_file_exits_non_zero_and_writes_nothing(tmp_path, fixtures):
    store = str(tmp_path / "cli.duckdb")
    bad = tmp_path / "h2020.csv"
    text = (fixtures / "cordis" / "h2020_participations_head.csv").read_text()
    bad.write_text(text.replace(",317625,", ",three hundred,", 1))
    r = CliRunner().invoke(main, ["ingest", "cordis-h2020", str(bad), "--store", store])
    assert r.exit_code == 1
    assert (
        "h2020.csv, line 2, column 'contribution'" in r.output and "nothing was written" in r.output
    )
    with open_store(store, read_only=True) as s:
        assert s.datasets() == []
    report = tmp_path / "rejected.csv"
    r = CliRunner().invoke(
        main,
        [
            "ingest",
            "cordis-h2020",
            str(bad),
            "--store",
            store,
            "--allow-partial",
            "--rejected-report",
            str(report),
        ],
    )
    assert r.exit_code == 0
    with report.open() as f:
        rejected = list(csv.DictReader(f))
    assert rejected == [
        {
            "file": str(bad),
            "line": "2",
            "column": "contribution",
            "reason": "not a number: 'three hundred'",
            "value": "three hundred",
        }
    ]


def test_unknown_source_and_missing_file(tmp_path):
    store = str(tmp_path / "cli.duckdb")
    r = CliRunner().invoke(
        main, ["ingest", "no-such-source", str(tmp_path / "x.csv"), "--store", store]
    )
    assert r.exit_code != 0
    r = CliRunner().invoke(main, ["ingest", "auto", str(tmp_path / "x.csv"), "--store", store])
    assert r.exit_code == 1 and "not found" in r.output


def test_validate_exit_codes():
    ok = CliRunner().invoke(main, ["validate", "FI1C6", "--version", "2024"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["valid"] is True
    old = CliRunner().invoke(main, ["validate", "FI1C3", "--version", "2024"])
    assert old.exit_code == 1 and 2021 in json.loads(old.stdout)["versions"]
    assert CliRunner().invoke(main, ["validate", "XX999"]).exit_code == 3  # not found


def test_profile_suggest_output_is_a_loadable_profile(tmp_path, fixtures):
    from regioatlas.sources.profile import load_profile

    src = next((fixtures / "cohesion").glob("AT*.csv"))
    r = CliRunner().invoke(main, ["profile", "suggest", str(src)])
    assert r.exit_code == 0
    path = tmp_path / "at.toml"
    path.write_text(r.stdout)
    assert load_profile(path).delimiter == ","
