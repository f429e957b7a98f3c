"""Eurostat SDMX-TSV (bulk download) reader for regional population (demo_r_pjanaggr3).

The layout: a first column ``freq,unit,sex,age,geo\\TIME_PERIOD`` then one column per year;
values may carry a flag after a blank (``1234 p``), ``:`` means not available.
"""

from __future__ import annotations

import re
from pathlib import Path

from regioatlas.model import InputError, RegionFigure, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import read_text

_VALUE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)?\s*([a-z:]*)\s*$")


def parse_tsv_value(cell: str) -> tuple[float | None, str | None]:
    """``"1234 p"`` → (1234.0, "p"); ``": "`` → (None, ":"). Raises ValueError otherwise.

    Example
    -------
    >>> parse_tsv_value("1417141 ")
    (1417141.0, None)
    """
    s = cell.strip()
    if s in (":", ""):
        return None, ":"
    if s.startswith(":"):
        return None, s.replace(" ", "")
    m = _VALUE.match(s)
    if not m or m.group(1) is None:
        raise ValueError(f"not a Eurostat value: {cell!r}")
    return float(m.group(1)), (m.group(2) or None)


_AGGREGATES = re.compile(r"^(EU|EA|EFTA|EEA)")


def _is_region(geo: str) -> bool:
    """A NUTS region code, not an aggregate or a "not regionalised" (XX) code."""
    if _AGGREGATES.match(geo) or not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", geo):
        return False
    return not (len(geo) > 2 and set(geo[2:]) == {"X"})


def _nuts_version_for(geo: str) -> int:
    # demo_r_pjanaggr3 of 2026 is coded in NUTS 2024 (checked in the data's PROVENANCE.md)
    return 2024


class EurostatPopulation:
    name = "eurostat-population"
    title = "Eurostat population on 1 January by NUTS region (demo_r_pjanaggr3, SDMX-TSV)"
    publisher = "Eurostat"
    licence = "© European Union, re-use authorised with acknowledgement (CC BY 4.0)"
    attribution = "Source: Eurostat"

    def sniff(self, paths: list[Path]) -> str | None:
        for p in paths:
            try:
                with p.open(encoding="utf-8", errors="replace") as f:
                    head = f.readline()
            except OSError:
                continue
            if head.startswith("freq,unit,sex,age,geo\\TIME_PERIOD"):
                return "Eurostat SDMX-TSV population by sex, age and NUTS region (demo_r_pjanaggr3)"
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        for path in paths:
            lines = read_text(path).splitlines()
            head = lines[0].split("\t")
            if not head[0].startswith("freq,unit,sex,age,geo\\"):
                raise InputError(
                    RowError(
                        str(path),
                        1,
                        head[0],
                        "not the demo_r_pjanaggr3 layout (expected freq,unit,sex,age,geo\\TIME_PERIOD)",
                    )
                )
            try:
                years = [int(h.strip()) for h in head[1:]]
            except ValueError:
                raise InputError(
                    RowError(str(path), 1, None, "year columns are not years")
                ) from None
            for n, line in enumerate(lines[1:], start=2):
                cells = line.split("\t")
                if len(cells) != len(head):
                    result.errors.append(
                        RowError(
                            str(path),
                            n,
                            None,
                            f"row has {len(cells)} cells, the header has {len(head)}",
                        )
                    )
                    continue
                dims = cells[0].split(",")
                if len(dims) != 5:
                    result.errors.append(
                        RowError(str(path), n, head[0], "expected 5 dimensions", cells[0])
                    )
                    continue
                _freq, unit, sex, age, geo = dims
                if sex != "T" or age != "TOTAL" or unit != "NR":
                    continue
                if not _is_region(geo):
                    continue  # EU27_2020, EFTA, EU28 aggregates; ALX, FRXXX "not regionalised"
                for year, cell in zip(years, cells[1:]):
                    try:
                        value, flag = parse_tsv_value(cell)
                    except ValueError as exc:
                        result.errors.append(RowError(str(path), n, str(year), str(exc), cell))
                        continue
                    if value is None:
                        continue
                    result.figures.append(
                        RegionFigure(
                            "population",
                            geo,
                            _nuts_version_for(geo),
                            value,
                            "persons",
                            year,
                            flag,
                            n,
                        )
                    )
        return result
