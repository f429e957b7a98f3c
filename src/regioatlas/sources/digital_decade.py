"""Readers of the Digital Compass inputs: the DESI / Digital Decade country indicators and the
Eurostat regional digital statistics (households with broadband, daily internet users).

Both become region figures, ingested like every other dataset (the demo ingests the files
shipped in ``regioatlas/data/kpi``), so the compass reads them from the store:

- ``digital-decade``: one figure per country, indicator ``"<file>/<indicator>"`` (e.g.
  ``desi_2022_edition/desi_hc_bds``), year = the edition (``desi_2026`` → 2026), the value as
  published (DESI 2022 values are fractions, the 2026 profile is in percent), unit and flag;
- ``eurostat-regional-digital``: one figure per region and year, indicator = the table
  (``tgs00049``, ``isoc_r_iuse_i_I_IDAY``), in NUTS 2016 (both tables are coded in it).
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from regioatlas.model import RegionFigure, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import read_text
from regioatlas.sources.tables import first_line

ATTRIBUTION = {
    "desi": "Source: European Commission, Digital Decade / DESI",
    "eurostat": "Source: Eurostat",
}
DESI_COLUMNS = ["file", "indicator", "breakdown", "unit", "country", "period", "value", "flag"]
REGIONAL_COLUMNS = ["table", "unit", "geo", "year", "value"]
#: tgs00049 and isoc_r_iuse_i are coded in NUTS 2016
REGIONAL_NUTS_VERSION = 2016
#: country codes are the same in every NUTS version; stated in the atlas version
COUNTRY_NUTS_VERSION = 2024
#: rows that are not a country's observation: the 2030 targets (in the measure catalogue) and
#: the EU-27 aggregate (not a NUTS region)
NOT_OBSERVATIONS = {"period": "2030", "country": "EU"}


def shipped_file(name: str) -> Path:
    """A file shipped in ``regioatlas/data/kpi`` (the demo ingests them)."""
    return Path(str(resources.files("regioatlas.data").joinpath("kpi", name)))


def _header(path: Path) -> list[str]:
    """The first line's cells: recognising a layout reads 64 KB, not the file (every
    ingest asks each source; a 290 MB list of operations was read twice for this)."""
    return next(csv.reader([first_line(path)]), [])


def _number(text: str, name: str, line: int, column: str) -> tuple[float | None, RowError | None]:
    try:
        return float(text), None
    except ValueError:
        return None, RowError(name, line, column, "not a number", text)


class DigitalDecadeCountries:
    """DESI 2022 edition and Digital Decade 2026 country indicators (long CSV).

    Example
    -------
    >>> r = DigitalDecadeCountries().read([shipped_file("desi_country_kpis.csv")])
    >>> f = next(f for f in r.figures if f.indicator == "desi_2026_country_profile/desi_dsk_bab"
    ...          and f.nuts_code == "FI")
    >>> f.year, f.value, f.unit
    (2026, 80.98, 'pc_ind')
    """

    name = "digital-decade"
    title = "European Commission DESI 2022 / Digital Decade 2026 country indicators (long CSV)"
    publisher = "European Commission, DG CONNECT"
    licence = "Commission re-use policy (Decision 2011/833/EU), acknowledgement"
    attribution = ATTRIBUTION["desi"]

    def sniff(self, paths: list[Path]) -> str | None:
        if paths and all(_header(p) == DESI_COLUMNS for p in paths):
            return "DESI / Digital Decade country indicators (file, indicator, country, period)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        for path in paths:
            name = str(path)
            for line, r in enumerate(csv.DictReader(io.StringIO(read_text(path))), start=2):
                if any(r.get(k) == v for k, v in NOT_OBSERVATIONS.items()) or not r["value"]:
                    continue
                edition = r["period"].removeprefix("desi_")
                if not edition.isdigit():
                    result.errors.append(
                        RowError(name, line, "period", "not an edition year", r["period"])
                    )
                    continue
                value, error = _number(r["value"], name, line, "value")
                if error:
                    result.errors.append(error)
                    continue
                result.figures.append(
                    RegionFigure(
                        indicator=f"{r['file']}/{r['indicator']}",
                        nuts_code=r["country"],
                        nuts_version=COUNTRY_NUTS_VERSION,
                        value=value,
                        unit=r["unit"],
                        year=int(edition),
                        flag=r["flag"] or None,
                        source_line=line,
                    )
                )
        return result


class EurostatRegionalDigital:
    """Eurostat tgs00049 and isoc_r_iuse_i in long form (table, unit, geo, year, value).

    Example
    -------
    >>> r = EurostatRegionalDigital().read([shipped_file("eurostat_regional_digital.csv")])
    >>> sorted({f.indicator for f in r.figures}), r.figures[0].nuts_version
    (['isoc_r_iuse_i_I_IDAY', 'tgs00049'], 2016)
    """

    name = "eurostat-regional-digital"
    title = "Eurostat regional digital statistics: tgs00049, isoc_r_iuse_i (long CSV)"
    publisher = "Eurostat"
    licence = "© European Union, re-use authorised with acknowledgement (CC BY 4.0)"
    attribution = ATTRIBUTION["eurostat"]

    def sniff(self, paths: list[Path]) -> str | None:
        if paths and all(_header(p) == REGIONAL_COLUMNS for p in paths):
            return "Eurostat regional digital statistics (table, unit, geo, year, value)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        for path in paths:
            name = str(path)
            for line, r in enumerate(csv.DictReader(io.StringIO(read_text(path))), start=2):
                value, error = _number(r["value"], name, line, "value")
                if error or not r["year"].isdigit():
                    result.errors.append(
                        error or RowError(name, line, "year", "not a year", r["year"])
                    )
                    continue
                result.figures.append(
                    RegionFigure(
                        indicator=r["table"],
                        nuts_code=r["geo"],
                        nuts_version=REGIONAL_NUTS_VERSION,
                        value=value,
                        unit=r["unit"],
                        year=int(r["year"]),
                        source_line=line,
                    )
                )
        return result
