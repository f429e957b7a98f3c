"""Copy the real data subsets the KPI features use into src/regioatlas/data/kpi/.

Every data file is a real published file or a row/column subset of one (no value changed);
src/regioatlas/data/kpi/README.md names origin, licence, attribution and the subset.
The hand-written definition files are not built here: they carry their sources inside
(``measures.json``, the one catalogue of scorecard indicators, KPIs and Digital Decade
targets; ``air_quality.json``, the pollutants, indices and standards). The Compass's
population by broad age group is a demo dataset (``tools/build_demo_data.py``).
Run: ``python tools/build_kpi_data.py [../shared/data]``.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src/regioatlas/data/kpi"

#: DESI indicators kept for the Digital Compass (2022 edition series and the 2026 country profile).
DESI_2022 = {
    "desi_hc_bds",  # at least basic digital skills, % individuals 16-74
    "desi_hc_ictspec",  # ICT specialists, % of employment
    "desi_vhcnc",  # VHCN (gigabit) coverage, % households
    "desi_fttpc",  # FTTP coverage, % households
    "desi_5gc",  # 5G coverage, % populated areas
    "desi_idt_cloud",
    "desi_idt_ai",
    "desi_idt_bigdat",
    "desi_idt_smedi",  # SMEs with at least basic digital intensity
    "desi_dps_pscit",
    "desi_dps_psbiz",
}
DESI_2026 = {
    "desi_dsk_bab",
    "desi_vhcn",
    "desi_fttp",
    "desi_5gcov",
    "desi_cloud",
    "desi_ai",
    "desi_da",
    "desi_ai_cloud_da",
    "desi_sme_di3_gelo",
    "desi_dps_cit",
    "desi_dps_biz",
    "desi_aehr",
    "desi_ict_spec",
    "desi_unicorns",
}


def _gzip_copy(src: Path, dest: Path) -> None:
    # mtime=0 keeps the bytes identical between builds
    with (
        src.open("rb") as f,
        dest.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as g,
    ):
        shutil.copyfileobj(f, g)


def _gzip_writer(dest: Path):
    raw = dest.open("wb")
    g = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
    return raw, g


def build_air_quality(shared: Path) -> None:
    """The four real EEA hourly PM2.5 files of Berlin (Jan-Apr 2021), gzipped unchanged."""
    src = shared / "air_quality_eea"
    for path in sorted(src.glob("DE_6001_*_2021_timeseries.csv")):
        _gzip_copy(path, OUT / f"{path.name}.gz")


def build_desi(shared: Path) -> None:
    """DESI 2022 edition (2017-2022) raw-unit rows and the 2026 country profile, selected KPIs."""
    src = shared / "digital_decade_desi"
    rows: list[list[str]] = []
    with (src / "desi_2017_2022_country_indicators.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["indicator"] in DESI_2022 and not r["unit_measure"].startswith("pc_desi"):
                if r["value"] == "":
                    continue
                rows.append(
                    [
                        "desi_2022_edition",
                        r["indicator"],
                        r["breakdown"],
                        r["unit_measure"],
                        r["ref_area"],
                        r["time_period"],
                        r["value"],
                        r["flag"],
                    ]
                )
    with (src / "digital_decade_kpis_desi2026_country_profile.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["indicator"] in DESI_2026:
                rows.append(
                    [
                        "desi_2026_country_profile",
                        r["indicator"],
                        r["breakdown"],
                        r["unit"],
                        r["country"],
                        r["period"],
                        r["value"],
                        r["flags"],
                    ]
                )
    with (OUT / "desi_country_kpis.csv").open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["file", "indicator", "breakdown", "unit", "country", "period", "value", "flag"])
        w.writerows(rows)


def build_regional_context(shared: Path) -> None:
    """Regional digital statistics: households with broadband (tgs00049), daily internet users."""
    rows = []
    path = shared / "eurostat_regional/eurostat_indicators_nuts0_nuts2_2000_2020.csv"
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["input_var_code"] == "tgs00049" and r["values"] not in ("", "NA"):
                rows.append(["tgs00049", r["unit"], r["geo"], r["time"], r["values"]])
    path = (
        shared
        / "eurostat_regional_nuts2_2013_2024/isoc_r_iuse_i_daily_internet_users_2006_2019.csv"
    )
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["values"] not in ("", "NA"):
                rows.append(["isoc_r_iuse_i_I_IDAY", "PC_IND", r["geo"], r["time"], r["values"]])
    with (OUT / "eurostat_regional_digital.csv").open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["table", "unit", "geo", "year", "value"])
        w.writerows(rows)


def build_nuts_mass(shared: Path) -> None:
    """Population 2021 (GHS-POP) and area of every code of every version (JRC identity rows).

    Recoding an intensive variable through a merge weights each source by the population (or
    area) it brings: share of the source x the source's total, which these totals give.
    """
    out: dict[str, list] = {"version": [], "code": [], "pop21": [], "area_km2": []}
    path = shared / "nuts_codes/jrc_nuts_crosswalks_2006_2024.csv"
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            if r["from_version"] == r["to_version"] and r["from_code"] == r["to_code"]:
                out["version"].append(int(r["from_version"]))
                out["code"].append(r["from_code"])
                out["pop21"].append(float(r["pop21"] or 0))
                out["area_km2"].append(float(r["areaKm"] or 0))
    table = pa.table(
        {
            "version": pa.array(out["version"], pa.int16()),
            "code": out["code"],
            "pop21": pa.array(out["pop21"], pa.float64()),
            "area_km2": pa.array(out["area_km2"], pa.float64()),
        }
    )
    pq.write_table(table, OUT / "nuts_mass.parquet", compression="zstd")


def build_test_fixtures(shared: Path) -> None:
    """tests/fixtures/kpi: a real NUTS 2016 Eurostat table (tgs00096, population on 1 January
    by NUTS 2) for FI, HR, HU, IE, LT and NO, 2016-2019, and the official 2016->2021 change
    table rows of the changes the tests check."""
    dest = REPO / "tests/fixtures/kpi"
    dest.mkdir(parents=True, exist_ok=True)
    path = shared / "eurostat_regional/eurostat_indicators_nuts0_nuts2_2000_2020.csv"
    with (
        path.open(newline="") as f,
        (dest / "eurostat_tgs00096_population_nuts2016_subset.csv").open(
            "w", newline="", encoding="utf-8"
        ) as out,
    ):
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["unit", "geo", "time", "values", "input_var_code"])
        for r in csv.DictReader(f):
            if (
                r["input_var_code"] == "tgs00096"
                and r["geo"][:2] in ("FI", "HR", "HU", "IE", "LT", "NO")
                and 2016 <= int(r["time"]) <= 2019
            ):
                w.writerow([r["unit"], r["geo"], r["time"], r["values"], r["input_var_code"]])
    keep = {"BE100", "EL421", "HR04", "HR046", "BE324", "BE327", "BE328", "NO021", "NO022", "NO020"}
    path = shared / "nuts_codes/nuts2016_to_2021_changes.csv"
    with (
        path.open(newline="") as f,
        (dest / "nuts2016_to_2021_changes_subset.csv").open(
            "w", newline="", encoding="utf-8"
        ) as out,
    ):
        reader = csv.DictReader(f)
        w = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
        w.writeheader()
        for r in reader:
            if r["code_2016"] in keep or r["code_2021"] in keep:
                w.writerow(r)


def main(shared: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    build_air_quality(shared)
    build_desi(shared)
    build_regional_context(shared)
    build_nuts_mass(shared)
    build_test_fixtures(shared)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data")
