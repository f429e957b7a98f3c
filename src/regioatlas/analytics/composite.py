"""A composite index of attractiveness, built as the JRC/OECD Handbook on Constructing Composite
Indicators (2008) describes: missing data, normalisation, weighting, aggregation, uncertainty.

Structure: indicators -> three pillars (people, competence, capital) -> index.

* **Missing data** (never zero): ``"reweight"`` (default) scores a region that has at least
  ``min_share`` of the indicators and at least one in every pillar; within a pillar the weights
  of its missing indicators go to the indicators it has (the same as imputing the weighted mean
  of its other normalised indicators of the pillar). ``"complete"`` scores complete cases only.
  Regions not scored are listed with the reason.
* **Normalisation** (the indicator's direction applied first, so that higher is always better):
  ``"minmax"`` rescales to [1, 100] (1 rather than 0 so that a geometric mean is defined);
  ``"zscore"`` subtracts the mean and divides by the standard deviation (over the regions scored).
* **Weights**: ``"equal"`` (equal within a pillar, pillars equal), ``"user"`` (given per
  indicator and per pillar, renormalised; an unnamed one weighs 1) or ``"pca"`` (data-driven:
  within each pillar the squared loadings of the first principal component of the indicators'
  correlation matrix on complete cases, normalised to sum 1).
* **Aggregation**: ``"arithmetic"`` (weighted mean; compensatory) or ``"geometric"`` (weighted
  geometric mean; less compensatory; needs min-max).
* **Uncertainty**: ``runs`` draws with a seeded generator; each draws the normalisation and
  aggregation among (min-max, arithmetic), (z-score, arithmetic) and (min-max, geometric) with
  equal probability, and multiplies every indicator weight and every pillar weight by a factor
  uniform in [1 - spread, 1 + spread] (renormalised). Each region gets its median rank and the
  5th-95th percentile interval of its rank. The same seed gives the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from regioatlas.analytics.indicators import PILLARS, Indicator
from regioatlas.model.errors import BadInput

NORMALISATIONS = ("minmax", "zscore")
AGGREGATIONS = ("arithmetic", "geometric")
WEIGHTINGS = ("equal", "user", "pca")
MISSING = ("reweight", "complete")
#: the (normalisation, aggregation) pairs the uncertainty analysis draws from
SCENARIOS = (("minmax", "arithmetic"), ("zscore", "arithmetic"), ("minmax", "geometric"))


class CompositeError(BadInput, ValueError):
    """Options or data the composite index cannot be built from (the message says why); a
    bad-input domain error, so the API answers 400 and the CLI exits 2 without translating."""


@dataclass(frozen=True)
class CompositeOptions:
    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    weighting: str = "equal"
    indicator_weights: dict[str, float] = field(default_factory=dict)
    pillar_weights: dict[str, float] = field(default_factory=dict)
    missing: str = "reweight"
    min_share: float = 2 / 3
    runs: int = 1000
    seed: int = 0
    spread: float = 0.5

    def check(self) -> None:
        for name, value, allowed in (
            ("normalisation", self.normalisation, NORMALISATIONS),
            ("aggregation", self.aggregation, AGGREGATIONS),
            ("weighting", self.weighting, WEIGHTINGS),
            ("missing", self.missing, MISSING),
        ):
            if value not in allowed:
                raise CompositeError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if self.aggregation == "geometric" and self.normalisation != "minmax":
            raise CompositeError(
                "geometric aggregation needs positive values: use normalisation=minmax"
            )
        if not 0 <= self.runs <= 100_000:
            raise CompositeError("runs must be between 0 and 100000")
        if not 0 <= self.spread < 1:
            raise CompositeError("spread must be at least 0 and below 1")
        if not 0 < self.min_share <= 1:
            raise CompositeError("min_share must be above 0 and at most 1")
        for label, weights in (
            ("indicator", self.indicator_weights),
            ("pillar", self.pillar_weights),
        ):
            for key, w in weights.items():
                if not np.isfinite(w) or w < 0:
                    raise CompositeError(f"{label} weight of {key} must be a number >= 0, not {w}")


@dataclass
class CompositeResult:
    """Scores and ranks of the scored regions, the regions left out, and how it was built."""

    codes: list[str]
    score: np.ndarray
    rank: np.ndarray
    pillar_scores: dict[str, np.ndarray]
    median_rank: np.ndarray | None
    rank_p05: np.ndarray | None
    rank_p95: np.ndarray | None
    missing_count: np.ndarray
    not_scored: dict[str, str]
    indicators: list[str]
    weights: dict[str, float]
    pillar_weights: dict[str, float]
    options: CompositeOptions


def normalise(X: np.ndarray, directions: np.ndarray, method: str) -> np.ndarray:
    """Each column normalised over its non-missing values, higher = better (NaN stays NaN).

    Example
    -------
    >>> normalise(np.array([[1.0], [3.0]]), np.array([1]), "minmax").ravel().tolist()
    [1.0, 100.0]
    """
    Y = X * directions
    lo, hi = np.nanmin(Y, axis=0), np.nanmax(Y, axis=0)
    if method == "minmax":
        span = np.where(hi > lo, hi - lo, np.nan)
        out = 1.0 + 99.0 * (Y - lo) / span
        return np.where(np.isnan(span) & ~np.isnan(Y), 50.5, out)
    mean, std = np.nanmean(Y, axis=0), np.nanstd(Y, axis=0)
    return (Y - mean) / np.where(std > 0, std, 1.0)


def _pca_weights(Z: np.ndarray, pillar_of: list[str], names: list[str]) -> np.ndarray:
    w = np.zeros(Z.shape[1])
    for p in PILLARS:
        idx = [j for j, q in enumerate(pillar_of) if q == p]
        if not idx:
            continue
        if len(idx) == 1:
            w[idx] = 1.0
            continue
        sub = Z[:, idx]
        complete = sub[~np.isnan(sub).any(axis=1)]
        if len(complete) < len(idx) + 2:
            raise CompositeError(
                f"PCA weights need at least {len(idx) + 2} regions with every {p} indicator "
                f"({', '.join(names[j] for j in idx)}); {len(complete)} have them"
            )
        with np.errstate(invalid="ignore", divide="ignore"):  # a constant indicator: no loading
            corr = np.corrcoef(complete, rowvar=False)
        vals, vecs = np.linalg.eigh(np.nan_to_num(corr))
        load = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
        sq = load**2
        w[idx] = sq / sq.sum() if sq.sum() > 0 else 1.0 / len(idx)
    return w


def base_weights(
    X: np.ndarray, indicators: list[Indicator], opts: CompositeOptions
) -> tuple[np.ndarray, np.ndarray]:
    """(indicator weights summing to 1 within each pillar, pillar weights summing to 1)."""
    names = [i.id for i in indicators]
    pillar_of = [i.pillar for i in indicators]
    pillars = [p for p in PILLARS if p in pillar_of]
    unknown = set(opts.indicator_weights) - set(names)
    if unknown:
        raise CompositeError(
            f"weights given for indicator(s) not in the index: {', '.join(sorted(unknown))}; "
            f"the index uses {', '.join(names)}"
        )
    if set(opts.pillar_weights) - set(PILLARS):
        raise CompositeError(f"pillar weights are for {', '.join(PILLARS)}")
    if opts.weighting == "pca":
        directions = np.array([i.direction for i in indicators], dtype=float)
        w = _pca_weights(normalise(X, directions, "zscore"), pillar_of, names)
    elif opts.weighting == "user":
        w = np.array([float(opts.indicator_weights.get(n, 1.0)) for n in names])
    else:
        w = np.ones(len(names))
    for p in pillars:
        idx = [j for j, q in enumerate(pillar_of) if q == p]
        total = w[idx].sum()
        if total <= 0:
            raise CompositeError(f"the {p} indicators all have weight 0")
        w[idx] = w[idx] / total
    v = np.array(
        [
            float(opts.pillar_weights.get(p, 1.0)) if opts.weighting == "user" else 1.0
            for p in pillars
        ]
    )
    if v.sum() <= 0:
        raise CompositeError("the pillar weights are all 0")
    return w, v / v.sum()


def _scores(
    N: np.ndarray, W: np.ndarray, V: np.ndarray, pillar_idx: list[list[int]], geometric: bool
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Scores (regions × runs) for weights W (runs × indicators) and V (runs × pillars)."""
    have = ~np.isnan(N)
    base = np.where(have, np.log(np.where(have, N, 1.0)) if geometric else N, 0.0)
    pillar_scores = []
    for idx in pillar_idx:
        num = base[:, idx] @ W[:, idx].T
        den = have[:, idx].astype(float) @ W[:, idx].T
        with np.errstate(invalid="ignore", divide="ignore"):
            pillar_scores.append(num / den)
    if geometric:
        logs = sum(V[:, p] * s for p, s in enumerate(pillar_scores))
        return np.exp(logs / V.sum(axis=1)), [np.exp(s) for s in pillar_scores]
    total = sum(V[:, p] * s for p, s in enumerate(pillar_scores))
    return total / V.sum(axis=1), pillar_scores


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score; ties share the best rank. ``scores`` is 1-D."""
    order = np.sort(scores)[::-1]
    return np.searchsorted(-order, -scores, side="left") + 1


def composite_index(
    X: np.ndarray, codes: list[str], indicators: list[Indicator], opts: CompositeOptions
) -> CompositeResult:
    """The composite index of the regions ``codes`` (rows of ``X``) on ``indicators`` (columns).

    Example
    -------
    >>> from regioatlas.analytics.indicators import get_indicator
    >>> inds = [get_indicator("gdp_per_head_pps"), get_indicator("tertiary_attainment")]
    >>> X = np.array([[30000.0, 40.0], [20000.0, 30.0], [25000.0, np.nan]])
    >>> r = composite_index(X, ["A", "B", "C"], inds, CompositeOptions(runs=100, min_share=0.5))
    >>> r.rank.tolist(), sorted(r.not_scored)
    ([1, 2], ['C'])
    """
    opts.check()
    if X.shape != (len(codes), len(indicators)):
        raise CompositeError("X must have one row per region and one column per indicator")
    if not indicators:
        raise CompositeError("no indicator to build the index from")
    pillar_of = [i.pillar for i in indicators]
    pillars = [p for p in PILLARS if p in pillar_of]
    pillar_idx = [[j for j, q in enumerate(pillar_of) if q == p] for p in pillars]
    have = ~np.isnan(X)
    empty = [i.id for i, h in zip(indicators, have.any(axis=0)) if not h]
    if empty:
        raise CompositeError(f"no region has a value of {', '.join(empty)}")
    share = have.mean(axis=1)
    every_pillar = np.all([have[:, idx].any(axis=1) for idx in pillar_idx], axis=0)
    if opts.missing == "complete":
        keep = have.all(axis=1)
    else:
        keep = (share >= opts.min_share - 1e-12) & every_pillar
    not_scored = {}
    for i in np.where(~keep)[0]:
        missing = [indicators[j].id for j in np.where(~have[i])[0]]
        if opts.missing == "complete":
            why = "incomplete: missing " + ", ".join(missing)
        elif not every_pillar[i]:
            gone = [p for p, idx in zip(pillars, pillar_idx) if not have[i, idx].any()]
            why = "no indicator of the " + " and ".join(gone) + " pillar"
        else:
            why = f"has {have[i].sum()} of {len(indicators)} indicators (needs {opts.min_share:.0%}); missing {', '.join(missing)}"
        not_scored[codes[i]] = why
    Xs = X[keep]
    kept_codes = [c for c, k in zip(codes, keep) if k]
    if len(kept_codes) < 2:
        raise CompositeError(f"fewer than two regions can be scored ({len(kept_codes)})")
    w, v = base_weights(Xs, indicators, opts)
    directions = np.array([i.direction for i in indicators], dtype=float)
    N = normalise(Xs, directions, opts.normalisation)
    geo = opts.aggregation == "geometric"
    score, pillar_scores = _scores(N, w[None, :], v[None, :], pillar_idx, geo)
    score = score[:, 0]
    median = p05 = p95 = None
    if opts.runs:
        median, p05, p95 = _uncertainty(Xs, directions, w, v, pillar_idx, opts)
    return CompositeResult(
        kept_codes,
        score,
        _ranks(score),
        {p: s[:, 0] for p, s in zip(pillars, pillar_scores)},
        median,
        p05,
        p95,
        (~have[keep]).sum(axis=1),
        not_scored,
        [i.id for i in indicators],
        {i.id: float(x) for i, x in zip(indicators, w)},
        {p: float(x) for p, x in zip(pillars, v)},
        opts,
    )


def _uncertainty(X, directions, w, v, pillar_idx, opts: CompositeOptions):
    rng = np.random.default_rng(opts.seed)
    R, m, P = opts.runs, len(w), len(v)
    scenario = rng.integers(0, len(SCENARIOS), size=R)
    W = w[None, :] * rng.uniform(1 - opts.spread, 1 + opts.spread, size=(R, m))
    V = v[None, :] * rng.uniform(1 - opts.spread, 1 + opts.spread, size=(R, P))
    for idx in pillar_idx:
        W[:, idx] /= W[:, idx].sum(axis=1, keepdims=True)
    V /= V.sum(axis=1, keepdims=True)
    normalised = {n: normalise(X, directions, n) for n in NORMALISATIONS}
    scores = np.empty((X.shape[0], R))
    for s, (norm, agg) in enumerate(SCENARIOS):
        runs = np.where(scenario == s)[0]
        if len(runs):
            scores[:, runs] = _scores(
                normalised[norm], W[runs], V[runs], pillar_idx, agg == "geometric"
            )[0]
    # rank 1 = best in every run (ordinal ranks; ties have probability ~0 with continuous weights)
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, X.shape[0] + 1)[:, None], axis=0)
    median = np.median(ranks, axis=1)
    p05 = np.percentile(ranks, 5, axis=1, method="inverted_cdf")
    p95 = np.percentile(ranks, 95, axis=1, method="inverted_cdf")
    return median, p05, p95
