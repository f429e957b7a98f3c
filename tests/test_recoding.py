"""NUTS recoding of series: known changes from the official Eurostat 2016->2021 change table
(a rename, a recode, a split, merges), round trips, flags, and the CLI on a real Eurostat
NUTS 2016 table (tgs00096 subset)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.geo.recoding import RecodeError, crosswalk, recode_values


@pytest.fixture(scope="module")
def changes(fixtures):
    with (fixtures / "kpi/nuts2016_to_2021_changes_subset.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _one(code, value, kind="extensive", fv=2016, tv=2021, period=2019):
    out = recode_values([code], [period], [value], fv, tv, kind=kind)
    return {k: v.tolist() for k, v in out.items()}


def test_rename_from_the_official_table(changes):
    renamed = [r for r in changes if r["change_code"] == "1"]
    assert {r["code_2016"] for r in renamed} == {"BE100", "EL421"}
    out = _one("EL421", 7.0)
    assert out["code"] == ["EL421"] and out["value"] == [7.0] and out["method"] == ["renamed"]


def test_recode_from_the_official_table(changes):
    row = next(r for r in changes if r["code_2016"] == "HR046")
    assert row["code_2021"] == "HR061" and row["change_code"] == "2"
    out = _one("HR046", 113_804.0)
    assert out["code"] == ["HR061"] and out["value"] == [113_804.0] and out["method"] == ["recoded"]


def test_split_from_the_official_table(changes):
    row = next(r for r in changes if r["code_2016"] == "HR04")
    assert "split into new HR02, HR05 and HR06" in row["change_comment"]
    out = _one("HR04", 2_702_175.0)  # tgs00096 population 2019
    assert sorted(out["code"]) == ["HR02", "HR05", "HR06"]
    assert set(out["method"]) == {"split"}
    assert sum(out["value"]) == pytest.approx(2_702_175.0)
    # intensive: every part keeps the source's rate
    assert _one("HR04", 7.5, kind="intensive")["value"] == [7.5, 7.5, 7.5]


@pytest.mark.parametrize("a,b,new", [("BE324", "BE327", "BE328")])
def test_merges_from_the_official_table(changes, a, b, new):
    row = next(r for r in changes if r["code_2021"] == new)
    assert a in row["change_comment"] and b in row["change_comment"]
    out = recode_values([a, b], [2019, 2019], [70_000.0, 150_000.0], 2016, 2021, kind="extensive")
    assert out["code"].tolist() == [new] and out["method"].tolist() == ["merge"]
    assert out["value"][0] == pytest.approx(220_000.0)
    # intensive: a mean weighted by the population each part brings (JRC GHS-POP 2021)
    cw = crosswalk([a, b], 2016, 2021)
    w = {f.source: f.mass for f in cw.sources_of[new]}
    rate = recode_values([a, b], [2019, 2019], [10.0, 20.0], 2016, 2021, kind="intensive")
    assert rate["value"][0] == pytest.approx((10 * w[a] + 20 * w[b]) / (w[a] + w[b]))
    assert 10.0 < rate["value"][0] < 20.0


def test_a_merge_with_a_boundary_shift_is_stated(changes):
    # the change table calls NO020 a merge of NO021 and NO022; the JRC cross-walk also sees
    # that part of NO022 (Jevnaker, 2020) went to NO082, so NO020 is a boundary change
    row = next(r for r in changes if r["code_2021"] == "NO020")
    assert "merge of ex-NO021 and NO022" in row["change_comment"]
    out = recode_values(
        ["NO021", "NO022"], [2019] * 2, [200.0, 100.0], 2016, 2021, kind="extensive"
    )
    got = dict(zip(out["code"].tolist(), zip(out["method"].tolist(), out["value"].tolist())))
    assert got["NO020"][0] == "boundary change"
    assert 290 < got["NO020"][1] < 300  # all of NO021, most of NO022
    assert (
        "NO082" in got and out["flag"].tolist()[out["code"].tolist().index("NO082")] == "incomplete"
    )


def test_merge_with_a_missing_part_is_flagged_not_summed():
    out = recode_values(
        ["BE324", "BE327"], [2019, 2019], [70.0, np.nan], 2016, 2021, kind="extensive"
    )
    assert out["flag"].tolist() == ["incomplete"] and np.isnan(out["value"][0])
    assert "BE327" in out["note"][0]
    out = recode_values(["BE324"], [2019], [70.0], 2016, 2021, kind="extensive")
    assert out["flag"].tolist() == ["incomplete"]


def test_round_trips_return_the_original():
    # split then merge back: HR04 -> HR02, HR05, HR06 -> HR04
    there = recode_values(
        ["HR04", "HR04"], [2018, 2019], [2.71e6, 2.70e6], 2016, 2021, kind="extensive"
    )
    back = recode_values(
        there["code"], there["period"], there["value"], 2021, 2016, kind="extensive"
    )
    got = dict(zip(back["period"].tolist(), back["value"].tolist()))
    assert back["code"].tolist() == ["HR04", "HR04"] and set(back["method"]) == {"merge"}
    assert got["2018"] == pytest.approx(2.71e6) and got["2019"] == pytest.approx(2.70e6)
    # a recode is reversible exactly
    there = recode_values(["HR046"], [2019], [1.5], 2016, 2021, kind="intensive")
    back = recode_values(
        there["code"], there["period"], there["value"], 2021, 2016, kind="intensive"
    )
    assert back["code"].tolist() == ["HR046"] and back["value"].tolist() == [1.5]
    # unchanged across several versions
    out = recode_values(["FI1C3"], [2019], [5.0], 2013, 2021, kind="extensive")
    assert out["code"].tolist() == ["FI1C3"] and out["value"].tolist() == [5.0]


def test_what_cannot_be_recoded_is_flagged():
    out = recode_values(
        ["UKC11", "XX999", "HUXX", "FI1C6"],
        [2019] * 4,
        [1.0, 2.0, 3.0, 4.0],
        2016,
        2024,
        kind="extensive",
    )
    flags = dict(zip(out["code"].tolist(), zip(out["flag"].tolist(), out["note"].tolist())))
    assert (
        flags["UKC11"][0] == "not recodable" and "no counterpart in NUTS 2024" in flags["UKC11"][1]
    )
    assert flags["XX999"][0] == "not recodable" and "not a NUTS code" in flags["XX999"][1]
    assert "not regionalised" in flags["HUXX"][1]
    assert "not a NUTS 2016 code" in flags["FI1C6"][1] and "2024" in flags["FI1C6"][1]
    assert len(out["code"]) == 4  # nothing dropped


def test_bad_requests_are_refused():
    with pytest.raises(RecodeError, match="unknown NUTS version 2015"):
        recode_values(["HR04"], [2019], [1.0], 2015, 2021, kind="extensive")
    with pytest.raises(RecodeError, match="kind"):
        recode_values(["HR04"], [2019], [1.0], 2016, 2021, kind="additive")
    with pytest.raises(RecodeError, match="weight"):
        recode_values(["HR04"], [2019], [1.0], 2016, 2021, kind="extensive", weight="gdp")


def test_cli_recodes_a_real_eurostat_nuts2016_file_to_2024(fixtures, tmp_path):
    out = tmp_path / "out.csv"
    src = fixtures / "kpi/eurostat_tgs00096_population_nuts2016_subset.csv"
    r = CliRunner().invoke(
        main, ["recode", str(src), "--from", "2016", "--to", "2024", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    by = {(x["geo"], x["time"]): x for x in rows}
    assert (
        by[("HR02", "2019")]["method"] == "split" and by[("HR02", "2019")]["nuts_version"] == "2024"
    )
    hr = sum(float(by[(c, "2019")]["value"]) for c in ("HR02", "HR05", "HR06"))
    assert hr == pytest.approx(2_702_175.0)  # HR04 in 2019, tgs00096
    assert by[("NO08", "2019")]["method"] == "boundary change"
    assert by[("HUXX", "2019")]["recode_flag"] == "not recodable"
    # the country totals are kept: Norway 2019 before and after
    before = {
        (x["geo"], x["time"]): float(x["values"])
        for x in csv.DictReader(io.StringIO(src.read_text()))
    }
    no_before = sum(v for (g, t), v in before.items() if g.startswith("NO0") and t == "2019")
    no_after = sum(
        float(x["value"]) for x in rows if x["geo"].startswith("NO0") and x["time"] == "2019"
    )
    assert no_after == pytest.approx(no_before, rel=1e-5)


def test_cli_recode_bad_input_exits_non_zero(fixtures, tmp_path):
    src = fixtures / "kpi/eurostat_tgs00096_population_nuts2016_subset.csv"
    r = CliRunner().invoke(main, ["recode", str(src), "--from", "2015", "--to", "2024"])
    assert r.exit_code != 0 and "unknown NUTS version 2015" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("geo,time,value\nHR04,2019,abc\n")
    r = CliRunner().invoke(
        main, ["recode", str(bad), "--from", "2016", "--to", "2021", "--kind", "extensive"]
    )
    assert r.exit_code != 0 and "not a number" in r.output
    nounit = tmp_path / "nounit.csv"
    nounit.write_text("geo,time,value\nHR04,2019,1\n")
    r = CliRunner().invoke(main, ["recode", str(nounit), "--from", "2016", "--to", "2021"])
    assert r.exit_code != 0 and "--kind" in r.output


def test_cli_reads_eurostat_tsv_and_keeps_publisher_flags(tmp_path):
    # constructed file in the Eurostat SDMX-TSV layout (values not real)
    src = tmp_path / "constructed.tsv"
    src.write_text("unit,geo\\time\t2019 \t2020 \nNR,HR04\t100 p\t: \nNR,HR046\t5 e\t6 \n")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(
        main, ["recode", str(src), "--from", "2016", "--to", "2021", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    rows = {(x["geo"], x["time"]): x for x in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows[("HR02", "2019")]["input_flags"] == "p" and rows[("HR02", "2019")]["unit"] == "NR"
    assert rows[("HR061", "2019")]["input_flags"] == "e"
    assert (
        rows[("HR02", "2020")]["recode_flag"] == "incomplete"
        and rows[("HR02", "2020")]["value"] == ""
    )
