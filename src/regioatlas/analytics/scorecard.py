"""The scorecard of one region: latest values, trends, ranks, its metropolis and its peers.

Pure functions over a ``Panel`` (see ``regioatlas.analytics.panel``).

* **Latest value**: the region's most recent non-missing value (at or before ``as_of``), with
  its year, flag and the NUTS code and version it was published under.
* **Trends**: change over 5 and 10 years ending in that year, as % growth (levels such as GDP
  per head) or as a difference in the unit (rates and shares, percentage points); only when
  the value of the start year exists (no interpolation); ``break_in_series`` when a ``b`` flag
  lies in the period.
* **Ranks**: among the regions of the same level with a value for the same year, 1 = best in
  the indicator's direction, ties share the best rank; in the country and in the EU27.
* **Peers**: the k regions closest to the region on the standardised profile (see
  ``find_peers``), the region itself excluded.
* A NUTS 3 region shows indicators published only for NUTS 2 through its NUTS 2 region, and
  says so (``level`` of the figure).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from regioatlas.analytics.indicators import Indicator, catalogue
from regioatlas.analytics.panel import IndicatorTable, Panel


def rank_in(
    table: IndicatorTable, code: str, year: int, mask: np.ndarray
) -> tuple[int, int] | None:
    """(rank, number ranked) of a region among ``mask`` regions for one year (1 = best)."""
    i = table.row.get(code)
    if i is None:
        return None
    col = table.column(year) * table.indicator.direction
    if np.isnan(col[i]):
        return None
    valued = mask & ~np.isnan(col)
    valued[i] = True
    better = np.count_nonzero(col[valued] > col[i])
    return int(better) + 1, int(np.count_nonzero(valued))


def trend(table: IndicatorTable, code: str, year: int, years: int) -> dict | None:
    """Change over ``years`` years ending in ``year`` (None for single-period indicators)."""
    kind = table.indicator.change
    if not kind:
        return None
    out: dict = {"years": years, "from_year": year - years, "to_year": year, "kind": kind}
    i, j, j0 = table.row.get(code), table.col.get(year), table.col.get(year - years)
    if i is None or j is None or j0 is None:
        out.update(value=None, reason=f"no value for {year - years}")
        return out
    now, before = table.values[i, j], table.values[i, j0]
    if math.isnan(now) or math.isnan(before):
        out.update(value=None, reason=f"no value for {year - years}")
        return out
    if kind == "pct":
        if before == 0:
            out.update(value=None, reason="start value is zero")
            return out
        value = (now / before - 1.0) * 100.0
    else:
        value = now - before
    flags = table.flags[i, j0 + 1 : j + 1]
    out.update(
        value=float(value),
        break_in_series=any(f is not None and "b" in f for f in flags),
    )
    return out


def indicator_figures(table: IndicatorTable, code: str, as_of: int | None = None) -> dict:
    """Latest value, trends and ranks of one region for one indicator table."""
    cell = table.latest(code, as_of)
    if cell is None:
        i = table.row.get(code)
        upto = table.years <= as_of if as_of is not None else np.ones(len(table.years), bool)
        gaps = [] if i is None else [f for f in table.flags[i, upto] if f and f.startswith(":")]
        where = f" up to {as_of}" if as_of is not None else ""
        return {
            "code": code,
            "value": None,
            "status": "missing" if gaps else "no data",
            "detail": ("published as not available" if gaps else "no value") + where,
        }
    country = table.country == code[:2]
    rc = rank_in(table, code, cell.year, country)
    re = rank_in(table, code, cell.year, table.eu) if code[:2] in _eu() else None
    return {
        "code": code,
        **cell.as_dict(),
        "status": "ok",
        "trend_5y": trend(table, code, cell.year, 5),
        "trend_10y": trend(table, code, cell.year, 10),
        "rank_country": rc[0] if rc else None,
        "n_country": rc[1] if rc else None,
        "rank_eu": re[0] if re else None,
        "n_eu": re[1] if re else None,
    }


def _eu():
    from regioatlas.analytics.panel import EU27

    return EU27


# --------------------------------------------------------------------------- profiles and peers


@dataclass
class CrossSection:
    """One value per region and indicator: the matrix peers and the composite index work on.

    ``X[i, j]`` is region ``codes[i]``'s value of ``indicators[j]`` in ``reference_years[j]``, or
    its latest earlier value no more than ``max_lag`` years older (``years[i, j]`` says which),
    else NaN.
    """

    level: int
    codes: list[str]
    indicators: list[Indicator]
    X: np.ndarray
    years: np.ndarray
    reference_years: list[int]
    #: indicators left out, with the reason
    excluded: dict[str, str]
    _z: np.ndarray | None = None

    def z_scores(self) -> np.ndarray:
        """``standardise(X)``, computed once."""
        if self._z is None:
            self._z = standardise(self.X)
        return self._z


def cross_section(
    panel: Panel,
    level: int,
    codes: list[str],
    indicator_ids: list[str] | None = None,
    *,
    max_lag: int = 2,
    min_coverage: float = 0.5,
) -> CrossSection:
    """The regions × indicators matrix at one level.

    The reference year of an indicator is the latest year in which at least ``min_coverage``
    of ``codes`` have a value; an indicator that never reaches it is excluded (and named).

    Example
    -------
    >>> cs = cross_section(panel, 2, eu_nuts2_codes)  # doctest: +SKIP
    >>> cs.X.shape  # doctest: +SKIP
    (240, 11)
    """
    if indicator_ids is None:
        indicator_ids = [i.id for i in catalogue() if i.composite]
    chosen, refs, excluded = [], [], {}
    columns, years = [], []
    for iid in indicator_ids:
        table = panel.table(iid, level)
        if table is None:
            excluded[iid] = f"not published at NUTS {level}"
            continue
        rows = np.array([table.row.get(c, -1) for c in codes])
        present = rows >= 0
        sub = np.full((len(codes), len(table.years)), np.nan)
        sub[present] = table.values[rows[present]]
        coverage = (~np.isnan(sub)).sum(axis=0) / max(1, len(codes))
        ok = np.where(coverage >= min_coverage)[0]
        if not len(ok):
            excluded[iid] = (
                f"covers at most {coverage.max():.0%} of the regions in any year "
                f"(minimum {min_coverage:.0%})"
            )
            continue
        j = int(ok[-1])
        ref = int(table.years[j])
        col = sub[:, j].copy()
        yrs = np.where(np.isnan(col), 0, ref)
        for lag in range(1, max_lag + 1):
            jj = j - 1
            while jj >= 0 and table.years[jj] > ref - lag:
                jj -= 1
            if jj < 0 or table.years[jj] != ref - lag:
                continue
            fill = np.isnan(col) & ~np.isnan(sub[:, jj])
            col[fill] = sub[fill, jj]
            yrs[fill] = ref - lag
        chosen.append(table.indicator)
        refs.append(ref)
        columns.append(col)
        years.append(yrs)
    X = np.column_stack(columns) if columns else np.empty((len(codes), 0))
    Y = np.column_stack(years) if years else np.empty((len(codes), 0), dtype=int)
    return CrossSection(level, list(codes), chosen, X, Y, refs, excluded)


def standardise(X: np.ndarray) -> np.ndarray:
    """z-scores per column over the regions with a value (NaN stays NaN; a constant column is 0)."""
    mean = np.nanmean(X, axis=0) if X.size else np.zeros(X.shape[1])
    std = np.nanstd(X, axis=0) if X.size else np.ones(X.shape[1])
    std = np.where(std > 0, std, 1.0)
    return (X - mean) / std


def find_peers(
    cs: CrossSection,
    code: str,
    k: int = 5,
    *,
    candidates: list[str] | None = None,
    min_shared: float = 2 / 3,
) -> list[tuple[str, float, int]]:
    """The ``k`` regions most similar to ``code``: (code, distance, indicators compared).

    Distance: the root mean squared difference of z-scores (each indicator standardised over all
    regions of the cross-section, direction ignored) over the indicators both regions have;
    a candidate must share at least ``min_shared`` of the region's available indicators. Ties
    are broken by code. The region itself is never its own peer.

    Example
    -------
    >>> [p[0] for p in find_peers(cs, "FI1C", 3)]  # doctest: +SKIP
    ['SE12', 'DK02', 'FI19']
    """
    if code not in cs.codes:
        return []
    Z = cs.z_scores()
    t = cs.codes.index(code)
    have = ~np.isnan(Z[t])
    need = max(1, math.ceil(min_shared * int(have.sum())))
    shared = have[None, :] & ~np.isnan(Z)
    n = shared.sum(axis=1)
    sq = np.where(shared, (Z - np.where(have, Z[t], 0.0)) ** 2, 0.0).sum(axis=1)
    d = np.sqrt(sq / np.maximum(n, 1))
    ok = n >= need
    ok[t] = False
    if candidates is not None:
        allowed = set(candidates)
        ok &= np.array([c in allowed for c in cs.codes])
    idx = np.where(ok)[0]
    codes = np.array(cs.codes, dtype=object)[idx]
    order = idx[np.lexsort((codes, d[idx]))][:k]
    return [(cs.codes[i], float(d[i]), int(n[i])) for i in order]


# --------------------------------------------------------------------------- the card


def _median(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None and v == v]  # v == v drops NaN
    return float(statistics.median(vals)) if vals else None


def _table_for(panel: Panel, ind: Indicator, level: int) -> tuple[IndicatorTable | None, int]:
    """The table to use for a region of ``level``: its own level, else the nearest coarser one."""
    for lvl in range(level, -1, -1):
        table = panel.table(ind.id, lvl)
        if table is not None and lvl in ind.levels:
            return table, lvl
    return None, level


def region_scorecard(
    panel: Panel,
    code: str,
    *,
    metropolis: str | None,
    peers: list[str],
    as_of: int | None = None,
    indicators: list[Indicator] | None = None,
) -> dict:
    """Every indicator's figures for the region, its metropolis and its peers, plus time series.

    ``code``, ``metropolis`` and ``peers`` are codes of the panel's NUTS version, all of one
    level. Indicators not published at that level are shown through the coarser region holding
    it (``level`` says which).

    Example
    -------
    >>> card = region_scorecard(panel, "FI1C6", metropolis="FI1B1", peers=["SE125"])  # doctest: +SKIP
    >>> card["indicators"][0]["region"]["year"]  # doctest: +SKIP
    2025
    """
    level = len(code) - 2
    items, series = [], {}
    for ind in indicators or list(catalogue()):
        table, lvl = _table_for(panel, ind, level)
        entry = {**_describe(ind), "level": lvl}
        if table is None:
            entry["region"] = {"code": code, "value": None, "status": "no data",
                               "detail": f"not published at NUTS {level} or above"}  # fmt: skip
            entry["metropolis"], entry["peers"] = None, None
            items.append(entry)
            continue
        cut = 2 + lvl

        def up(c: str) -> str:
            return c[:cut]  # noqa: B023 - used within this iteration only

        entry["region"] = indicator_figures(table, up(code), as_of)
        entry["metropolis"] = (
            indicator_figures(table, up(metropolis), as_of) if metropolis else None
        )
        peer_codes = list(dict.fromkeys(up(p) for p in peers if up(p) != up(code)))
        members = [indicator_figures(table, p, as_of) for p in peer_codes]
        entry["peers"] = {
            "codes": peer_codes,
            "median": _median([m["value"] for m in members]),
            "trend_5y_median": _median([(m.get("trend_5y") or {}).get("value") for m in members]),
            "trend_10y_median": _median([(m.get("trend_10y") or {}).get("value") for m in members]),
            "years": sorted({m["year"] for m in members if m.get("year")}),
            "items": [
                {k: m.get(k) for k in ("code", "value", "year", "flag", "rank_eu", "n_eu")}
                for m in members
            ],
        }
        items.append(entry)
        years = [int(y) for y in table.years if as_of is None or y <= as_of]
        peer_rows = [table.series(p)[: len(years)] for p in peer_codes]
        series[ind.id] = {
            "level": lvl,
            "years": years,
            "region": table.series(up(code))[: len(years)],
            "metropolis": table.series(up(metropolis))[: len(years)] if metropolis else None,
            "peers_median": [_median([row[j] for row in peer_rows]) for j in range(len(years))],
        }
    return {"indicators": items, "series": series}


def _describe(ind: Indicator) -> dict:
    return {
        "id": ind.id,
        "pillar": ind.pillar,
        "title": ind.title,
        "unit": ind.unit,
        "direction": ind.direction,
        "change": ind.change,
        "source": ind.source,
        "licence": ind.licence,
        "attribution": ind.attribution,
        "note": ind.note,
    }
