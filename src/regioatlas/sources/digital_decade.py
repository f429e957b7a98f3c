"""Readers of the Digital Compass inputs shipped in ``regioatlas/data/kpi`` (or given paths):
DESI / Digital Decade country values, Eurostat population by broad age group, and regional
digital statistics (households with broadband, daily internet users)."""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from importlib import resources

from regioatlas.sources.eurostat_tables import parse_value as parse_tsv_value

ATTRIBUTION = {
    "desi": "Source: European Commission, Digital Decade / DESI",
    "eurostat": "Source: Eurostat",
}


def _open_text(name: str) -> str:
    path = resources.files("regioatlas.data").joinpath("kpi", name)
    raw = path.read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


@lru_cache(maxsize=1)
def desi_rows() -> list[dict]:
    """Rows of ``desi_country_kpis.csv`` (file, indicator, breakdown, unit, country, period, value)."""
    return list(csv.DictReader(io.StringIO(_open_text("desi_country_kpis.csv"))))


def desi_countries() -> list[str]:
    return sorted({r["country"] for r in desi_rows() if r["period"] != "2030"})


def desi_series(country: str, file: str, indicator: str) -> list[tuple[int, float, str]]:
    """(edition year, value, flag) of one indicator and country, oldest first.

    The 2022-edition file names editions 2017..2022; the 2026 profile names its period
    ``desi_2026`` (edition 2026).
    """
    out = []
    for r in desi_rows():
        if r["file"] == file and r["indicator"] == indicator and r["country"] == country:
            period = r["period"].replace("desi_", "")
            if not period.isdigit() or r["period"] == "2030" or r["value"] == "":
                continue
            out.append((int(period), float(r["value"]), r["flag"]))
    return sorted(out)


@lru_cache(maxsize=1)
def population_by_age() -> dict[str, dict[int, dict[str, float]]]:
    """geo -> year -> {TOTAL, Y_LT15, Y15-64, Y_GE65} (persons, Eurostat demo_r_pjanaggr3)."""
    text = _open_text("estat_demo_r_pjanaggr3_T_broad_age_2019_2025.tsv.gz")
    lines = text.splitlines()
    years = [int(h.strip()) for h in lines[0].split("\t")[1:]]
    out: dict[str, dict[int, dict[str, float]]] = {}
    for line in lines[1:]:
        cells = line.split("\t")
        _freq, _unit, _sex, age, geo = cells[0].split(",")
        for year, cell in zip(years, cells[1:]):
            value, _flag = parse_tsv_value(cell)
            if value is not None:
                out.setdefault(geo, {}).setdefault(year, {})[age] = value
    return out


@lru_cache(maxsize=1)
def regional_digital() -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(table, geo) -> [(year, value)] for tgs00049 and isoc_r_iuse_i (daily internet users)."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for r in csv.DictReader(io.StringIO(_open_text("eurostat_regional_digital.csv"))):
        out.setdefault((r["table"], r["geo"]), []).append((int(r["year"]), float(r["value"])))
    for v in out.values():
        v.sort()
    return out
