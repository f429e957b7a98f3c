"""Evaluate the similarity methods on real labelled texts; write docs/evaluation.md.

    .venv/bin/python bench/evaluate_similarity.py   # ~12 min on 2 cores the first time, then seconds

Corpora (read from ../shared/data, never copied): Horizon Europe projects with objectives
(EuroSciVoc fields and call topics as weak labels), JRC public-service innovation cases
(primary sector), URBACT good practices (theme keywords); and a cross-language set of Finnish,
Austrian and Polish operations labelled by theme with a stated rule (``similarity_corpora``).
Every text is the query once; the others are ranked; precision@10 and nDCG@10 against a
random ranking. Embeddings are cached in ~/.cache/regioatlas (delete it to recompute).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine  # noqa: E402
from similarity_corpora import (  # noqa: E402
    CROSSLANG_SOURCES,
    CROSSLANG_THEMES,
    DATA,
    Corpus,
    crosslang_set,
    horizon_europe,
    public_sector_cases,
    urbact_good_practices,
)

from regioatlas.analytics.similarity_index import (  # noqa: E402
    HYBRID_WEIGHT,
    SEMANTIC_MODEL,
    Encoder,
    HybridIndex,
    LexicalIndex,
    SemanticIndex,
    top_k,
)
from regioatlas.analytics.similarity_metrics import evaluate_rankings, random_rankings  # noqa: E402
from regioatlas.analytics.similarity_text import (  # noqa: E402
    PREFIX,
    has_text,
    project_text,
    semantic_text,
)

WEIGHTS = (0.5, HYBRID_WEIGHT, 0.8)
DOC = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"
CACHE = Path.home() / ".cache" / "regioatlas" / "eval_embeddings.npz"
K = 10


# --------------------------------------------------------------------------- embeddings cache
def load_cache() -> dict[str, np.ndarray]:
    if not CACHE.exists():
        return {}
    with np.load(CACHE) as z:
        return dict(zip(z["keys"].tolist(), z["vectors"]))


def save_cache(cache: dict[str, np.ndarray]) -> None:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(cache)
    np.savez(CACHE, keys=np.array(keys), vectors=np.stack([cache[k] for k in keys]))


def progress_printer(label: str):
    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % 320 == 0:
            print(f"  {label}: {stage} {done}/{total}", file=sys.stderr, flush=True)

    return progress


# --------------------------------------------------------------------------- ranking
def rank_all(index, candidates: list[np.ndarray], n: int) -> list[list[int]]:
    """For each text as query, the other candidate rows ranked by the index."""
    out = []
    for i in range(n):
        mask = np.zeros(len(index), dtype=bool)
        mask[candidates[i]] = True
        rows, _ = top_k(index.scores(index.doc_query(i)), K, mask, exclude=[i])
        out.append([int(r) for r in rows])
    return out


def indexes(lex_texts, sem_texts, cache, label, prefix=PREFIX):
    lex = LexicalIndex.build(lex_texts, prefix=prefix)
    sem = SemanticIndex.build(sem_texts, Encoder.shared(), cache, progress=progress_printer(label))
    save_cache(cache)
    out = {"lexical": lex, "semantic": sem}
    for w in WEIGHTS:
        out[_hybrid(w)] = HybridIndex(lex, sem, w)
    return out


def _hybrid(w: float) -> str:
    return f"hybrid, semantic weight {w}" + (" (default)" if w == HYBRID_WEIGHT else "")


def evaluate_corpus(corpus: Corpus, cache) -> list[dict]:
    n = len(corpus.texts)
    ix = indexes(corpus.texts, corpus.semantic_texts, cache, corpus.name)
    everyone = [np.array([j for j in range(n) if j != i]) for i in range(n)]
    rows = []
    rankings = {name: rank_all(index, everyone, n) for name, index in ix.items()}
    rankings["lexical, whole words (no prefix cut)"] = rank_all(
        LexicalIndex.build(corpus.texts, prefix=100), everyone, n
    )
    for kind, labels in corpus.labels.items():
        relevance = []
        for i in range(n):
            rel = np.array([bool(labels[i] & labels[j]) for j in range(n)])
            rel[i] = False
            relevance.append(rel)
        baseline = [
            evaluate_rankings(random_rankings(everyone, K, seed), relevance, K) for seed in range(5)
        ]
        base = {m: float(np.mean([b[m] for b in baseline])) for m in ("precision", "ndcg")}
        rows.append({"label": kind, "method": "random", **base, "queries": baseline[0]["queries"]})
        for name, ranked in rankings.items():
            rows.append({"label": kind, "method": name, **evaluate_rankings(ranked, relevance, K)})
        for r in rows:
            if r["label"] == kind:
                r["vs_random"] = r["precision"] / base["precision"] if base["precision"] else None
    return rows


# --------------------------------------------------------------------------- cross-language
def crosslang_records(store_path: str | None) -> list[dict]:
    from regioatlas.store import open_store

    if store_path:
        with open_store(store_path, read_only=True) as store:
            return store.project_records()
    from regioatlas.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "demo.duckdb")
        build_demo(path)
        with open_store(path, read_only=True) as store:
            return store.project_records()


def evaluate_crosslang(records: list[dict], cache) -> tuple[list[dict], dict]:
    docs = [
        r
        for r in records
        if has_text(r) and (r["source"] in CROSSLANG_SOURCES or r["source"] == "cordis-he-sample")
    ]
    lang = np.array([CROSSLANG_SOURCES.get(r["source"], "en") for r in docs])
    labelled = crosslang_set(docs)
    row_of = {r["id"]: i for i, r in enumerate(docs)}
    theme = np.array([""] * len(docs), dtype=object)
    for pid, _, t in labelled:
        theme[row_of[pid]] = t
    queries = [row_of[pid] for pid, _, _ in labelled]
    variants = {}
    built = {}
    for topics in (True, False):
        lex_texts = [project_text(r, topics=topics) for r in docs]
        sem_texts = [semantic_text(r, topics=topics) for r in docs]
        built[topics] = indexes(lex_texts, sem_texts, cache, f"cross-language (topics={topics})")
        for name in ("lexical", "semantic"):
            variants[(name, "yes" if topics else "no")] = built[topics][name]
    for w in WEIGHTS:
        variants[(_hybrid(w), "no")] = built[False][_hybrid(w)]
    lex_whole = LexicalIndex.build([project_text(r) for r in docs], prefix=100)
    variants[("lexical, whole words (no prefix cut)", "no")] = lex_whole
    out = []
    for (name, topics), index in variants.items():
        per_lang: dict[str, list[float]] = {}
        for q in queries:
            mask = lang != lang[q]
            rel = (theme == theme[q]) & mask
            rows, _ = top_k(index.scores(index.doc_query(q)), K, mask)
            hits = [bool(rel[r]) for r in rows]
            found = sum(hits)
            per_lang.setdefault(lang[q], []).append(found / min(K, int(rel.sum())))
        out.append(
            {
                "method": name,
                "topics": topics,
                **{f"recall_{lg}": float(np.mean(v)) for lg, v in per_lang.items()},
                "recall": float(np.mean([np.mean(v) for v in per_lang.values()])),
            }
        )
    # random: expected share of relevant among the candidates, capped like recall@10
    per_lang = {}
    for q in queries:
        mask = lang != lang[q]
        n_rel = int(((theme == theme[q]) & mask).sum())
        per_lang.setdefault(lang[q], []).append(K * n_rel / mask.sum() / min(K, n_rel))
    out.insert(
        0,
        {
            "method": "random",
            "topics": None,
            **{f"recall_{lg}": float(np.mean(v)) for lg, v in per_lang.items()},
            "recall": float(np.mean([np.mean(v) for v in per_lang.values()])),
        },
    )
    counts: dict[tuple[str, str], int] = {}
    for _, lg, t in labelled:
        counts[(t, lg)] = counts.get((t, lg), 0) + 1
    info = {"documents": len(docs), "labelled": len(labelled), "counts": counts}
    return out, info


# --------------------------------------------------------------------------- report
def fmt(x) -> str:
    return "" if x is None else f"{x:.3f}"


def write_doc(results: dict, crosslang: tuple[list[dict], dict], seconds: float) -> None:
    lines = [
        "# Evaluation of the similarity methods",
        "",
        f"_Run {date.today().isoformat()} on {machine()} in {seconds:.0f} s with "
        "`python bench/evaluate_similarity.py` (reads `../shared/data`; texts are never "
        "copied into the repository)._",
        "",
        "Methods: **lexical** = BM25-weighted stems (words cut to "
        f"{PREFIX} letters, diacritics folded, function words of EN/DE/FI/PL dropped), cosine; "
        f"**semantic** = sentence embeddings of {SEMANTIC_MODEL}, first 600 characters of each "
        "text, cosine; **hybrid** = weighted mean of the two scores, each standardised per query "
        "(z-scores), with the semantic weight given; "
        "**random** = a random ranking (mean of 5 seeds). Every text is the query once and the "
        "others are ranked. precision@10 = share of the top 10 that share a label with the "
        "query; nDCG@10 with binary relevance. `×random` = precision@10 / random precision@10.",
        "",
    ]
    lines += summary(results, crosslang[0])
    for corpus, (meta, rows) in results.items():
        lines += [f"## {corpus}", "", meta, ""]
        for kind in dict.fromkeys(r["label"] for r in rows):
            lines += [
                f"Label: **{kind}**",
                "",
                "| method | precision@10 | nDCG@10 | ×random | queries |",
                "|---|---:|---:|---:|---:|",
            ]
            for r in rows:
                if r["label"] == kind:
                    lines.append(
                        f"| {r['method']} | {fmt(r['precision'])} | {fmt(r['ndcg'])} | "
                        f"{r['vs_random']:.2f} | {r['queries']} |"
                    )
            lines.append("")
    rows, info = crosslang
    langs = sorted({k[1] for k in info["counts"]})
    lines += [
        "## Across languages: Finnish, Austrian and Polish operations with the same theme",
        "",
        "**How the set was made.** From the operations of the three lists of operations in the "
        "demo data (Finnish ERDF/ESF, Austrian ERDF, Polish ERDF 2014-2020), an operation gets a "
        "theme when its *title* matches the theme's regular expression for its language and "
        "no other theme's (`CROSSLANG_THEMES` in `bench/similarity_corpora.py`, e.g. tourism: "
        "FI `matkailu|hotelli`, DE `hotel|touris`, PL `turyst|hotel`). The rule is mechanical "
        "and not checked by hand: a few titles are labelled wrongly (e.g. a Finnish 'hotelli' "
        "that is a start-up incubator). Themes and counts:",
        "",
        "| theme | " + " | ".join(langs) + " |",
        "|---|" + "---:|" * len(langs),
    ]
    for t in CROSSLANG_THEMES:
        lines.append(
            f"| {t} | " + " | ".join(str(info["counts"].get((t, lg), 0)) for lg in langs) + " |"
        )
    lines += [
        "",
        f"**Task.** Each of the {info['labelled']} labelled operations is the query; the "
        f"candidates are all {info['documents']} indexed texts of the three lists and the "
        "Horizon Europe sample *in other languages* (English for Horizon Europe); relevant = "
        "labelled operations of the same theme in another language. recall@10 = relevant found "
        "in the top 10 / min(10, relevant that exist), averaged per query language, then over "
        "the languages. `topics in text` says whether the indexed text includes the priority axis "
        "or intervention category (the Finnish axes carry English words in brackets). The product "
        "indexes the texts without them.",
        "",
        "| method | topics in text | "
        + " | ".join(f"recall@10 from {lg}" for lg in langs)
        + " | mean |",
        "|---|---|" + "---:|" * (len(langs) + 1),
    ]
    for r in rows:
        topics = r["topics"] or ""
        lines.append(
            f"| {r['method']} | {topics} | "
            + " | ".join(fmt(r.get(f"recall_{lg}")) for lg in langs)
            + f" | {fmt(r['recall'])} |"
        )
    lines.append("")
    DOC.write_text("\n".join(lines))


def summary(results: dict, cross: list[dict]) -> list[str]:
    """The figures that chose the default, side by side."""
    default = _hybrid(HYBRID_WEIGHT)
    names = ["random", "lexical", "semantic", default]
    lines = [
        "## Summary: how the default was chosen",
        "",
        "precision@10 per corpus and label; the last line is recall@10 across languages "
        "(texts indexed as the product does, without topics).",
        "",
        "| corpus, label | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for corpus, (_, rows) in results.items():
        for kind in dict.fromkeys(r["label"] for r in rows):
            got = {r["method"]: r["precision"] for r in rows if r["label"] == kind}
            lines.append(
                f"| {corpus}, {kind} | " + " | ".join(fmt(got.get(n)) for n in names) + " |"
            )
    got = {r["method"]: r["recall"] for r in cross if r["topics"] in (None, "no")}
    lines += [
        "| across languages (FI/DE/PL), theme, recall@10 | "
        + " | ".join(fmt(got.get(n)) for n in names)
        + " |",
        "",
        "Within one language the lexical method and the hybrid are close (the lexical one is best "
        "on the Horizon Europe objectives, the hybrid on the shorter JRC and URBACT texts); "
        "across languages the lexical method finds about half of what the semantic and hybrid "
        "ones find. The hybrid with semantic weight "
        f"{HYBRID_WEIGHT} is the default: near the best everywhere. Without the embedding "
        "package the default falls back to lexical.",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a store with the demo data (default: build one)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"no shared data at {DATA}")
    t0 = time.perf_counter()
    cache = load_cache()
    results = {}
    for loader in (horizon_europe, public_sector_cases, urbact_good_practices):
        corpus = loader()
        print(f"== {corpus.name}: {len(corpus.texts)} texts", file=sys.stderr, flush=True)
        meta = f"{len(corpus.texts)} texts; source: {corpus.source}."
        results[corpus.name] = (meta, evaluate_corpus(corpus, cache))
    print("== cross-language", file=sys.stderr, flush=True)
    crosslang = evaluate_crosslang(crosslang_records(args.store), cache)
    write_doc(results, crosslang, time.perf_counter() - t0)
    print(DOC.read_text())


if __name__ == "__main__":
    main()
