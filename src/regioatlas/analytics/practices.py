"""Search and recommendation over good practices: pure functions, data in, data out.

* :class:`PracticeIndex` holds the public practices with a lexical index and, when the model
  is there, a semantic one (the similarity engine of ``similarity_index``); :meth:`search`
  ranks them for a free text in any language and filters by facets.
* :func:`recommend` ranks practices for a region: practices from regions like it (same
  typology class, nearest scorecard peers) that address its challenge (a free text, or its
  weakest scorecard measures), each with the reasons.
* :func:`rank_regions` is the same score read the other way (which regions a practice suits),
  what the evaluation measures against the URBACT Transfer Networks.

Nothing here reads a store, a file or a request.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from regioatlas.analytics.similarity_index import (
    Encoder,
    HybridIndex,
    LexicalIndex,
    SemanticIndex,
    top_k,
)
from regioatlas.analytics.similarity_text import surface_forms
from regioatlas.model.practices import practice_text

#: the facets a search filters and counts by (document field → facet name)
FACETS = ("theme", "country", "region_type", "policy_instrument", "language")
#: weights of the recommendation score's parts (they sum to 1). On the URBACT Transfer
#: Networks (docs/evaluation.md) scorecard peers alone rank partner regions worse than random
#: and the typology class no better, and weights tuned on half of the networks gave them 0:
#: they are kept small (tie-breakers that give reasons), the text part decides
WEIGHTS = {"text": 0.8, "peer": 0.05, "type": 0.05, "transfers": 0.10}
METHODS = ("lexical", "semantic", "hybrid")


def facet_values(doc: dict, facet: str) -> list[str]:
    """The values a practice has for one facet.

    Example
    -------
    >>> facet_values({"themes": ["waste", "reuse"]}, "theme")
    ['waste', 'reuse']
    """
    if facet == "theme":
        return list(doc.get("themes") or [])
    value = doc.get(facet)
    return [value] if value else []


@dataclass
class PracticeIndex:
    """Public practices, their text indexes and facet values.

    Everything a request needs that does not depend on the request (region codes per level,
    the facet matrix, the title order, each practice's readable words) is computed once per
    index, that is once per state of the store: a search or a recommendation then costs a few
    array operations over the practices (docs/benchmarks.md, "Good-practice exchange").

    Example
    -------
    >>> ix = PracticeIndex.build([{"id": "a", "title": "Repair café", "region": "FI1C6"},
    ...                           {"id": "b", "title": "School canteens", "region": "FR823"}])
    >>> [h["id"] for h in ix.search("repair")["items"]]
    ['a']
    """

    docs: list[dict]
    lexical: LexicalIndex
    semantic: SemanticIndex | None = None
    rows: dict[str, int] = field(default_factory=dict)
    #: derived arrays, filled when first asked (shared by ``with_semantic`` copies)
    _derived: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        docs: Sequence[dict],
        encoder: Encoder | None = None,
        cache: dict[str, np.ndarray] | None = None,
    ) -> PracticeIndex:
        """Index ``docs`` (each with ``id``); embed them too when an ``encoder`` is given
        (reusing ``cache``: text key → vector)."""
        docs = list(docs)
        texts = [practice_text(d) for d in docs]
        lexical = LexicalIndex.build(texts)
        semantic = SemanticIndex.build(texts, encoder, cache) if encoder and docs else None
        return cls(docs, lexical, semantic, {d["id"]: i for i, d in enumerate(docs)})

    def with_semantic(self, semantic: SemanticIndex) -> PracticeIndex:
        """The same index with a semantic part added (the lexical part and the derived arrays
        are shared, not rebuilt: adding the embeddings costs no request a rebuild)."""
        if len(semantic) != len(self.docs):
            raise ValueError(f"{len(semantic)} vectors for {len(self.docs)} practices")
        return PracticeIndex(self.docs, self.lexical, semantic, self.rows, self._derived)

    def __len__(self) -> int:
        return len(self.docs)

    def _memo(self, key, compute):
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = compute()
        return value

    def codes_at(self, level: int | None) -> np.ndarray:
        """Each practice's region code cut to a NUTS level ("" when it is coarser), or whole
        (``level`` None)."""

        def compute() -> np.ndarray:
            codes = [d.get("region") or "" for d in self.docs]
            if level is not None:
                codes = [c[: 2 + level] if len(c) - 2 >= level else "" for c in codes]
            return np.array(codes, dtype=str)

        return self._memo(("codes", level), compute)

    def code_ids(self, level: int | None) -> tuple[list[str], np.ndarray]:
        """The distinct region codes at a level and each practice's position among them: a
        value per region becomes a value per practice with one fancy index."""

        def compute():
            distinct, inverse = np.unique(self.codes_at(level), return_inverse=True)
            return distinct.tolist(), inverse

        return self._memo(("code_ids", level), compute)

    def per_practice(self, level: int | None, value_of: dict[str, float]) -> np.ndarray:
        """A value per region (``value_of``; NaN for others) spread to each practice."""
        distinct, inverse = self.code_ids(level)
        by_code = np.array([value_of.get(c, np.nan) for c in distinct], dtype=np.float64)
        return by_code[inverse] if len(distinct) else np.zeros(0)

    def types_at(self, level: int, types: dict[str, str]) -> np.ndarray:
        """Each practice's region's typology class at a level (from ``types``; "" unknown)."""

        def compute() -> np.ndarray:
            distinct, inverse = self.code_ids(level)
            by_code = np.array([types.get(c, "") for c in distinct] or [""], dtype=object)
            return by_code[inverse] if distinct else np.zeros(0, dtype=object)

        return self._memo(("types", level), compute)

    def forms(self, row: int) -> dict[str, str]:
        """The readable words of a practice's text by stem (for the reasons), kept once read."""
        key = ("forms", row)
        if key not in self._derived:
            self._derived[key] = surface_forms(practice_text(self.docs[row]), self.lexical.prefix)
        return self._derived[key]

    def shared_terms(self, stems: set[str], row: int, n: int = 8) -> list[str]:
        """Words of practice ``row`` whose stems are in ``stems``, rarest first, as written."""
        vocabulary, idf = self.lexical.vocabulary, self.lexical.idf
        forms = self.forms(row)
        shared = sorted((s for s in forms if s in stems and s in vocabulary),
                        key=lambda s: -idf[vocabulary[s]])  # fmt: skip
        return [forms[s] for s in shared[:n]]

    def engine(self, method: str):
        """The index answering ``method`` (lexical when no model is loaded)."""
        if method == "lexical" or self.semantic is None:
            return self.lexical
        if method == "semantic":
            return self.semantic
        return HybridIndex(self.lexical, self.semantic)

    def facet_rows(self) -> dict[str, dict[str, np.ndarray]]:
        """facet → value → the rows having it (an inverted index, built once)."""

        def compute():
            found: dict[str, dict[str, list[int]]] = {f: {} for f in FACETS}
            for i, doc in enumerate(self.docs):
                for facet in FACETS:
                    for value in facet_values(doc, facet):
                        found[facet].setdefault(value, []).append(i)
            return {
                f: {v: np.array(rows, dtype=np.int64) for v, rows in values.items()}
                for f, values in found.items()
            }

        return self._memo("facet_rows", compute)

    def facet_matrix(self) -> tuple[list[tuple[str, str]], sparse.csr_matrix]:
        """(facet, value) pairs and the 0/1 matrix pairs × practices: every facet count of a
        search is one sparse product with the mask of what matched."""

        def compute():
            pairs, cols, indptr = [], [], [0]
            for facet, values in self.facet_rows().items():
                for value, rows in values.items():
                    pairs.append((facet, value))
                    cols.extend(rows.tolist())
                    indptr.append(len(cols))
            data = np.ones(len(cols), dtype=np.int32)
            shape = (len(pairs), len(self.docs))
            return pairs, sparse.csr_matrix((data, cols, indptr), shape=shape)

        return self._memo("facet_matrix", compute)

    def title_order(self) -> np.ndarray:
        """The rows sorted by title (case-folded): the order of a search without text."""
        return self._memo(
            "title_order",
            lambda: np.array(
                sorted(
                    range(len(self.docs)),
                    key=lambda i: (self.docs[i].get("title") or "").casefold(),
                ),
                dtype=np.int64,
            ),  # fmt: skip
        )

    def mask(self, filters: dict[str, list[str]]) -> np.ndarray:
        """Rows matching every facet filter (any of the values given for a facet)."""
        keep = np.ones(len(self.docs), dtype=bool)
        index = self.facet_rows()
        for facet, wanted in filters.items():
            if wanted:
                having = np.zeros(len(self.docs), dtype=bool)
                for value in wanted:
                    rows = index.get(facet, {}).get(value)
                    if rows is not None:
                        having[rows] = True
                keep &= having
        return keep

    def text_scores(self, text: str, method: str = "hybrid") -> np.ndarray:
        """Every practice's score for a free text (0 for all when the text is empty)."""
        if not text.strip() or not self.docs:
            return np.zeros(len(self.docs))
        engine = self.engine(method)
        return np.asarray(engine.scores(engine.text_query(text)), dtype=np.float64)

    def search(
        self,
        text: str = "",
        filters: dict[str, list[str]] | None = None,
        method: str = "hybrid",
        limit: int = 10,
        offset: int = 0,
    ) -> dict:
        """Practices for a free text in any language (all when empty), filtered by facets,
        with the facet counts of what matched: ``{total, method, items, facets}``."""
        mask = self.mask(filters or {})
        used = method if self.semantic is not None else "lexical"
        if text.strip():
            scores = self.text_scores(text, used)
            if used == "lexical":
                mask &= scores > 0
            rows, values = top_k(scores, offset + limit, mask)
            rows, values = rows[offset:], values[offset:]
            total = int(mask.sum())
        else:
            order = self.title_order()
            matched = order[mask[order]]
            rows = matched[offset : offset + limit]
            values = np.full(len(rows), np.nan)
            total = len(matched)
        pairs, matrix = self.facet_matrix()
        counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for (facet, value), n in zip(pairs, matrix @ mask.astype(np.int32)):
            if n:
                counts[facet][value] = int(n)
        items = [
            {**_summary(self.docs[i]), "score": None if math.isnan(s) else round(float(s), 4)}
            for i, s in zip(rows, values)
        ]
        return {
            "total": total,
            "method": used,
            "items": items,
            "facets": {
                f: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
                for f, c in counts.items()
            },
        }


#: what a search hit or a recommendation shows of a practice
SUMMARY_FIELDS = ("id", "title", "summary", "region", "region_name", "region_type", "country", "city",
                  "themes", "language", "policy_instrument", "source", "lon", "lat")  # fmt: skip


def _summary(doc: dict) -> dict:
    return {k: doc.get(k) for k in SUMMARY_FIELDS}


@dataclass(frozen=True)
class RegionContext:
    """What the recommender knows of the region asked for.

    ``peers`` maps a peer region's code (same level) to its scorecard distance; ``types`` a
    region code to its typology class (``metropolis``, ``next_to_metropolis``, ``other``);
    ``weak_measures`` the region's weakest measures (id, name), weakest first.
    """

    code: str
    type: str | None
    peers: dict[str, float]
    types: dict[str, str]
    weak_measures: tuple[tuple[str, str], ...] = ()


def _up(code: str | None, level: int) -> str:
    return (code or "")[: 2 + level]


def recommend(
    index: PracticeIndex,
    region: RegionContext,
    challenge: str | None,
    transfers: dict[str, list[str]],
    limit: int = 10,
    method: str = "hybrid",
    weights: dict[str, float] | None = None,
) -> list[dict]:
    """Practices for ``region``, best first, each with its score and reasons.

    The score is a weighted sum (:data:`WEIGHTS`) of: the text match between the challenge
    (``challenge``, else the names of the region's weakest measures) and the practice,
    scaled to [0, 1] over the candidates; the peer closeness of the practice's region
    (1 / (1 + distance) for a scorecard peer, else 0); 1 when the practice's region has the
    region's typology class; and the evidence of transfers (``transfers``: practice id →
    regions it was transferred to; 1 from three transfers on). Practices of the region itself
    are left out. ``weights`` replaces :data:`WEIGHTS`.

    Example
    -------
    >>> ix = PracticeIndex.build([{"id": "a", "title": "Repair café against waste", "region": "AT127"}])
    >>> ctx = RegionContext("FI1C6", "next_to_metropolis", {"AT127": 0.8}, {"AT127": "next_to_metropolis"})
    >>> recommend(ix, ctx, "waste", {})[0]["reasons"]["peer"]["distance"]
    0.8
    """
    weights = WEIGHTS if weights is None else weights
    level = len(region.code) - 2
    text = challenge or ". ".join(name for _, name in region.weak_measures)
    raw = index.text_scores(text, method) if text else np.zeros(len(index))
    lo, hi = (float(raw.min()), float(raw.max())) if len(raw) else (0.0, 0.0)
    textual = (raw - lo) / (hi - lo) if hi > lo else np.zeros(len(raw))
    homes = index.codes_at(level)  # each practice's region at the asked level ("" when coarser)
    # the region's own practices: within it, or of a region holding it (its NUTS 1 or 2)
    own = homes == region.code
    own |= np.isin(index.codes_at(None), [region.code[:k] for k in range(3, len(region.code))])
    distance_of = index.per_practice(level, region.peers)
    peer = np.where(np.isnan(distance_of), 0.0, 1 / (1 + np.nan_to_num(distance_of)))
    same_type = (
        index.types_at(level, region.types) == region.type
        if region.type
        else np.zeros(len(index), dtype=bool)
    )
    moved = np.zeros(len(index))
    for practice_id, regions in transfers.items():
        row = index.rows.get(practice_id)
        if row is not None:
            moved[row] = min(3, len(regions)) / 3
    parts = {
        "text": textual,
        "peer": peer,
        "type": same_type.astype(np.float64),
        "transfers": moved,
    }
    total = np.zeros(len(index))
    for name, values in parts.items():
        total += weights.get(name, 0.0) * values
    rows, values = (
        top_k(total, limit, ~own) if len(index) else (np.zeros(0, dtype=np.int64), np.zeros(0))
    )
    stems = index.lexical.stems(text) if text else set()
    weak_stems = [(m, name, index.lexical.stems(name)) for m, name in region.weak_measures]
    out = []
    for i, score in zip(rows, values):
        doc = index.docs[i]
        distance = None if np.isnan(distance_of[i]) else float(distance_of[i])
        out.append(
            {
                "practice": _summary(doc),
                "score": round(float(score), 4),
                "parts": {k: round(float(v[i]), 4) for k, v in parts.items()},
                "reasons": {
                    "peer": {"region": str(homes[i]), "distance": round(distance, 4)}
                    if distance is not None
                    else None,
                    "same_type": region.type if same_type[i] else None,
                    "shared_terms": index.shared_terms(stems, i) if stems else [],
                    "measure": _measure_moved(index, weak_stems, int(i)),
                    "transfers": transfers.get(doc["id"], []),
                },
            }
        )
    return out


def _measure_moved(
    index: PracticeIndex, weak: list[tuple[str, str, set[str]]], row: int
) -> dict | None:
    """The weak measure (id, name, stems) whose name practice ``row`` shares most words with."""
    best, best_n = None, 0
    for measure_id, name, stems in weak:
        n = len(index.shared_terms(stems, row))
        if n > best_n:
            best, best_n = {"id": measure_id, "name": name}, n
    return best


def rank_regions(
    practice_region: str,
    text_scores: dict[str, float],
    peer_distance: Callable[[str, str], float | None],
    types: dict[str, str],
    candidates: Sequence[str],
    weights: dict[str, float] | None = None,
) -> list[tuple[str, float]]:
    """Candidate regions ranked for one practice (the recommender read the other way).

    ``text_scores`` region → match between the practice and the region's challenge text
    (scaled here to [0, 1]); ``peer_distance(a, b)`` the scorecard distance of two regions
    or None; ``types`` region → typology class. Parts and default weights as in
    :func:`recommend` (no transfer part: the transfers are what is predicted).

    Example
    -------
    >>> rank_regions("FI1C6", {"AT127": 0.2, "SE110": 0.9}, lambda a, b: None, {}, ["AT127", "SE110"])[0][0]
    'SE110'
    """
    w = dict(weights or {"text": WEIGHTS["text"], "peer": WEIGHTS["peer"], "type": WEIGHTS["type"]})
    values = [text_scores.get(c, 0.0) for c in candidates]
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    home_type = types.get(practice_region)
    out = []
    for code, raw in zip(candidates, values):
        distance = peer_distance(practice_region, code)
        parts = {
            "text": (raw - lo) / (hi - lo) if hi > lo else 0.0,
            "peer": 1 / (1 + distance) if distance is not None else 0.0,
            "type": 1.0 if home_type and types.get(code) == home_type else 0.0,
        }
        out.append((code, sum(w.get(k, 0.0) * v for k, v in parts.items())))
    out.sort(key=lambda cs: (-cs[1], cs[0]))
    return out
