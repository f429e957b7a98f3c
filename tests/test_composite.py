"""Composite index invariants on the real cross-section of EU NUTS 2 regions (demo store)."""

from __future__ import annotations

import numpy as np
import pytest

from regioatlas.analytics.composite import (
    CompositeError,
    CompositeOptions,
    composite_index,
    normalise,
)
from regioatlas.analytics.indicators import get_indicator
from regioatlas.api.scorecard import Scorecards
from regioatlas.store import open_store


@pytest.fixture(scope="module")
def section(demo_store_path):
    with open_store(str(demo_store_path), read_only=True) as store:
        yield Scorecards(store).data.section(2)


SETTINGS = [
    CompositeOptions(runs=0),
    CompositeOptions(runs=0, normalisation="zscore"),
    CompositeOptions(runs=0, aggregation="geometric"),
    CompositeOptions(
        runs=0,
        weighting="user",
        indicator_weights={"gdp_per_head_pps": 3.0, "tertiary_attainment": 0.5},
        pillar_weights={"competence": 2.0},
    ),
]


def test_cross_section_is_real_and_covers_every_pillar(section):
    assert len(section.codes) > 200 and section.X.shape == (
        len(section.codes),
        len(section.indicators),
    )
    assert {i.pillar for i in section.indicators} == {"people", "competence", "capital"}
    i, j = (
        section.codes.index("FI1C"),
        [x.id for x in section.indicators].index("tertiary_attainment"),
    )
    assert section.X[i, j] == 38.5  # tgs00109, FI1C, 2024 as published


@pytest.mark.parametrize(
    "opts", SETTINGS, ids=lambda o: f"{o.normalisation}-{o.aggregation}-{o.weighting}"
)
def test_raising_a_positive_indicator_never_lowers_the_score(section, opts):
    X, codes, inds = section.X, section.codes, section.indicators
    base = composite_index(X, codes, inds, opts)
    rng = np.random.default_rng(7)
    checked = 0
    for j, ind in enumerate(inds):
        rows = [codes.index(c) for c in rng.choice(base.codes, 6, replace=False)]
        for i in rows:
            if np.isnan(X[i, j]):
                continue
            for step in (0.01, 0.5, 10.0):  # small, large, and past the maximum
                Y = X.copy()
                Y[i, j] = X[i, j] + step * (np.nanstd(X[:, j]) or 1.0) * ind.direction
                after = composite_index(Y, codes, inds, opts)
                k = base.codes.index(codes[i])
                assert after.score[after.codes.index(codes[i])] >= base.score[k] - 1e-9
                checked += 1
    assert checked > 100


def test_rank_interval_contains_median_rank_and_seed_reproduces(section):
    opts = CompositeOptions(runs=500, seed=42)
    a = composite_index(section.X, section.codes, section.indicators, opts)
    assert np.all(a.rank_p05 <= a.median_rank) and np.all(a.median_rank <= a.rank_p95)
    assert a.rank_p95.max() <= len(a.codes) and a.rank_p05.min() >= 1
    b = composite_index(section.X, section.codes, section.indicators, opts)
    assert np.array_equal(a.median_rank, b.median_rank) and np.array_equal(a.rank_p95, b.rank_p95)
    c = composite_index(
        section.X, section.codes, section.indicators, CompositeOptions(runs=500, seed=43)
    )
    assert not np.array_equal(a.median_rank, c.median_rank)


def test_missing_data_policy_never_fills_zero(section):
    X = section.X.copy()
    complete = composite_index(
        X, section.codes, section.indicators, CompositeOptions(runs=0, missing="complete")
    )
    assert all(not np.isnan(X[section.codes.index(c)]).any() for c in complete.codes)
    reweight = composite_index(X, section.codes, section.indicators, CompositeOptions(runs=0))
    assert set(complete.codes) < set(reweight.codes)
    # a region missing one indicator: its score equals the weighted mean over what it has
    i = next(i for i, c in enumerate(reweight.codes) if reweight.missing_count[i] == 1)
    row = X[section.codes.index(reweight.codes[i])]
    N = normalise(
        X[[section.codes.index(c) for c in reweight.codes]],
        np.array([d.direction for d in section.indicators]),
        "minmax",
    )[i]
    pillars = [d.pillar for d in section.indicators]
    expected = np.mean(
        [
            np.nanmean(N[[j for j, p in enumerate(pillars) if p == q]])
            for q in dict.fromkeys(pillars)
        ]
    )
    assert np.isnan(row).sum() == 1 and reweight.score[i] == pytest.approx(expected)
    # the policy is not "missing = 0": a 0 in that cell gives another score
    Z = X.copy()
    Z[section.codes.index(reweight.codes[i]), np.isnan(row)] = 0.0
    zero = composite_index(Z, section.codes, section.indicators, CompositeOptions(runs=0))
    assert zero.score[zero.codes.index(reweight.codes[i])] != pytest.approx(reweight.score[i])


def test_pca_weights_sum_to_one_per_pillar(section):
    r = composite_index(
        section.X, section.codes, section.indicators, CompositeOptions(runs=0, weighting="pca")
    )
    for pillar in ("people", "competence", "capital"):
        ws = [r.weights[i.id] for i in section.indicators if i.pillar == pillar]
        assert sum(ws) == pytest.approx(1.0) and all(w >= 0 for w in ws)


def test_bad_options():
    inds = [get_indicator("gdp_per_head_pps"), get_indicator("tertiary_attainment")]
    X = np.array([[30000.0, 40.0], [20000.0, 30.0], [25000.0, 35.0]])
    for opts, msg in (
        (CompositeOptions(normalisation="zscore", aggregation="geometric"), "geometric"),
        (CompositeOptions(weighting="user", indicator_weights={"nope": 1.0}), "not in the index"),
        (CompositeOptions(weighting="user", indicator_weights={"gdp_per_head_pps": -1.0}), ">= 0"),
        (CompositeOptions(normalisation="rank"), "normalisation"),
    ):
        with pytest.raises(CompositeError, match=msg):
            composite_index(X, ["A", "B", "C"], inds, opts)
    with pytest.raises(CompositeError, match="no region has a value"):
        composite_index(np.full((3, 2), np.nan), ["A", "B", "C"], inds, CompositeOptions())
