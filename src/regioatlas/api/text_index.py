"""The text index of a store, never stale: keyed on ``Store.data_version()``.

Every query asks the store for its data version (one small query); when it changed since the
index was built (an ingest or a removal happened, in this process or another), the index is
rebuilt from ``Store.project_records()`` before answering. The lexical index is persisted in
the store's cache directory (``Store.cache_dir()``: beside a DuckDB file,
``atlas.duckdb.cache/similarity/lexical-<data version>.npz``; for a server store a folder of
the ``cache`` setting) so that other workers and later runs load it instead of rebuilding;
sentence embeddings are kept in ``embeddings.npz`` there, keyed by a hash of each text, so
after an ingest only new or changed texts are embedded. A store without a cache directory
(``:memory:``), or a folder that cannot be written, keeps everything in memory.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from regioatlas.analytics.similarity_index import (
    Encoder,
    HybridIndex,
    LexicalIndex,
    Progress,
    SemanticIndex,
    text_key,
)
from regioatlas.analytics.similarity_text import has_text, project_text, semantic_text
from regioatlas.store.base import Store

log = logging.getLogger("regioatlas.similarity")

METHODS = ("lexical", "semantic", "hybrid")
#: embeddings of the demo data's texts, shipped so that the demo needs no minute of embedding
#: (rebuilt by tools/build_demo_embeddings.py; keyed by text hash, so they are used only for
#: texts that are exactly the same)
SHIPPED_EMBEDDINGS = "similarity/demo_embeddings.npz"


def shipped_embeddings() -> dict[str, np.ndarray]:
    from importlib import resources

    path = resources.files("regioatlas.data").joinpath(SHIPPED_EMBEDDINGS)
    if not path.is_file():
        return {}
    with path.open("rb") as f, np.load(f, allow_pickle=False) as z:
        vectors = z["vectors"].astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return dict(zip(z["keys"].tolist(), vectors))


@dataclass
class TextIndex:
    """The indexed records (those with a title or an objective) and their retrieval methods."""

    data_version: str
    records: list[dict]
    lexical: LexicalIndex
    without_text: int
    row_of: dict[str, int] = field(default_factory=dict)
    semantic: SemanticIndex | None = None

    def __post_init__(self):
        self.row_of = {r["id"]: i for i, r in enumerate(self.records)}

    def __len__(self) -> int:
        return len(self.records)


class TextIndexCache:
    """Keeps one store's ``TextIndex`` current; thread-safe; persisted in the store's cache."""

    def __init__(self, store: Store, directory: str | Path | None = None):
        self.store = store
        if directory is None:
            cache = store.cache_dir()
            directory = cache / "similarity" if cache is not None else None
        self.directory = Path(directory) if directory else None
        self._index: TextIndex | None = None
        self._lock = threading.RLock()
        self._embeddings: dict[str, np.ndarray] | None = None
        self._background: threading.Thread | None = None

    # ----------------------------------------------------------------------- lexical
    def current(self, progress: Progress | None = None) -> TextIndex:
        """The index for the store's data as it is now (rebuilt or loaded when it changed)."""
        version = self.store.data_version()
        index = self._index
        if index is not None and index.data_version == version:
            return index
        with self._lock:
            if self._index is not None and self._index.data_version == version:
                return self._index
            all_records = self.store.project_records()
            records = [r for r in all_records if has_text(r)]
            lexical = self._load_lexical(version, records)
            if lexical is None:
                lexical = LexicalIndex.build([project_text(r) for r in records], progress=progress)
                self._save_lexical(version, records, lexical)
            self._index = TextIndex(version, records, lexical, len(all_records) - len(records))
            return self._index

    def _lexical_path(self, version: str) -> Path | None:
        return self.directory / f"lexical-{version}.npz" if self.directory else None

    def _load_lexical(self, version: str, records: list[dict]) -> LexicalIndex | None:
        path = self._lexical_path(version)
        if path is None or not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError, KeyError):
            return None
        if arrays.get("ids") is None or arrays["ids"].tolist() != [r["id"] for r in records]:
            return None
        return LexicalIndex.from_arrays(arrays)

    def _save_lexical(self, version: str, records: list[dict], lexical: LexicalIndex) -> None:
        path = self._lexical_path(version)
        if path is None:
            return
        arrays = lexical.to_arrays() | {"ids": np.array([r["id"] for r in records])}
        if self._write(path, arrays):
            for old in path.parent.glob("lexical-*.npz"):
                if old != path:
                    old.unlink(missing_ok=True)

    # ----------------------------------------------------------------------- semantic
    def semantic(self, index: TextIndex, progress: Progress | None = None) -> SemanticIndex:
        """The index's sentence embeddings, computing only those not yet in the cache."""
        if index.semantic is not None:
            return index.semantic
        with self._lock:
            if index.semantic is not None:
                return index.semantic
            encoder = Encoder.shared()
            cache = self._load_embeddings()
            texts = [semantic_text(r) for r in index.records]
            before = len(cache)
            index.semantic = SemanticIndex.build(texts, encoder, cache, progress=progress)
            if len(cache) != before:
                keep = {text_key(t) for t in texts}
                self._embeddings = {k: v for k, v in cache.items() if k in keep}
                self._save_embeddings()
            return index.semantic

    def missing_embeddings(self, index: TextIndex) -> int:
        """How many of the index's texts have no embedding yet (what ``semantic`` would embed)."""
        if index.semantic is not None:
            return 0
        cache = self._load_embeddings()
        return len({k for k in (text_key(semantic_text(r)) for r in index.records)} - set(cache))

    def build_in_background(self, index: TextIndex) -> None:
        """Start embedding the index's texts in a thread (once); queries go on meanwhile."""
        with self._lock:
            if self._background is not None and self._background.is_alive():
                return
            self._background = threading.Thread(
                target=self.semantic, args=(index,), name="regioatlas-embeddings", daemon=True
            )
            self._background.start()

    def building(self) -> bool:
        return self._background is not None and self._background.is_alive()

    def wait_for_background(self, timeout: float | None = None) -> None:
        if self._background is not None:
            self._background.join(timeout)

    def retriever(self, index: TextIndex, method: str, progress: Progress | None = None):
        if method == "lexical":
            return index.lexical
        semantic = self.semantic(index, progress)
        return semantic if method == "semantic" else HybridIndex(index.lexical, semantic)

    def _embeddings_path(self) -> Path | None:
        return self.directory / "embeddings.npz" if self.directory else None

    def _load_embeddings(self) -> dict[str, np.ndarray]:
        if self._embeddings is None:
            self._embeddings = shipped_embeddings()
            path = self._embeddings_path()
            if path is not None and path.exists():
                try:
                    with np.load(path, allow_pickle=False) as z:
                        self._embeddings.update(zip(z["keys"].tolist(), z["vectors"]))
                except (OSError, ValueError, KeyError):
                    log.warning("unreadable embeddings cache %s: recomputing", path)
        return self._embeddings

    def _save_embeddings(self) -> None:
        path = self._embeddings_path()
        if path is None or not self._embeddings:
            return
        keys = sorted(self._embeddings)
        self._write(
            path,
            {"keys": np.array(keys), "vectors": np.stack([self._embeddings[k] for k in keys])},
        )

    # ----------------------------------------------------------------------- files
    def _write(self, path: Path, arrays: dict[str, np.ndarray]) -> bool:
        """Write atomically (a temporary file renamed), so a reader never sees half a file."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)  # type: ignore[arg-type]  # numpy stubs mistype **kwds
            os.replace(tmp, path)
            return True
        except OSError as exc:
            log.warning("cannot write the similarity index to %s (%s): kept in memory", path, exc)
            return False
