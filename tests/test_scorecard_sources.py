"""Eurostat readers on real files: values, flags, missing values, NUTS versions, bad files."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.demo import demo_file
from regioatlas.ingest import ingest
from regioatlas.model import InputError
from regioatlas.sources.eurostat_tables import (
    parse_value,
    read_eurostat_csv,
    read_eurostat_tsv,
    read_sdmx_csv,
)
from regioatlas.sources.registry import recognise
from regioatlas.store import open_store


def _raw_tsv_cell(path, series_start: str, year: int) -> str:
    """The cell as written in the file, found with plain string handling (no reader code)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        head = f.readline().split("\t")
        years = [h.strip() for h in head]
        for line in f:
            if line.startswith(series_start + "\t"):
                return line.rstrip("\n").split("\t")[years.index(str(year))]
    raise AssertionError(f"{series_start} not in {path}")


def _fig(figures, code, year):
    return next(f for f in figures if f.nuts_code == code and f.year == year)


def test_bulk_tsv_values_equal_the_file():
    path = demo_file("estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz")
    r = read_eurostat_tsv(path)
    assert r.errors == []
    raw = _raw_tsv_cell(path, "A,PPS_EU27_2020_HAB,FI1C3", 2021)
    f = _fig(r.figures, "FI1C3", 2021)
    assert f.value == float(raw.split()[0]) == 28300.0
    assert f.indicator == "nama_10r_3gdp/A.PPS_EU27_2020_HAB" and f.unit == "PPS_EU27_2020_HAB"
    assert f.nuts_version == 2021  # the May 2024 table is in NUTS 2021 (inferred from its codes)


def test_flags_and_missing_values_survive():
    r = read_eurostat_tsv(demo_file("estat_nama_10r_3gdp_2024-05_pps_hab.tsv.gz"))
    de = _fig(r.figures, "DE", 2022)
    assert (de.value, de.flag) == (41300.0, "p")
    el = _fig(r.figures, "EL", 2010)
    assert (el.value, el.flag) == (21100.0, "b")
    gap = _fig(r.figures, "FI1C3", 2022)  # ":" in the file: kept as missing, not dropped or 0
    assert gap.value is None and gap.flag == ":"


def test_older_bulk_layout_with_descending_years(fixtures):
    r = read_eurostat_tsv(fixtures / "scorecard/nama_10r_3gdp_FI_AT.tsv")
    assert r.errors == []
    f = _fig([x for x in r.figures if x.indicator == "nama_10r_3gdp/PPS_HAB"], "FI19", 2013)
    assert (f.value, f.flag) == (27100.0, "e")
    assert f.nuts_version == 2013 and f.unit == "PPS_HAB"


def test_sdmx_csv_keeps_flags_and_empty_observations():
    path = demo_file("eurostat_tgs00109_tertiary_education_25_64.csv.gz")
    r = read_sdmx_csv(path)
    assert r.errors == []
    f = _fig(r.figures, "AT11", 2014)
    assert (f.value, f.flag) == (25.7, "b")
    assert f.indicator == "tgs00109/A.PC.ED5-8.Y25-64.T" and f.unit == "PC"
    gerd = read_sdmx_csv(demo_file("eurostat_tgs00042_gerd_rd_expenditure.csv.gz"))
    missing = [x for x in gerd.figures if x.value is None]
    assert missing and all(x.flag and x.flag.startswith(":") for x in missing)


def test_long_csv_layouts():
    ryb = read_eurostat_csv(demo_file("ryb2026_regional_indicators_ch04m3.csv.gz"))
    f = _fig([x for x in ryb.figures if x.indicator == "ryb2026/CH04M3C"], "FI1C", 2025)
    assert f.value == 88.6 and f.unit == "PC"
    assert "skipped countries outside NUTS" in ryb.recognised_as  # MD, GE are not NUTS
    mig = read_eurostat_csv(
        demo_file("ure2026_net_migration_crude_rate_avg_2015_2024_nuts3.csv.gz")
    )
    f = _fig(mig.figures, "FI1C6", 2024)
    assert f.value == 2.6 and f.indicator == "ure2026/CNMIGRATRT_AVG_2015_2024"
    assert any(x.value is None and x.flag == ":" for x in mig.figures)
    inc = read_eurostat_csv(demo_file("eurostat_indicators_nuts2_tgs00026_tgs00096.csv.gz"))
    assert {x.indicator for x in inc.figures} == {"tgs00026/PPS_HAB.B6N.BAL", "tgs00096/NR.T.TOTAL"}


def test_sources_are_recognised():
    for name, source in (
        ("estat_demo_r_pjanaggr3_age_groups.tsv.gz", "eurostat-tsv"),
        ("eurostat_tgs00007_employment_rate.csv.gz", "eurostat-sdmx-csv"),
        ("pat_ep_rtot_patents_p_mhab_2008_2012.csv.gz", "eurostat-csv"),
    ):
        found, _ = recognise([demo_file(name)])
        assert found.name == source


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("unit;geo\\time\t2014\nPPS_HAB;FI\t1\n", "not a Eurostat TSV header"),
        ("unit,geo\\time\t2014 \t2013Q1\nPPS_HAB,FI\t1\t2\n", "not a year"),
    ],
)
def test_malformed_header_is_a_file_error(tmp_path, text, reason):
    # constructed input (a broken copy of the real layout), not data
    path = tmp_path / "broken.tsv"
    path.write_text(text)
    with pytest.raises(InputError, match=reason):
        read_eurostat_tsv(path)


def test_malformed_rows_are_reported_and_nothing_is_written(tmp_path):
    # constructed input: two real lines of nama_10r_3gdp, one with a decimal comma, one short
    path = tmp_path / "nama_10r_3gdp_broken.tsv"
    path.write_text(
        "unit,geo\\time\t2014 \t2013 \n"
        "PPS_HAB,FI19\t27200 \t27100 e\n"
        "PPS_HAB,FI1B\t45,5 \t44400 \n"
        "PPS_HAB,FI1C\t26400 \n"
    )
    r = read_eurostat_tsv(path)
    assert [(e.line, e.column) for e in r.errors] == [(3, "2014"), (4, None)]
    assert "not a Eurostat value" in r.errors[0].reason
    with open_store(str(tmp_path / "s.duckdb")) as store:
        with pytest.raises(InputError):
            ingest(store, "eurostat-tsv", [path])
        assert store.datasets() == []
    out = CliRunner().invoke(
        main, ["ingest", "eurostat-tsv", str(path), "--store", str(tmp_path / "c.duckdb")]
    )
    assert out.exit_code != 0 and "line 3" in out.output


def test_parse_value_refuses_text():
    assert parse_value("12.5 bu") == (12.5, "bu")
    assert parse_value(": c") == (None, ":c")
    for bad in ("12,5", "n.a.", "1 2"):
        with pytest.raises(ValueError):
            parse_value(bad)


def test_ingested_figures_keep_dataset_unit_year_version_flag(demo_store_path):
    with open_store(str(demo_store_path), read_only=True) as store:
        figs = store.figures("nama_10r_3gdp/A.PPS_EU27_2020_HAB", codes=["DE"])
        de = {f.year: f for f in figs}
        assert (de[2022].value, de[2022].flag, de[2022].unit) == (41300.0, "p", "PPS_EU27_2020_HAB")
        pop = store.figures("demo_r_pjanaggr3/A.NR.T.TOTAL", codes=["FI1C3"])
        assert pop and all(f.nuts_version == 2021 for f in pop)  # discontinued code, stated in 2021
