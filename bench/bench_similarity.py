"""Similarity search over 100,000 texts: index build, top-10 query p95, versus scikit-learn.

Real texts (the 3,885 demo projects and operations with text, plus the 853 JRC public-service
innovation cases from ../shared/data when present) scaled to 100,000 by repetition with
variation: copy k of a text drops each word with probability 0.15 (seeded) and appends two words
drawn from other texts. Embeddings of the unique real texts come from the model (cached); the
copies get the original's vector plus Gaussian noise (sd 0.01 per dimension), renormalised —
stated because embedding 100,000 texts on 2 cores would take hours. Queries are distinct (the
cache of recent query embeddings is emptied before each timing). Targets: lexical query p95
< 20 ms, semantic < 50 ms (model loaded, query embedded in the timing), lexical build < 30 s.
The reference in the same run is scikit-learn NearestNeighbors (brute force, cosine) on the same
vectors; our search is exact too, so its recall@10 against the reference is reported as a check.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _report import p95, write_section  # noqa: E402

from regioatlas.analytics.similarity_index import (  # noqa: E402
    Encoder,
    HybridIndex,
    LexicalIndex,
    SemanticIndex,
    top_k,
)
from regioatlas.analytics.similarity_text import has_text, project_text, semantic_text  # noqa: E402

N = 100_000
QUERIES = 200
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CACHE = Path.home() / ".cache" / "regioatlas" / "eval_embeddings.npz"


def real_texts(store_path: str) -> tuple[list[str], list[str]]:
    from regioatlas.store import open_store

    with open_store(store_path, read_only=True) as store:
        recs = [r for r in store.project_records() if has_text(r)]
    lex, sem = [project_text(r) for r in recs], [semantic_text(r) for r in recs]
    ipso = SHARED / "public_sector_innovation_cases_jrc" / "ips_cases_2022-08.csv"
    if ipso.exists():
        with ipso.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                text = f"{row['name']}\n{row['description']}"
                lex.append(text)
                sem.append(text[:600])
    return lex, sem


def scale(texts: list[str], n: int, seed: int = 0) -> tuple[list[str], list[int]]:
    """``n`` texts: the originals, then varied copies; and each one's original index."""
    rng = random.Random(seed)
    vocab = [w for t in texts[:2000] for w in t.split()][:50_000]
    out, origin = list(texts), list(range(len(texts)))
    while len(out) < n:
        i = rng.randrange(len(texts))
        words = [w for w in texts[i].split() if rng.random() > 0.15]
        out.append(" ".join(words + [rng.choice(vocab), rng.choice(vocab)]))
        origin.append(i)
    return out[:n], origin[:n]


def timed(fn, reps: int) -> list[float]:
    out = []
    for i in range(reps):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    from sklearn.neighbors import NearestNeighbors

    from regioatlas.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "demo.duckdb")
        build_demo(store)
        lex_texts, sem_texts = real_texts(store)
        api = api_latency(store)
    n_real = len(lex_texts)
    texts, origin = scale(lex_texts, N)
    rng = np.random.default_rng(0)
    queries = [lex_texts[i].split("\n")[0] for i in rng.choice(n_real, QUERIES, replace=False)]

    t = time.perf_counter()
    lex = LexicalIndex.build(texts)
    build_s = time.perf_counter() - t
    lex_times = timed(lambda i: top_k(lex.scores(lex.text_query(queries[i])), 10), QUERIES)

    # semantic: real embeddings for the real texts, noisy copies for the rest
    cache = {}
    if CACHE.exists():
        with np.load(CACHE) as z:
            cache = dict(zip(z["keys"].tolist(), z["vectors"]))
    from regioatlas.api.text_index import shipped_embeddings

    cache.update(shipped_embeddings())
    encoder = Encoder.shared()
    t = time.perf_counter()
    real = SemanticIndex.build(sem_texts, encoder, cache).vectors
    embed_s = time.perf_counter() - t
    vectors = real[np.array(origin)] + rng.normal(0, 0.01, (N, real.shape[1])).astype(np.float32)
    vectors[:n_real] = real
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sem = SemanticIndex(vectors.astype(np.float32), encoder.query)
    sem_times = timed(lambda i: top_k(sem.scores(sem.text_query(queries[i])), 10), QUERIES)
    hyb = HybridIndex(lex, sem)
    encoder._queries.clear()  # the query-embedding cache must not help the timing
    hyb_times = timed(lambda i: top_k(hyb.scores(hyb.text_query(queries[i])), 10), QUERIES)
    docs = rng.choice(N, QUERIES, replace=False)
    doc_times = {
        name: timed(lambda i, ix=ix: top_k(ix.scores(ix.doc_query(int(docs[i]))), 10), QUERIES)
        for name, ix in (("lexical", lex), ("semantic", sem), ("hybrid", hyb))
    }

    # the reference: scikit-learn brute-force cosine on the same vectors
    qv = [sem.text_query(q) for q in queries]
    nn = NearestNeighbors(n_neighbors=10, algorithm="brute", metric="cosine").fit(sem.vectors)
    sk_sem = timed(lambda i: nn.kneighbors(qv[i][None, :]), QUERIES)
    ours_sem = timed(lambda i: top_k(sem.scores(qv[i]), 10), QUERIES)
    recall_sem = np.mean(
        [
            len(set(top_k(sem.scores(qv[i]), 10)[0]) & set(nn.kneighbors(qv[i][None, :])[1][0]))
            / 10
            for i in range(QUERIES)
        ]
    )
    lq = [lex.text_query(q) for q in queries]
    nn_lex = NearestNeighbors(n_neighbors=10, algorithm="brute", metric="cosine").fit(lex.matrix)
    sk_lex = timed(lambda i: nn_lex.kneighbors(lq[i]), QUERIES)
    ours_lex = timed(lambda i: top_k(lex.scores(lq[i]), 10), QUERIES)
    recall_lex = np.mean(
        [_overlap(top_k(lex.scores(lq[i]), 10), nn_lex.kneighbors(lq[i])) for i in range(QUERIES)]
    )
    rows = [
        ("lexical: free text → top 10 (analyse, score, rank)", lex_times, "< 20 ms"),
        ("semantic: free text → top 10 (embed the query, score, rank)", sem_times, "< 50 ms"),
        ("hybrid (default): free text → top 10", hyb_times, "< 50 ms"),
        ("lexical: similar to a project (stored vector) → top 10", doc_times["lexical"], "< 20 ms"),
        (
            "semantic: similar to a project (stored vector) → top 10",
            doc_times["semantic"],
            "< 50 ms",
        ),
        ("hybrid: similar to a project (stored vector) → top 10", doc_times["hybrid"], "< 50 ms"),
        ("lexical: ours, query vector given", ours_lex, ""),
        ("lexical: scikit-learn NearestNeighbors brute cosine, same vectors", sk_lex, ""),
        ("semantic: ours, query vector given", ours_sem, ""),
        ("semantic: scikit-learn NearestNeighbors brute cosine, same vectors", sk_sem, ""),
    ]
    body = [
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        f"Corpus: {N:,} texts from {n_real:,} real ones; {len(lex.vocabulary):,} stems; "
        f"{QUERIES} queries (real titles, first line of a random real text).",
        "",
        "| operation | p50 ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    for name, times, target in rows:
        body.append(f"| {name} | {np.median(times):.1f} | {p95(times):.1f} | {target} |")
    body += [
        "",
        f"- Lexical index build, {N:,} texts: **{build_s:.1f} s** (target < 30 s).",
        f"- Embedding lookup/computation of the {n_real:,} real texts: {embed_s:.1f} s "
        "(from the cache; computing them from scratch takes ~1 min for the demo's 3,885).",
        f"- Speed-up over scikit-learn in the same run (p95): lexical "
        f"{p95(sk_lex) / p95(ours_lex):.1f}×, semantic {p95(sk_sem) / p95(ours_sem):.1f}×.",
        f"- Recall@10 of our search against scikit-learn's exact search: lexical "
        f"{recall_lex:.3f}, semantic {recall_sem:.3f}. Both are exact (no approximate index: "
        "the search itself takes ~5 ms over 100,000 vectors; differences could come only from "
        "ties).",
        "- A free-text semantic or hybrid query is dominated by embedding the query "
        "(~1 ms per token on these 2 cores, so a long title costs 40-60 ms); similar-to-a-"
        "project queries use the stored vector.",
        "",
        "Through the API on the demo store (3,885 texts; ASGI app in process, 100 requests "
        "each; the same URL repeated, so after the first request the query's embedding comes "
        "from the cache of recent queries and the partners' participants from theirs):",
        "",
        "| request | p50 ms | p95 ms |",
        "|---|---:|---:|",
    ]
    for name, times in api.items():
        body.append(f"| `{name}` | {np.median(times):.1f} | {p95(times):.1f} |")
    write_section("Similarity search", "\n".join(body))
    print("\n".join(body))


def _overlap(ours, theirs) -> float:
    return len(set(ours[0]) & set(theirs[1][0])) / 10


def api_latency(store: str) -> dict[str, list[float]]:
    from starlette.testclient import TestClient

    from regioatlas.web.app import create_app

    urls = [
        "/api/similar?text=kiertotalous+ja+teolliset+symbioosit&method=lexical",
        "/api/similar?text=kiertotalous+ja+teolliset+symbioosit",
        "/api/similar/fi-rakennerahastot:A70026",
        "/api/overlaps/FI1C6",
        "/api/partners?text=biorefinery&home=FI1C6",
    ]
    out = {}
    with TestClient(create_app(store)) as client:
        for url in urls:
            client.get(url).raise_for_status()  # warm: builds the index once
            out[url] = timed(lambda i, u=url: client.get(u).raise_for_status(), 100)
    return out


if __name__ == "__main__":
    main()
