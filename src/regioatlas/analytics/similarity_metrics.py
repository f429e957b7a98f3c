"""Retrieval quality measures on labelled texts: precision@k, nDCG@k, recall@k, random baselines.

Relevance is binary: a retrieved text is relevant when it shares a label with the query.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def precision_at_k(relevant: Sequence[bool], k: int = 10) -> float:
    """Share of the first ``k`` results that are relevant (fewer results count as misses).

    Example
    -------
    >>> precision_at_k([True, False, True, True], 4)
    0.75
    """
    return sum(bool(r) for r in list(relevant)[:k]) / k


def ndcg_at_k(relevant: Sequence[bool], n_relevant: int, k: int = 10) -> float:
    """Normalised discounted cumulative gain of a ranking with binary relevance.

    ``n_relevant`` is how many relevant texts exist in all (the ideal ranking puts them first).

    Example
    -------
    >>> round(ndcg_at_k([False, True], n_relevant=1, k=10), 3)
    0.631
    """
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(list(relevant)[:k]) if r)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, n_relevant)))
    return dcg / ideal if ideal else 0.0


def recall_at_k(relevant: Sequence[bool], n_relevant: int, k: int = 10) -> float:
    """Share of the relevant texts found in the first ``k``, out of at most ``k`` findable.

    Example
    -------
    >>> recall_at_k([True, False, True], n_relevant=4, k=3)
    0.6666666666666666
    """
    found = sum(bool(r) for r in list(relevant)[:k])
    return found / min(k, n_relevant) if n_relevant else 0.0


def evaluate_rankings(
    rankings: list[list[int]],
    relevance: list[np.ndarray],
    k: int = 10,
) -> dict[str, float]:
    """Mean precision@k, nDCG@k and recall@k over queries.

    ``rankings[q]`` are candidate rows, best first; ``relevance[q]`` is a boolean array over
    all rows saying which are relevant to query ``q`` (the query itself excluded). Queries
    with no relevant text are skipped and counted.

    Example
    -------
    >>> rel = [np.array([False, True, True]), np.array([True, False, False])]
    >>> evaluate_rankings([[1, 2], [2, 0]], rel, k=2)["precision"]
    0.75
    """
    p, n, r, skipped = [], [], [], 0
    for ranked, rel in zip(rankings, relevance):
        total = int(rel.sum())
        if total == 0:
            skipped += 1
            continue
        hits = [bool(rel[i]) for i in ranked[:k]]
        p.append(precision_at_k(hits, k))
        n.append(ndcg_at_k(hits, total, k))
        r.append(recall_at_k(hits, total, k))
    return {
        "precision": float(np.mean(p)) if p else 0.0,
        "ndcg": float(np.mean(n)) if n else 0.0,
        "recall": float(np.mean(r)) if r else 0.0,
        "queries": len(p),
        "skipped": skipped,
    }


def random_rankings(candidates: list[np.ndarray], k: int, seed: int = 0) -> list[list[int]]:
    """A uniformly random ranking of each query's candidate rows (the baseline)."""
    rng = np.random.default_rng(seed)
    return [list(rng.permutation(c)[:k]) for c in candidates]
