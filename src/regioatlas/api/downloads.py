"""CSV downloads that a spreadsheet cannot run: the one door for every CSV the API writes.

A cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read as a formula
by Excel and LibreOffice (CSV injection: ``=HYPERLINK(...)``, ``=cmd|...``). Project titles,
beneficiary names and the like come from published files, so such text is neutralised by the
OWASP rule: a single quote in front, shown as text. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` with a leading quote when a spreadsheet would read it as a formula.

    Example
    -------
    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe(-3.5), csv_safe("Lahti")
    (-3.5, 'Lahti')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose cells pass through :func:`csv_safe`.

    Example
    -------
    >>> import io
    >>> buf = io.StringIO()
    >>> SafeWriter(buf).writerow(["@SUM(A1)", 2])
    >>> buf.getvalue()
    "'@SUM(A1),2\\n"
    """

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **{"lineterminator": "\n", **fmtparams})

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_safe(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose values pass through :func:`csv_safe`.

    Example
    -------
    >>> import io
    >>> buf = io.StringIO()
    >>> _ = SafeDictWriter(buf, ["title"]).writerow({"title": "+1 idea"})
    >>> buf.getvalue()
    "'+1 idea\\n"
    """

    def __init__(self, stream, fieldnames, **kwargs):
        super().__init__(stream, fieldnames, **{"lineterminator": "\n", **kwargs})

    def writerow(self, rowdict):
        return super().writerow({k: csv_safe(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts):
        for row in rowdicts:
            self.writerow(row)
