"""The read side of the exchange: catalogue, search, recommendations, pages and exports.

The public practices (latest approved version of each) are indexed once per state of the
store (``Store.practice_data_version()``, one small query per request). The lexical index is
built at once; sentence embeddings are computed in a background thread and kept in the store's
cache directory (``practices/embeddings.npz``, by text hash), so a search answers lexically
until the semantic part is ready and says which method it used.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass, field

import numpy as np

from regioatlas.analytics.practices import (
    FACETS,
    METHODS,
    WEIGHTS,
    PracticeIndex,
    RegionContext,
    recommend,
)
from regioatlas.analytics.similarity_index import Encoder, SemanticIndex, text_key
from regioatlas.api.downloads import SafeWriter
from regioatlas.api.parameters import CODE_VERSION, LIMIT, METHOD, OFFSET, Param
from regioatlas.api.scorecard_data import ScorecardData
from regioatlas.geo.nuts import NutsRegistry
from regioatlas.geo.regions import resolve_region
from regioatlas.geo.typology import Typology
from regioatlas.model.errors import BadInput, NotFound
from regioatlas.model.practices import APPROVED, current_stage, practice_text
from regioatlas.store.base import Store

log = logging.getLogger("regioatlas.practices")
ATLAS_VERSION = 2024
#: passages per call of the model while embedding in the background
BACKGROUND_BATCH = 8
#: the fields of the CSV export, in order
CSV_FIELDS = ("id", "title", "summary", "region", "region_name", "region_type", "country", "city",
              "themes", "policy_instrument", "language", "organisation", "source", "licence",
              "source_url", "version")  # fmt: skip


#: the declared query parameters of the search and the recommendations (OpenAPI, 400 checks)
SEARCH_PARAMS: tuple[Param, ...] = (
    Param("q", "string", "free text in any language (all practices when empty)"),
    METHOD,
    LIMIT.with_(help="results", maximum=200, default=20),
    OFFSET,
    Param("theme", "string", "a theme (repeatable: any of them)", repeatable=True),
    Param("country", "string", "a country code (repeatable)", repeatable=True),
    Param(
        "region_type",
        "string",
        "metropolis, next_to_metropolis or other (repeatable)",
        repeatable=True,
    ),
    Param("policy_instrument", "string", "a policy instrument (repeatable)", repeatable=True),
    Param("language", "string", "a language code such as en, it (repeatable)", repeatable=True),
)
RECOMMEND_PARAMS: tuple[Param, ...] = (
    Param(
        "challenge",
        "string",
        "the region's challenge as free text (default: its weakest scorecard measures)",
    ),
    CODE_VERSION,
    METHOD,
    LIMIT.with_(help="recommendations", maximum=50, default=10),
)


@dataclass
class Published:
    """The public items of one state of the store, indexed."""

    data_version: str
    index: PracticeIndex
    plans: list[dict]
    transfers: list[dict]
    #: practice id → regions it was transferred to
    transferred: dict[str, list[str]] = field(default_factory=dict)


def _public(versions: list[dict]) -> list[dict]:
    """The latest approved version of each item, as documents with id, version and owner."""
    best: dict[str, dict] = {}
    for v in versions:
        if v["status"] == APPROVED:
            best[v["id"]] = v
    return [
        {"id": i, "version": v["version"], "owner": v["owner"], **v["document"]}
        for i, v in sorted(best.items())
    ]


class PracticeCatalogue:
    """Search, recommendations, pages and exports over one store's public practices.

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> PracticeCatalogue(open_store("duckdb://:memory:")).search({})["total"]
    0
    """

    def __init__(self, store: Store, semantic: bool = True):
        self.store = store
        self.registry = NutsRegistry.default()
        self._typology: Typology | None = None
        self._types_at: dict[int, dict[str, str]] = {}
        self.scorecard = ScorecardData(store, self.registry)
        self._published: Published | None = None
        self._lock = threading.RLock()
        self._semantic = semantic and Encoder.available()
        self._embeddings: dict[str, np.ndarray] = {}
        self._embedding = False
        cache = store.cache_dir()
        self._cache_file = cache / "practices" / "embeddings.npz" if cache is not None else None

    @property
    def typology(self) -> Typology:
        """The typology, loaded when first needed (not when the app starts)."""
        if self._typology is None:
            self._typology = Typology.default()
        return self._typology

    # ------------------------------------------------------------------ state
    def published(self) -> Published:
        """The indexed public items for the store as it is now."""
        version = self.store.practice_data_version()
        current = self._published
        if current is not None and current.data_version == version:
            return current
        with self._lock:
            if self._published is not None and self._published.data_version == version:
                return self._published
            docs = [self._enrich(d) for d in _public(self.store.practice_versions("practice"))]
            self._load_embeddings()
            index = PracticeIndex.build(docs)
            if self._semantic and docs:
                texts = [practice_text(d) for d in docs]
                if all(text_key(t) in self._embeddings for t in texts):
                    semantic = SemanticIndex.build(texts, Encoder.shared(), self._embeddings)
                    index = index.with_semantic(semantic)
                else:
                    self._embed_in_background(version, texts)
            transfers = _public(self.store.practice_versions("transfer"))
            moved: dict[str, list[str]] = {}
            for t in transfers:
                moved.setdefault(t["practice"], []).append(t["region"])
            plans = _public(self.store.practice_versions("plan"))
            self._published = Published(version, index, plans, transfers, moved)
            return self._published

    def _enrich(self, doc: dict) -> dict:
        """A public practice with its region's name, typology class and map point."""
        code = doc.get("region") or ""
        try:
            region = self.registry.get(code, ATLAS_VERSION)
            doc["region_name"] = region.name_latin
            extent = self.registry.extent(code, ATLAS_VERSION)
            if extent is not None:
                doc["lon"], doc["lat"] = extent.centroid
            doc["region_type"] = self._type(code)
        except NotFound:
            doc["region_name"], doc["region_type"] = None, None
        return doc

    def _type(self, code: str) -> str | None:
        if len(code) - 2 not in (2, 3):
            return None
        try:
            return self.typology.classify(code, ATLAS_VERSION).type
        except (NotFound, BadInput):
            return None

    def _load_embeddings(self) -> None:
        if self._embeddings or self._cache_file is None or not self._cache_file.exists():
            return
        with np.load(self._cache_file, allow_pickle=False) as z:
            self._embeddings = dict(zip(z["keys"].tolist(), z["vectors"]))

    def _embed_in_background(self, data_version: str, texts: list[str]) -> None:
        """Embed ``texts`` in a thread, then add the semantic part to the index of
        ``data_version`` in place of it (no rebuild: requests keep their lexical answers
        meanwhile, and the first request after the swap costs nothing more)."""
        if self._embedding:
            return
        self._embedding = True

        def work() -> None:
            try:
                # small batches: a query embedding (another feature's) waits for one batch only
                encoder = Encoder.shared()
                todo = sorted(
                    {text_key(t): t for t in texts if text_key(t) not in self._embeddings}.items()
                )
                vectors = encoder.passages([t for _, t in todo], batch=BACKGROUND_BATCH)
                self._embeddings.update(zip((k for k, _ in todo), vectors))
                semantic = SemanticIndex.build(texts, encoder, self._embeddings)
                if self._cache_file is not None:
                    self._cache_file.parent.mkdir(parents=True, exist_ok=True)
                    keys = list(self._embeddings)
                    np.savez(self._cache_file, keys=np.array(keys),
                             vectors=np.stack([self._embeddings[k] for k in keys]))  # fmt: skip
                with self._lock:
                    current = self._published
                    if current is not None and current.data_version == data_version:
                        current.index = current.index.with_semantic(semantic)
                    else:  # the store changed meanwhile: the next request indexes it anew
                        self._published = None
            except Exception:  # the lexical method keeps answering; the log says why
                log.exception("embedding the practices failed")
            finally:
                self._embedding = False

        threading.Thread(target=work, name="practice-embeddings", daemon=True).start()

    def semantic_ready(self) -> bool:
        """Whether searches use the semantic method now (False while embeddings are computed)."""
        return self.published().index.semantic is not None

    # ------------------------------------------------------------------ search
    def search(self, query: dict) -> dict:
        """Public practices for ``q`` in any language, filtered by facets (repeatable:
        theme, country, region_type, policy_instrument, language), with facet counts."""
        text = _one(query, "q") or ""
        method = (_one(query, "method") or "hybrid").strip().lower()
        if method not in METHODS:
            raise BadInput(
                f"method must be one of {', '.join(METHODS)}, not {method!r}", parameter="method"
            )
        limit = _int(query, "limit", 20, 1, 200)
        offset = _int(query, "offset", 0, 0, 1_000_000)
        filters = {f: _many(query, f) for f in FACETS}
        result = self.published().index.search(text, filters, method, limit, offset)
        result.update({"q": text, "limit": limit, "offset": offset, "filters": filters})
        if method != "lexical" and result["method"] == "lexical":
            result["note"] = "the semantic index is being built; this answer is lexical"
        return result

    # ------------------------------------------------------------------ recommendations
    def region_context(self, code: str, k: int = 20) -> RegionContext:
        """What the recommender uses about a region: its class, peers and weakest measures
        (computed once per region and state of the scorecard data)."""
        return self.scorecard.cached(
            ("practice-context", code, k), lambda: self._region_context(code, k)
        )

    def _types(self, level: int) -> dict[str, str]:
        """Region code → typology class at a level (the typology is shipped data: read once)."""
        if level not in self._types_at:
            self._types_at[level] = (
                {c: t.type for c, t in self.typology.regions(ATLAS_VERSION, level).items()}
                if level in (2, 3)
                else {}
            )
        return self._types_at[level]

    def _region_context(self, code: str, k: int) -> RegionContext:
        level = len(code) - 2
        types = self._types(level)
        peers: dict[str, float] = {}
        weak: tuple[tuple[str, str], ...] = ()
        if level in (2, 3):
            from regioatlas.analytics.scorecard import find_peers

            section = self.scorecard.section(level)
            peers = {c: d for c, d, _ in find_peers(section, code, k)}
            if code in section.codes and section.indicators:
                z = section.z_scores()[section.codes.index(code)]
                directed = [
                    (float(z[j]) * ind.direction, ind)
                    for j, ind in enumerate(section.indicators)
                    if z[j] == z[j]
                ]
                weak = tuple(
                    (ind.id, ind.title) for _, ind in sorted(directed, key=lambda p: p[0])[:3]
                )
        return RegionContext(code, types.get(code), peers, types, weak)

    def recommendations(self, code: str, query: dict) -> dict:
        """Practices for a region (any NUTS version), best first, with the reasons."""
        resolved = resolve_region(code, _one(query, "version"), self.registry, parameter="code")
        region = resolved.code
        challenge = (_one(query, "challenge") or "").strip() or None
        limit = _int(query, "limit", 10, 1, 50)
        method = (_one(query, "method") or "hybrid").strip().lower()
        if method not in METHODS:
            raise BadInput(
                f"method must be one of {', '.join(METHODS)}, not {method!r}", parameter="method"
            )
        context = self.region_context(region)
        published = self.published()
        items = recommend(published.index, context, challenge, published.transferred, limit, method)
        return {
            "region": {
                "code": region,
                "name": self.registry.get(region, ATLAS_VERSION).name_latin,
                "type": context.type,
            },  # fmt: skip
            "resolved": {"code": resolved.as_dict()},
            "challenge": challenge
            or {"weakest_measures": [{"id": i, "name": n} for i, n in context.weak_measures]},
            "peers": [
                {"code": c, "distance": round(d, 4)}
                for c, d in sorted(context.peers.items(), key=lambda p: p[1])
            ],
            "method": "lexical" if published.index.semantic is None else method,
            "weights": dict(WEIGHTS),
            "items": items,
        }

    # ------------------------------------------------------------------ pages
    def practice_page(self, practice_id: str) -> dict:
        """A public practice with where it was transferred (and what happened) and the plans
        that adopt it."""
        published = self.published()
        row = published.index.rows.get(practice_id)
        if row is None:
            raise NotFound(f"no published practice {practice_id!r}", parameter="id")
        transfers = [
            {**t, "stage": current_stage(t), "region_name": self._name(t["region"])}
            for t in published.transfers
            if t["practice"] == practice_id
        ]
        plans = [{"id": p["id"], "title": p["title"], "region": p["region"]} for p in published.plans
                 if practice_id in p.get("practices", [])]  # fmt: skip
        return {**published.index.docs[row], "transfers": transfers, "adopted_by": plans}

    def _name(self, code: str) -> str | None:
        try:
            return self.registry.get(code, ATLAS_VERSION).name_latin
        except NotFound:
            return None

    def plan_page(self, plan_id: str) -> dict:
        """A public action plan with each KPI's progress from baseline towards target."""
        published = self.published()
        for plan in published.plans:
            if plan["id"] == plan_id:
                adopted = [p for p in plan.get("practices", []) if p in published.index.rows]
                return {**plan, "practices": adopted, "region_name": self._name(plan["region"]),
                        "actions": [_with_progress(a) for a in plan.get("actions", [])]}  # fmt: skip
        raise NotFound(f"no published action plan {plan_id!r}", parameter="id")

    def plans(self, region: str | None = None) -> dict:
        """Public action plans (of one region, any NUTS version, and the regions within it)."""
        resolved = (
            resolve_region(region, None, self.registry, parameter="region") if region else None
        )
        items = [
            {k: p.get(k) for k in ("id", "title", "region", "practices")}
            for p in self.published().plans
            if resolved is None or p["region"].startswith(resolved.code)
        ]
        out: dict = {"total": len(items), "items": items}
        if resolved is not None:
            out["resolved"] = {"region": resolved.as_dict()}
        return out

    # ------------------------------------------------------------------ exports
    def export_csv(self, query: dict) -> str:
        """The search's practices (every page) as CSV, formula-safe."""
        result = self.search({**query, "limit": "200", "offset": "0"})
        total, rows = result["total"], list(result["items"])
        while len(rows) < total:
            more = self.search({**query, "limit": "200", "offset": str(len(rows))})["items"]
            if not more:
                break
            rows.extend(more)
        docs = {d["id"]: d for d in self.published().index.docs}
        buf = io.StringIO()
        writer = SafeWriter(buf)
        writer.writerow(CSV_FIELDS)
        for item in rows:
            doc = docs[item["id"]]
            writer.writerow(
                ["; ".join(doc.get(f) or []) if f == "themes" else doc.get(f) for f in CSV_FIELDS]
            )
        return buf.getvalue()

    def export_jsonld(self, base_url: str) -> dict:
        """Every public practice as JSON-LD (schema.org CreativeWork, with its place)."""
        graph = []
        for d in self.published().index.docs:
            graph.append(
                {
                    "@id": f"{base_url}/practice/{d['id']}",
                    "@type": "CreativeWork",
                    "name": d.get("title"),
                    "abstract": d.get("summary"),
                    "keywords": d.get("themes") or [],
                    "inLanguage": d.get("language"),
                    "license": d.get("licence"),
                    "creditText": d.get("attribution"),
                    "isBasedOn": d.get("source_url"),
                    "version": d.get("version"),
                    "spatialCoverage": {
                        "@type": "AdministrativeArea",
                        "identifier": d.get("region"),
                        "name": d.get("region_name"),
                    },  # fmt: skip
                }
            )
        return {"@context": "https://schema.org/", "@graph": graph}


def _with_progress(action: dict) -> dict:
    """An action whose KPIs carry ``progress``: the share of the way from baseline to target
    the latest observed value has gone (None without the three)."""
    kpis = []
    for k in action.get("kpis", []):
        latest = k["observed"][-1]["value"] if k.get("observed") else None
        base, target = k.get("baseline"), k.get("target")
        progress = None
        if latest is not None and base is not None and target is not None and target != base:
            progress = round((latest - base) / (target - base), 4)
        kpis.append({**k, "latest": latest, "progress": progress})
    return {**action, "kpis": kpis}


def _one(query: dict, name: str) -> str | None:
    value = query.get(name)
    if isinstance(value, list):
        if len(value) > 1:
            raise BadInput(f"{name} is given {len(value)} times; give it once", parameter=name)
        value = value[0] if value else None
    return value


def _many(query: dict, name: str) -> list[str]:
    value = query.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if v and v.strip()]


def _int(query: dict, name: str, default: int, lo: int, hi: int) -> int:
    value = _one(query, name)
    if value is None or str(value).strip() == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise BadInput(f"{name} must be a whole number, not {value!r}", parameter=name) from None
    if not lo <= number <= hi:
        raise BadInput(f"{name} must be between {lo} and {hi}, not {number}", parameter=name)
    return number


__all__ = ["PracticeCatalogue"]
