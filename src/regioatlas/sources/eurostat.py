"""Eurostat regional population (demo_r_pjanaggr3): the total population per NUTS region.

Read with the generic bulk-TSV reader (``eurostat_tables``), keeping the series of all persons
(unit NR, sex T, age TOTAL) as the ``population`` figure the atlas divides by.
"""

from __future__ import annotations

from pathlib import Path

from regioatlas.sources.base import ReadResult
from regioatlas.sources.eurostat_tables import read_eurostat_tsv

#: the demo_r_pjanaggr3 of 2026 is coded in NUTS 2024 (checked in the data's PROVENANCE.md)
NUTS_VERSION = 2024
TOTAL_SERIES = ("NR", "T", "TOTAL")  # unit, sex, age


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
            part = read_eurostat_tsv(path, nuts_version=NUTS_VERSION)
            result.errors.extend(part.errors)
            for fig in part.figures:
                keys = fig.indicator.split("/", 1)[-1].split(".")
                if tuple(keys[-3:]) != TOTAL_SERIES or fig.value is None:
                    continue
                fig.indicator, fig.unit = "population", "persons"
                result.figures.append(fig)
        return result
