"""Every CSV the CLI writes is formula-safe, like the API's downloads (``api/downloads.py``).

A real store ingested from a constructed list of operations whose titles begin with ``=``,
``+``, ``-`` and ``@``, driven through the real ``regioatlas`` command.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from tests.test_security import PROFILE, TITLES

HEADER = "Id;Nimi;Toteuttaja;Alku;Kustannus;Kunta;Linkki\n"


def _row(pid: str, title: str, start: str = "01.02.2017") -> str:
    quoted = title.replace('"', '""')
    return f'{pid};"{quoted}";Lahden kaupunki;{start};1000;Lahti;https://example.org/{pid}\n'


@pytest.fixture(scope="module")
def formula_store(tmp_path_factory) -> tuple[Path, Path]:
    """(store, folder) of a list of operations with formula-like titles and one bad date."""
    tmp = tmp_path_factory.mktemp("cli-formulas")
    (tmp / "p.toml").write_text(PROFILE, "utf-8")
    rows = "".join(_row(pid, title) for pid, title in TITLES.items())
    rows += _row("F9", "A row whose date is a formula", start="=1+1")
    (tmp / "list.csv").write_text(HEADER + rows, "utf-8")
    store = tmp / "f.duckdb"
    run = CliRunner().invoke(
        main,
        [
            "ingest",
            f"profile:{tmp / 'p.toml'}",
            str(tmp / "list.csv"),
            "--store",
            str(store),
            "--allow-partial",
            "--rejected-report",
            str(tmp / "rejected.csv"),
        ],
    )
    assert run.exit_code == 0, run.output
    return store, tmp


def test_projects_as_csv_neutralise_formula_titles(formula_store):
    store, _ = formula_store
    run = CliRunner().invoke(main, ["projects", "--store", str(store), "--format", "csv"])
    assert run.exit_code == 0, run.output
    titles = {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(run.stdout))}
    for pid, title in TITLES.items():
        expected = "'" + title if title[0] in "=+-@" else title
        assert titles[f"formula-test:{pid}"] == expected


def test_the_rejected_report_neutralises_a_formula_value(formula_store):
    _, folder = formula_store
    with (folder / "rejected.csv").open(encoding="utf-8", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [r["line"] for r in rejected] == ["7"]
    assert rejected[0]["value"] == "'=1+1"


def test_no_cli_module_writes_csv_around_the_safe_writers():
    cli = Path(__file__).resolve().parents[1] / "src" / "regioatlas" / "cli"
    for module in cli.glob("*.py"):
        text = module.read_text("utf-8")
        assert not re.search(r"csv\.(writer|DictWriter)\(", text), module.name
