"""Readers of regional time series for recoding: Eurostat SDMX-TSV (bulk download), Eurostat
SDMX-CSV, and plain long CSV (``geo``/``code``, ``time``/``year``, ``value``).

Every other column (unit, sex, age, ...) is a dimension kept apart while recoding. Eurostat
flags (``p``, ``e``, ``b``; ``:`` for not available) are kept; a missing value stays missing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from regioatlas.model import InputError, RowError
from regioatlas.model.units import kind_of_unit
from regioatlas.sources.eurostat_tables import parse_value as parse_tsv_value
from regioatlas.sources.parsing import read_text

GEO_COLUMNS = ("geo", "nuts", "nuts_code", "code", "region")
TIME_COLUMNS = ("TIME_PERIOD", "time", "year", "period")
VALUE_COLUMNS = ("OBS_VALUE", "value", "values")
FLAG_COLUMNS = ("OBS_FLAG", "flag")
#: SDMX-CSV columns that describe the file, not the observation
SDMX_META = {
    "DATAFLOW",
    "STRUCTURE",
    "STRUCTURE_ID",
    "STRUCTURE_NAME",
    "LAST UPDATE",
    "CONF_STATUS",
    "freq",
}


@dataclass
class RegionSeries:
    """A long table of regional values with the names of its other dimensions."""

    codes: list[str]
    periods: list[str]
    values: np.ndarray
    keys: list[str]  # the other dimensions of each row, joined with ","
    flags: list[str]
    dimensions: list[str]
    layout: str
    errors: list[RowError] = field(default_factory=list)


def read_region_series(path: Path | str) -> RegionSeries:
    """Read a regional series in any of the three layouts.

    Raises
    ------
    InputError
        When no layout fits, or a row cannot be read (the errors name file, line and column).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("geo,time,value\\nHR04,2019,100\\n")
    >>> s = read_region_series(p)
    >>> s.codes, s.periods, s.values.tolist(), s.layout
    (['HR04'], ['2019'], [100.0], 'long CSV')
    """
    path = Path(path)
    text = read_text(path)
    first = text.split("\n", 1)[0]
    if "\\" in first.split("\t")[0] and "\t" in first:
        series = _read_tsv(str(path), text)
    else:
        series = _read_csv(str(path), text)
    if series.errors:
        raise InputError(series.errors)
    if not series.codes:
        raise InputError(RowError(str(path), None, None, "no values in the file"))
    return series


def _read_tsv(name: str, text: str) -> RegionSeries:
    lines = text.splitlines()
    head = lines[0].split("\t")
    dims_part = head[0].split("\\")[0]
    dims = [d.strip() for d in dims_part.split(",")]
    if "geo" not in dims:
        raise InputError(RowError(name, 1, head[0], "a Eurostat TSV needs a geo dimension"))
    gi = dims.index("geo")
    periods = [h.strip() for h in head[1:]]
    out = RegionSeries(
        [], [], np.array([]), [], [], [d for d in dims if d != "geo"], "Eurostat SDMX-TSV"
    )
    vals: list[float] = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(head):
            out.errors.append(
                RowError(name, n, None, f"{len(cells)} cells, header has {len(head)}")
            )
            continue
        d = cells[0].split(",")
        if len(d) != len(dims):
            out.errors.append(
                RowError(name, n, head[0], f"expected {len(dims)} dimensions", cells[0])
            )
            continue
        geo = d[gi].strip()
        key = ",".join(x for i, x in enumerate(d) if i != gi)
        for period, cell in zip(periods, cells[1:]):
            try:
                value, flag = parse_tsv_value(cell)
            except ValueError as exc:
                out.errors.append(RowError(name, n, period, str(exc), cell))
                continue
            out.codes.append(geo)
            out.periods.append(period)
            out.keys.append(key)
            out.flags.append(flag or "")
            vals.append(np.nan if value is None else value)
    out.values = np.asarray(vals, dtype=np.float64)
    return out


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    low = {h.lower(): h for h in header}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def _read_csv(name: str, text: str) -> RegionSeries:
    sample = text[:4096]
    delim = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise InputError(RowError(name, None, None, "the file is empty")) from None
    geo, time, value = (
        _pick(header, GEO_COLUMNS),
        _pick(header, TIME_COLUMNS),
        _pick(header, VALUE_COLUMNS),
    )
    if not (geo and time and value):
        raise InputError(
            RowError(
                name,
                1,
                None,
                "not a regional series: needs a NUTS code column (geo), a period column "
                "(time, year or TIME_PERIOD) and a value column (value or OBS_VALUE), "
                "or the Eurostat TSV layout",
            )  # fmt: skip
        )
    flag = _pick(header, FLAG_COLUMNS)
    sdmx = value == "OBS_VALUE"
    skip = {geo, time, value, flag} | (SDMX_META if sdmx else set())
    # SDMX-CSV "labels: both" writes a label column after each code column: keep codes only
    dims = [h for h in header if h not in skip and not (sdmx and re.search(r"[ ()]", h))]
    idx = {h: i for i, h in enumerate(header)}
    out = RegionSeries(
        [], [], np.array([]), [], [], dims, "Eurostat SDMX-CSV" if sdmx else "long CSV"
    )
    vals: list[float] = []
    for n, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            out.errors.append(
                RowError(name, n, None, f"{len(row)} cells, header has {len(header)}")
            )
            continue
        raw = row[idx[value]].strip()
        f = row[idx[flag]].strip() if flag else ""
        if raw in ("", ":", "NA", "NaN"):
            v = np.nan
            f = f or ":"
        else:
            try:
                parsed, tsv_flag = parse_tsv_value(raw)
                f = f or (tsv_flag or "")
            except ValueError:
                out.errors.append(RowError(name, n, value, "not a number", raw))
                continue
            v = np.nan if parsed is None else parsed
        out.codes.append(row[idx[geo]].strip())
        out.periods.append(row[idx[time]].strip())
        out.keys.append(",".join(row[idx[d]].strip() for d in dims))
        out.flags.append(f)
        vals.append(v)
    out.values = np.asarray(vals, dtype=np.float64)
    return out


def infer_kind(series: RegionSeries) -> str | None:
    """``extensive`` or ``intensive`` from the Eurostat ``unit`` dimension; None when unsure."""
    if "unit" not in series.dimensions:
        return None
    ui = series.dimensions.index("unit")
    kinds = {kind_of_unit(k.split(",")[ui]) for k in series.keys}
    return kinds.pop() if len(kinds) == 1 else None


def write_recoded(out, series: RegionSeries, result: dict, meta: dict) -> int:
    """Write recoded rows as long CSV: dimensions, geo, time, value, the publisher's flags of the
    source values (``input_flags``), the NUTS version, the method and the recoding flag."""
    published = {
        (c, k, p): f
        for c, k, p, f in zip(series.codes, series.keys, series.periods, series.flags)
        if f
    }
    header = ["geo", "time", "value", "input_flags", "nuts_version", "method", "weight"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*series.dimensions, *header, "kind", "sources", "recode_flag", "note"])
    n = 0
    for i in range(len(result["code"])):
        key = str(result["key"][i])
        period = str(result["period"][i])
        dims = key.split(",") if series.dimensions else []
        v = result["value"][i]
        method = result["method"][i]
        sources = [x.split("×")[0] for x in str(result["sources"][i]).split("+")]
        flags = sorted({published.get((c, key, period), "") for c in sources} - {""})
        flagged = result["flag"][i] == "not recodable"
        weighted = method not in ("", "unchanged", "renamed", "recoded")
        w.writerow(
            [
                *dims,
                result["code"][i],
                period,
                "" if np.isnan(v) else f"{v:.10g}",
                "".join(flags),
                meta["from_version"] if flagged else meta["to_version"],
                method,
                meta["weight"] if weighted else "",
                meta["kind"],
                result["sources"][i],
                result["flag"][i],
                result["note"][i],
            ]
        )
        n += 1
    return n
