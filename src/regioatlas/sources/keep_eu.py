"""keep.eu Interreg / IPA CBC / ENI CBC 2014-2020 aggregates per NUTS 3 region (NUTS 2021)."""

from __future__ import annotations

from pathlib import Path

from regioatlas.model import InputError, RegionFigure, RowError
from regioatlas.sources.base import ReadResult
from regioatlas.sources.parsing import parse_amount
from regioatlas.sources.tables import read_table, width_error

COLUMNS = (
    "nuts3_code_matched",
    "keep_No_of_projects",
    "keep_No_of_partners",
    "keep_Total_budgets_MEUR",
    "keep_ERDF_MEUR",
)
#: column → (indicator, unit, factor to the unit)
FIGURES = {
    "keep_No_of_projects": ("interreg_projects", "count", 1.0),
    "keep_No_of_partners": ("interreg_partners", "count", 1.0),
    "keep_Total_budgets_MEUR": ("interreg_total_budget_eur", "EUR", 1e6),
    "keep_ERDF_MEUR": ("interreg_erdf_eur", "EUR", 1e6),
}


class KeepEuNuts3:
    name = "keep-eu"
    title = "keep.eu Interreg 2014-2020 projects, partners and budgets aggregated by NUTS 3"
    publisher = "Interact (keep.eu); aggregated by NUTS 3 in ltalve/interreg-map"
    licence = "keep.eu terms: free use citing the source (no formal open licence)"
    attribution = "Source: keep.eu"

    def sniff(self, paths: list[Path]) -> str | None:
        from regioatlas.sources.cordis import has_columns

        if any(has_columns(p, ",", COLUMNS) for p in paths):
            return (
                "keep.eu Interreg aggregates per NUTS 3 (keep_No_of_projects, keep_ERDF_MEUR, ...)"
            )
        return None

    def read(self, paths: list[Path], *, profile: str | None = None) -> ReadResult:
        result = ReadResult(recognised_as=self.sniff(paths) or self.title)
        for path in paths:
            table = read_table(path, required=COLUMNS)
            version_col = "nuts_version_matched" in table.header
            for line, row in table.rows:
                err = width_error(table, line, row)
                if err:
                    result.errors.append(err)
                    continue
                code = (row.get("nuts3_code_matched") or "").strip().upper()
                if not code:
                    result.errors.append(
                        RowError(str(path), line, "nuts3_code_matched", "missing NUTS code")
                    )
                    continue
                version = 2021
                version_cell = (row.get("nuts_version_matched") or "").strip()
                if version_col and version_cell:
                    try:
                        version = int(float(version_cell))
                    except ValueError:
                        result.errors.append(
                            RowError(
                                str(path),
                                line,
                                "nuts_version_matched",
                                "not a NUTS version year",
                                row["nuts_version_matched"],
                            )
                        )
                        continue
                for column, (indicator, unit, factor) in FIGURES.items():
                    raw = row.get(column)
                    try:
                        value = parse_amount(raw, ".")
                    except ValueError as exc:
                        result.errors.append(RowError(str(path), line, column, str(exc), raw))
                        continue
                    if value is None:
                        continue  # empty = no partner mapped there; not a zero
                    result.figures.append(
                        RegionFigure(
                            indicator, code, version, value * factor, unit, None, None, line
                        )
                    )
        if not result.figures and not result.errors:
            raise InputError(RowError(str(paths[0]), None, None, "no figures in the file"))
        return result
