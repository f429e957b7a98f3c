"""Conversion of amounts to EUR through the ECB annual-average rate table shipped in the package."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from importlib import resources

from regioatlas.model.errors import BadInput

#: Currencies fixed to the euro: 1 EUR = rate units, from the year given (the euro changeover's
#: irrevocable rate, or a currency board's peg); before that year the ECB annual average holds.
#: (Council Regulations; only those a list of operations may still use.)
FIXED_RATES = {"EUR": (1.0, 1999), "BGN": (1.95583, 1999), "HRK": (7.53450, 2023)}


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
    fixed = FIXED_RATES.get(cur)
    years = [y for (c, y) in _table() if c == cur]
    if fixed is not None and (year >= fixed[1] or not years):
        return fixed[0], year, "fixed"
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
    eur = None if amount is None else cents(Decimal(repr(amount)) / Decimal(repr(rate)))
    return Conversion(eur, amount, currency.upper(), rate, date(used_year, 12, 31), kind)


_CENT = Decimal("0.01")


def cents(amount: Decimal | float | None) -> float | None:
    """An amount rounded to whole cents in decimal arithmetic, as the float nearest to it.

    Converting with binary floats leaves noise (``1234.4999999``); dividing as decimals and
    rounding half to even to the cent gives the amount a person computes by hand.

    Example
    -------
    >>> cents(Decimal("1234.499999")), cents(0.1 + 0.2)
    (1234.5, 0.3)
    """
    if amount is None:
        return None
    value = amount if isinstance(amount, Decimal) else Decimal(repr(amount))
    return float(value.quantize(_CENT, rounding=ROUND_HALF_EVEN))
