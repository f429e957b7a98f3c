"""Readers of Eurostat statistics as published: the bulk TSV, SDMX-CSV and long CSV extracts.

Every value becomes a ``RegionFigure`` that keeps what a statistician needs to trust it:

* ``indicator`` is the *series id* ``"<dataset>/<key>"``: the Eurostat dataset code (lower
  case) and the SDMX series key without the geo dimension, dimension codes joined by ``.`` in
  the file's order, e.g. ``"tgs00109/A.PC.ED5-8.Y25-64.T"`` or ``"nama_10r_3gdp/A.PPS_EU27_2020_HAB"``;
* ``unit`` is the code of the ``unit`` dimension (or the unit the layout documents);
* ``year``, ``nuts_version`` (see ``infer_nuts_version``) and ``flag`` (``p``, ``e``, ``b``, ...).

A missing value (``:`` in TSV, an empty ``OBS_VALUE``) is kept as a figure with ``value=None``
and flag ``":"`` (or ``":c"`` etc. when the publisher gave a reason), so that "not published"
stays distinguishable from "not in the file". Aggregates (EU27_2020, EA20, ...) and
"not regionalised" codes (``FIXX``) are skipped: they are not regions; so are countries outside
the NUTS classification (JP, US, ...), which the reader names in ``recognised_as``.

Layouts:

* **bulk TSV**: first header cell ``unit,geo\\time`` (older bulk download) or
  ``freq,unit,geo\\TIME_PERIOD`` (SDMX-TSV), then one column per year, in any order;
  a value may carry flags after a blank (``"1234 p"``).
* **SDMX-CSV**: 1.0 (``DATAFLOW,LAST UPDATE,freq,...,OBS_VALUE,OBS_FLAG``) and 2.0
  (``STRUCTURE,STRUCTURE_ID,...``), with or without label columns.
* **long CSV** extracts of Eurostat tables in ``eurostat_regional`` style: columns ``geo``, a time
  column (``time``/``TIME_PERIOD``/``reference_year``), a value column (``values``/``value``/
  ``OBS_VALUE``) and any dimension columns; the dataset code comes from an ``input_var_code`` or
  ``indicator_id`` column, else from the file name (``tgs00026_...csv`` -> ``tgs00026``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from regioatlas.model import InputError, RegionFigure, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import iter_csv_rows, read_text
from regioatlas.sources.tables import first_line

_VALUE = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z@]*)$")
_AGGREGATE = re.compile(r"^(EU|EA|EFTA|EEA|EL_|EXT_|NMS|CC)\d*")
_CODE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_EUROSTAT = "Eurostat"
_LICENCE = "© European Union, re-use authorised with acknowledgement (CC BY 4.0)"
_ATTRIBUTION = "Source: Eurostat"


def parse_value(cell: str) -> tuple[float | None, str | None]:
    """A Eurostat cell as (value, flag): ``"1234 p"`` -> (1234.0, "p"); ``":"`` -> (None, ":").

    Raises ValueError for anything else (text, a comma decimal), so nothing is silently read
    as missing.

    Example
    -------
    >>> parse_value("28300 p")
    (28300.0, 'p')
    >>> parse_value(": c")
    (None, ':c')
    """
    s = cell.strip()
    if s == "" or s == ":":
        return None, ":"
    if s.startswith(":"):
        flag = s.replace(" ", "")
        if not re.fullmatch(r":[a-zA-Z@]+", flag):
            raise ValueError(f"not a Eurostat value: {cell!r}")
        return None, flag
    m = _VALUE.match(s)
    if not m:
        raise ValueError(f"not a Eurostat value: {cell!r}")
    return float(m.group(1)), (m.group(2) or None)


def is_region(geo: str) -> bool:
    """A NUTS region code, not an aggregate (EU27_2020) or a "not regionalised" code (FIXX)."""
    if _AGGREGATE.match(geo) or not _CODE.match(geo):
        return False
    return not (len(geo) > 2 and set(geo[2:]) == {"X"})


def infer_nuts_version(codes, registry=None) -> int:
    """The NUTS version in which most of the codes are valid (the latest one on a tie).

    Eurostat tables do not state their NUTS version; a table is published in one version and
    keeps discontinued codes for past years. The ingest then states each code that is not valid
    in the inferred version in the latest version it belongs to.

    Example
    -------
    >>> infer_nuts_version(["FI1C3", "FI1C4", "FI1B1"])
    2021
    """
    from regioatlas.geo.nuts import NutsRegistry

    registry = registry or NutsRegistry.default()
    counts: Counter[int] = Counter()
    for code in set(codes):
        for v in registry.versions_of(code):
            counts[v] += 1
    if not counts:
        return 2024
    best = max(counts.values())
    return max(v for v, n in counts.items() if n == best)


def dataset_from_filename(path: Path) -> str:
    """``estat_nama_10r_3gdp_2024-05.tsv`` -> ``nama_10r_3gdp``; ``tgs00026_x.csv`` -> ``tgs00026``."""
    stem = path.name.split(".")[0].lower()
    stem = re.sub(r"^(estat_|eurostat_)", "", stem)
    m = re.match(r"^(tgs\d{5}|tps\d{5}|tec\d{5}|tag\d{5})", stem)
    if m:
        return m.group(1)
    for known in KNOWN_DATASETS:
        if stem.startswith(known):
            return KNOWN_DATASETS[known]
    # drop a trailing vintage such as _2024-05 or _2008_2012
    return re.sub(r"(_\d{4}(-\d{2})?)+$", "", stem)


#: file-name prefixes of known extracts whose name is not the dataset code
KNOWN_DATASETS = {
    "nama_10r_3gdp": "nama_10r_3gdp",
    "nama_10r_3popgdp": "nama_10r_3popgdp",
    "demo_r_pjanaggr3": "demo_r_pjanaggr3",
    "pat_ep_rtot": "pat_ep_rtot",
    "rd_personnel_fte": "rd_p_persreg",
    "ryb2026": "ryb2026",
}


def _figures_with_version(result: ReadResult, version: int | None) -> None:
    """State every figure in ``version``, else in the version inferred from the codes that have
    a value in the latest year of the file (a current table keeps discontinued codes for the
    past; the current classification is the one of its latest year)."""
    from regioatlas.geo.nuts import NutsRegistry

    registry = NutsRegistry.default()
    # countries outside the NUTS classification (JP, US, MD, ...) are not regions: skip them
    outside = {f.nuts_code for f in result.figures if len(f.nuts_code) == 2} - {
        c
        for c in {f.nuts_code for f in result.figures if len(f.nuts_code) == 2}
        if registry.versions_of(c)
    }
    if outside:
        result.figures = [f for f in result.figures if f.nuts_code not in outside]
        result.recognised_as += f" (skipped countries outside NUTS: {', '.join(sorted(outside))})"
    valued = [f for f in result.figures if f.value is not None and f.year is not None]
    per_year = Counter(f.year for f in valued if f.year is not None)
    top = max(per_year.values(), default=0)
    latest = max((y for y, n in per_year.items() if n >= top / 2), default=None)
    codes = {f.nuts_code for f in valued if f.year == latest} or {
        f.nuts_code for f in result.figures
    }
    v = version or infer_nuts_version(codes, registry)
    for f in result.figures:
        f.nuts_version = v


def _value_and_flag(raw: str, flag: str | None) -> tuple[float | None, str | None]:
    """A value cell plus a separate flag cell (SDMX-CSV, long CSV) as (value, flag).

    An empty cell (or R's ``NA``) is a missing value: flag ``":"``, or ``":c"`` when the flag
    cell gives a reason ``c``.
    """
    if raw in ("", "NA", ":"):
        if flag and flag.startswith(":"):
            return None, flag
        return None, ":" + (flag or "")
    value, inline = parse_value(raw)
    return value, flag or inline


# --------------------------------------------------------------------------- bulk TSV


def read_eurostat_tsv(path: Path, *, nuts_version: int | None = None) -> ReadResult:
    """Read a Eurostat bulk TSV (``unit,geo\\time`` or SDMX-TSV ``freq,...,geo\\TIME_PERIOD``).

    Returns figures for every region cell, missing ones included (``value=None``, flag ``:``);
    row problems (wrong number of cells, a value that is not a Eurostat value) are RowErrors;
    a header that is not a Eurostat TSV header raises InputError.

    Example
    -------
    >>> r = read_eurostat_tsv(Path("estat_nama_10r_3gdp.tsv"))  # doctest: +SKIP
    >>> r.figures[0].indicator  # doctest: +SKIP
    'nama_10r_3gdp/A.EUR_HAB'
    """
    text = read_text(path)
    lines = text.splitlines()
    head = lines[0].split("\t")
    first = head[0].strip()
    m = re.fullmatch(r"([a-zA-Z0-9_,]+)\\(time|TIME_PERIOD)", first)
    if not m or "geo" not in m.group(1).split(",") or m.group(1).split(",")[-1] != "geo":
        raise InputError(
            RowError(
                str(path),
                1,
                first[:60],
                "not a Eurostat TSV header: the first cell must be the dimensions ending in "
                "'geo' then '\\time' or '\\TIME_PERIOD' (e.g. 'unit,geo\\time')",
            )
        )
    dims = m.group(1).split(",")
    try:
        years = [int(h.strip()) for h in head[1:]]
    except ValueError:
        bad = next(h for h in head[1:] if not h.strip().isdigit())
        raise InputError(
            RowError(
                str(path), 1, bad.strip(), "a time column that is not a year (annual data only)"
            )
        ) from None
    if not years:
        raise InputError(RowError(str(path), 1, None, "no year columns"))
    dataset = dataset_from_filename(path)
    unit_at = dims.index("unit") if "unit" in dims else None
    result = ReadResult(recognised_as=f"Eurostat bulk TSV of {dataset} ({first})")
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(head):
            result.errors.append(
                RowError(
                    str(path), n, None, f"row has {len(cells)} cells, the header has {len(head)}"
                )
            )
            continue
        keys = cells[0].strip().split(",")
        if len(keys) != len(dims):
            result.errors.append(
                RowError(str(path), n, first, f"expected {len(dims)} dimensions", cells[0])
            )
            continue
        geo = keys[-1]
        if not is_region(geo):
            continue
        series = f"{dataset}/{'.'.join(keys[:-1])}"
        unit = keys[unit_at] if unit_at is not None else ""
        for year, cell in zip(years, cells[1:]):
            try:
                value, flag = parse_value(cell)
            except ValueError as exc:
                result.errors.append(RowError(str(path), n, str(year), str(exc), cell))
                continue
            result.figures.append(RegionFigure(series, geo, 0, value, unit, year, flag, n))
    _figures_with_version(result, nuts_version)
    return result


# --------------------------------------------------------------------------- SDMX-CSV

_SDMX_META = {"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "DATAFLOW", "LAST UPDATE", "ACTION"}
_SDMX_OBS = {"OBS_VALUE", "OBS_FLAG", "CONF_STATUS", "OBS_STATUS"}


def read_sdmx_csv(path: Path, *, nuts_version: int | None = None) -> ReadResult:
    """Read a Eurostat SDMX-CSV file (1.0 or 2.0, with or without label columns).

    The dataset code comes from ``STRUCTURE_ID``/``DATAFLOW`` (``ESTAT:TGS00109(1.0)`` ->
    ``tgs00109``); dimension columns are the lower-case id columns between it and
    ``TIME_PERIOD`` (label columns such as ``Time frequency`` are ignored).

    Example
    -------
    >>> r = read_sdmx_csv(Path("eurostat_tgs00109_tertiary_education_25_64.csv"))  # doctest: +SKIP
    >>> r.figures[0].indicator  # doctest: +SKIP
    'tgs00109/A.PC.ED5-8.Y25-64.T'
    """
    text = read_text(path)
    rows = iter_csv_rows(text, ",")
    _, header = next(rows)
    header = [h.strip() for h in header]
    struct = next((h for h in ("STRUCTURE_ID", "DATAFLOW") if h in header), None)
    missing = [c for c in ("geo", "TIME_PERIOD", "OBS_VALUE") if c not in header]
    if struct is None or missing:
        raise InputError(
            RowError(
                str(path),
                1,
                ", ".join(missing) or "STRUCTURE_ID",
                "not an SDMX-CSV file: it needs STRUCTURE_ID (or DATAFLOW), geo, TIME_PERIOD and "
                "OBS_VALUE columns",
            )
        )
    i_struct, i_geo = header.index(struct), header.index("geo")
    i_time, i_value = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    i_flag = header.index("OBS_FLAG") if "OBS_FLAG" in header else None
    dims = [
        i
        for i, h in enumerate(header[:i_time])
        if h not in _SDMX_META and re.fullmatch(r"[a-z][a-z0-9_]*", h) and h != "geo"
    ]
    i_unit = header.index("unit") if "unit" in header else None
    result = ReadResult()
    dataset = None
    for n, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.errors.append(
                RowError(
                    str(path), n, None, f"row has {len(cells)} cells, the header has {len(header)}"
                )
            )
            continue
        sid = cells[i_struct]
        m = re.search(r"[:]?([A-Za-z0-9_]+)\(", sid) or re.search(r"([A-Za-z0-9_]+)$", sid)
        ds = m.group(1).lower() if m else dataset_from_filename(path)
        dataset = dataset or ds
        geo = cells[i_geo].strip()
        if not is_region(geo):
            continue
        try:
            year = int(cells[i_time].strip())
        except ValueError:
            result.errors.append(
                RowError(
                    str(path), n, "TIME_PERIOD", "not a year (annual data only)", cells[i_time]
                )
            )
            continue
        raw = cells[i_value].strip()
        flag = (cells[i_flag].strip() or None) if i_flag is not None else None
        try:
            value, flag = _value_and_flag(raw, flag)
        except ValueError as exc:
            result.errors.append(RowError(str(path), n, "OBS_VALUE", str(exc), raw))
            continue
        series = f"{ds}/{'.'.join(cells[i].strip() for i in dims)}"
        unit = cells[i_unit].strip() if i_unit is not None else ""
        result.figures.append(RegionFigure(series, geo, 0, value, unit, year, flag, n))
    result.recognised_as = f"Eurostat SDMX-CSV of {dataset or dataset_from_filename(path)}"
    _figures_with_version(result, nuts_version)
    return result


# --------------------------------------------------------------------------- long CSV

_TIME = ("time", "TIME_PERIOD", "reference_year")
_VALUES = ("values", "value", "OBS_VALUE")
_FLAGS = ("flag", "OBS_FLAG")
_DATASET_COLUMNS = ("input_var_code", "indicator_id")
#: descriptive columns that are not dimensions of the series
_LABELS = {
    "label", "region_name", "title", "subtitle", "source", "footnote", "input_var_desc",
    "country", "nuts_level", "geo_level", "chapter", "variant", "map_nuts_level", "nuts_version",
    "urban_rural_type", "Geopolitical entity (reporting)",
}  # fmt: skip
#: URE 2026 map extracts: value column -> (dataset, key, unit, year the period ends)
URE_COLUMNS = {
    "avg_crude_rate_net_migration_plus_adjustment_per_1000_2015_2024": (
        "ure2026",
        "CNMIGRATRT_AVG_2015_2024",
        "PER_THS",
        2024,
    ),
    "gdp_per_inhabitant_index_change_2013_2023_pp": (
        "ure2026",
        "GDP_HAB_EU27_CHANGE_2013_2023",
        "PP",
        2023,
    ),
}


#: units of extracts that have no unit column, as their publisher documents them
KNOWN_UNITS = {"tgs00026": "PPS_HAB"}


def _unit_of(dataset: str, header: list[str], cells: list[str]) -> str:
    if dataset in KNOWN_UNITS:
        return KNOWN_UNITS[dataset]
    if "subtitle" in header:  # Regional Yearbook maps print the unit in the subtitle: "(% of ..."
        sub = cells[header.index("subtitle")].strip()
        if sub.startswith("(%"):
            return "PC"
        if sub.startswith("(pp"):
            return "PP"
    return ""


def read_eurostat_csv(path: Path, *, nuts_version: int | None = None) -> ReadResult:
    """Read a long CSV extract of a Eurostat table (one value per row).

    Example
    -------
    >>> r = read_eurostat_csv(Path("tgs00026_disposable_income_nuts2.csv"))  # doctest: +SKIP
    >>> r.figures[0].indicator  # doctest: +SKIP
    'tgs00026/'
    """
    text = read_text(path)
    rows = iter_csv_rows(text, ",")
    _, header = next(rows)
    header = [h.strip() for h in header]
    ure = next((c for c in header if c in URE_COLUMNS), None)
    i_time = next((header.index(c) for c in _TIME if c in header), None)
    i_value = next((header.index(c) for c in _VALUES if c in header), None)
    if ure is not None:  # an urban-rural map file: the value is in the URE column
        i_value = header.index(ure)
    if "geo" not in header or i_value is None or (ure is None and i_time is None):
        raise InputError(
            RowError(
                str(path),
                1,
                None,
                "not a long Eurostat CSV: it needs a geo column, a time column "
                f"({'/'.join(_TIME)}) and a value column ({'/'.join(_VALUES)})",
            )
        )
    i_geo = header.index("geo")
    i_flag = next((header.index(c) for c in _FLAGS if c in header), None)
    i_ds = next((header.index(c) for c in _DATASET_COLUMNS if c in header), None)
    i_unit = header.index("unit") if "unit" in header else None
    taken = {i_geo, i_time, i_value, i_flag, i_ds}
    dims = [
        i
        for i, h in enumerate(header)
        if i not in taken and h not in _LABELS and h not in URE_COLUMNS
    ]
    file_dataset = dataset_from_filename(path)
    result = ReadResult(recognised_as=f"long CSV extract of Eurostat {file_dataset}")
    if ure:
        ds, key, unit, ure_year = URE_COLUMNS[ure]
        result.recognised_as = f"Eurostat Urban-rural Europe 2026 map data ({key})"
    for n, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.errors.append(
                RowError(
                    str(path), n, None, f"row has {len(cells)} cells, the header has {len(header)}"
                )
            )
            continue
        geo = cells[i_geo].strip()
        if not is_region(geo):
            continue
        if ure or i_time is None:  # (without a URE column there is a time column, checked above)
            series, year = f"{ds}/{key}", ure_year
        else:
            try:
                year = int(float(cells[i_time]))
            except ValueError:
                result.errors.append(
                    RowError(str(path), n, header[i_time], "not a year", cells[i_time])
                )
                continue
            ds = cells[i_ds].strip() if i_ds is not None else file_dataset
            if i_ds is not None and header[i_ds] == "indicator_id" and "_" in ds:
                prefix, _, rest = ds.partition("_")
                ds, dim_key = prefix.lower(), [rest]
            else:
                ds, dim_key = ds.lower(), []
            dim_key += [cells[i].strip() for i in dims if cells[i].strip()]
            series = f"{ds}/{'.'.join(dim_key)}"
            unit = cells[i_unit].strip() if i_unit is not None else _unit_of(ds, header, cells)
        raw = cells[i_value].strip()
        flag = (cells[i_flag].strip() or None) if i_flag is not None else None
        try:
            value, flag = _value_and_flag(raw, flag)
        except ValueError as exc:
            result.errors.append(RowError(str(path), n, header[i_value], str(exc), raw))
            continue
        result.figures.append(RegionFigure(series, geo, 0, value, unit, year, flag, n))
    _figures_with_version(result, nuts_version)
    return result


# --------------------------------------------------------------------------- sources


class _EurostatSource:
    title: str
    publisher = _EUROSTAT
    licence = _LICENCE
    attribution = _ATTRIBUTION

    def _read(self, paths: list[Path], reader) -> ReadResult:
        out = ReadResult(recognised_as=self.title)
        seen = []
        for path in paths:
            r = reader(path)
            out.figures.extend(r.figures)
            out.errors.extend(r.errors)
            seen.append(r.recognised_as)
        out.recognised_as = "; ".join(dict.fromkeys(seen)) or self.title
        return out


class EurostatTsv(_EurostatSource):
    name = "eurostat-tsv"
    title = "Eurostat bulk TSV of any dataset (unit,geo\\time or SDMX-TSV), flags kept"

    def sniff(self, paths: list[Path]) -> str | None:
        for p in paths:
            head = first_line(p).split("\t")[0]
            if re.fullmatch(r"[a-zA-Z0-9_,]+,geo\\(time|TIME_PERIOD)", head.strip()):
                return f"Eurostat bulk TSV ({head.strip()})"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        return self._read(paths, read_eurostat_tsv)


class EurostatSdmxCsv(_EurostatSource):
    name = "eurostat-sdmx-csv"
    title = "Eurostat SDMX-CSV of any dataset (1.0 or 2.0), flags kept"

    def sniff(self, paths: list[Path]) -> str | None:
        for p in paths:
            head = first_line(p)
            if head.startswith(("STRUCTURE,STRUCTURE_ID", "DATAFLOW,")) and "OBS_VALUE" in head:
                return "Eurostat SDMX-CSV"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        return self._read(paths, read_sdmx_csv)


class EurostatCsv(_EurostatSource):
    name = "eurostat-csv"
    title = "Long CSV extracts of Eurostat tables (geo, time, value[s], dimensions), flags kept"

    def sniff(self, paths: list[Path]) -> str | None:
        for p in paths:
            cols = [c.strip() for c in first_line(p).strip().split(",")]
            if "geo" in cols and (
                any(c in cols for c in URE_COLUMNS)
                or (any(c in cols for c in _TIME) and any(c in cols for c in ("values", "value")))
            ):
                return "long CSV extract of a Eurostat table"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        return self._read(paths, read_eurostat_csv)
