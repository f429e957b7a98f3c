"""Conversion of amounts to EUR through the ECB annual-average rate table shipped in the package."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from regioatlas.model.errors import BadInput

#: Currencies fixed to the euro before or at their euro changeover: 1 EUR = rate units.
#: (Irrevocable conversion rates, Council Regulations; only those a list of operations may still use.)
FIXED_RATES = {"EUR": 1.0, "BGN": 1.95583, "HRK": 7.53450}


@dataclass(frozen=True, slots=True)
class Conversion:
    """An amount in EUR with how it was obtained."""

    eur: float | None
    original: float | None
    currency: str
    rate: float  # units of ``currency`` per 1 EUR
    rate_date: date | None  # the reference date the rate stands for (31 Dec of the averaged year)
    rate_kind: str


class UnknownCurrency(BadInput):
    pass


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, int], float]:
    text = resources.files("regioatlas.data").joinpath("exchange_rates_ecb.csv").read_text()
    return {
        (r["currency"], int(r["year"])): float(r["rate_per_eur"])
        for r in csv.DictReader(text.splitlines())
    }


def rate_for(currency: str, year: int) -> tuple[float, int, str]:
    """The rate (units per EUR) for a currency and year: (rate, year used, kind).

    Uses the ECB annual average of that year; for a year outside the table, the nearest year
    that has one (the kind says so).

    Example
    -------
    >>> rate_for("PLN", 2016)[0]
    4.36321
    """
    cur = currency.upper().strip()
    if cur in FIXED_RATES:
        return FIXED_RATES[cur], year, "fixed"
    years = [y for (c, y) in _table() if c == cur]
    if not years:
        raise UnknownCurrency(
            f"no exchange rate for currency {currency!r}; known: "
            + ", ".join(sorted({c for c, _ in _table()} | set(FIXED_RATES)))
        )
    if (cur, year) in _table():
        return _table()[(cur, year)], year, "ECB annual average"
    nearest = min(years, key=lambda y: abs(y - year))
    return _table()[(cur, nearest)], nearest, f"ECB annual average of {nearest} (nearest year)"


def to_eur(amount: float | None, currency: str, year: int) -> Conversion:
    """Convert an amount to EUR at the ECB annual-average rate of ``year``.

    Example
    -------
    >>> round(to_eur(1000.0, "PLN", 2016).eur, 2)
    229.19
    """
    rate, used_year, kind = rate_for(currency, year)
    eur = None if amount is None else amount / rate
    return Conversion(eur, amount, currency.upper(), rate, date(used_year, 12, 31), kind)
