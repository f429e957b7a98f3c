"""Similarity analytics, the two retrieval methods and the index kept current with the store.

Real stores built from the demo files shipped in the package; the short sentences in four
languages below are constructed test inputs (written for these tests, not real data).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from regioatlas.analytics.similarity import (
    Anchor,
    months_overlap,
    overlap_pairs,
    rank_partners,
    relate,
    shared_regions,
)
from regioatlas.analytics.similarity_index import (
    Encoder,
    HybridIndex,
    LexicalIndex,
    SemanticIndex,
    top_k,
)
from regioatlas.analytics.similarity_metrics import evaluate_rankings, ndcg_at_k, recall_at_k
from regioatlas.analytics.similarity_text import fold, has_text, project_text, terms

# constructed: the same three ideas in English, Finnish, German and Polish
IDEAS = {
    "circular": [
        "Circular economy and recycling of industrial waste in small companies",
        "Kiertotalous ja teollisuuden jätteiden kierrätys pienissä yrityksissä",
        "Kreislaufwirtschaft und Recycling von Industrieabfällen in kleinen Unternehmen",
        "Gospodarka o obiegu zamkniętym i recykling odpadów przemysłowych w małych firmach",
    ],
    "tourism": [
        "Digital marketing for nature tourism and hotels",
        "Luontomatkailun ja hotellien digitaalinen markkinointi",
        "Digitales Marketing für Naturtourismus und Hotels",
        "Marketing cyfrowy dla turystyki przyrodniczej i hoteli",
    ],
    "care": [
        "Home care services for elderly people living alone",
        "Kotihoitopalvelut yksin asuville ikäihmisille",
        "Häusliche Pflegedienste für allein lebende ältere Menschen",
        "Usługi opieki domowej dla osób starszych mieszkających samotnie",
    ],
}


def test_terms_fold_drop_function_words_and_cut_words():
    assert fold("Päijät-Häme Łódź Straße") == "paijat-hame lodz strasse"
    assert terms("the and of ja und i") == []
    assert terms("Kiertotalouden kehittäminen") == ["kierto", "kehitt"]
    # the cut merges international cognates across languages, nothing more
    assert {t for t in terms("digitalisaatio Digitalisierung digitalizacja")} == {"digita"}
    assert project_text({"title": "T", "objective": "O", "topics": ["x"]}) == "T\nO"
    assert not has_text({"title": " ", "objective": None})


def test_lexical_index_ranks_by_shared_rare_terms_and_round_trips():
    texts = [t for ideas in IDEAS.values() for t in ideas]
    ix = LexicalIndex.build(texts)
    rows, scores = top_k(ix.scores(ix.doc_query(0)), 3, exclude=[0])
    assert texts[rows[0]] in IDEAS["circular"]  # "Recycling" in the German text
    assert scores[0] > 0 and list(scores) == sorted(scores, reverse=True)
    again = LexicalIndex.from_arrays(ix.to_arrays())
    q = again.text_query("hotels and tourism")
    assert np.allclose(again.scores(q), ix.scores(ix.text_query("hotels and tourism")))
    assert ix.text_query("zzzz qqqq").nnz == 0  # unknown words: an empty query, no crash
    mask = np.zeros(len(texts), dtype=bool)
    mask[8:] = True
    rows, _ = top_k(ix.scores(ix.text_query("hotels")), 5, mask)
    assert all(r >= 8 for r in rows)


def test_semantic_model_matches_the_same_idea_across_languages():
    encoder = Encoder.shared()
    texts = [t for ideas in IDEAS.values() for t in ideas]
    theme = [k for k, ideas in IDEAS.items() for _ in ideas]
    sem = SemanticIndex.build(texts, encoder)
    lex = LexicalIndex.build(texts)
    found = {"semantic": 0, "lexical": 0}
    for i in range(len(texts)):
        for name, ix in (("semantic", sem), ("lexical", lex)):
            rows, _ = top_k(ix.scores(ix.doc_query(i)), 3, exclude=[i])
            found[name] += sum(theme[r] == theme[i] for r in rows)
    # 12 queries x 3 same-idea texts in other languages = 36 findable
    assert found["semantic"] >= 30
    assert found["semantic"] > found["lexical"]
    q = sem.text_query("recykling odpadów")  # a Polish query finds the other languages
    rows, _ = top_k(sem.scores(q), 4, exclude=[11])
    assert {theme[r] for r in rows[:3]} == {"circular"}
    hybrid = HybridIndex(lex, sem)
    assert hybrid.scores(hybrid.doc_query(0)).shape == (len(texts),)


def test_semantic_build_reuses_the_cache():
    encoder = Encoder.shared()
    cache: dict = {}
    SemanticIndex.build(IDEAS["care"], encoder, cache)
    assert len(cache) == 4
    calls = []
    SemanticIndex.build(
        IDEAS["care"], encoder, cache, progress=lambda *a: calls.append(a)
    )  # everything cached: nothing embedded
    assert calls == []


def test_relations_overlap_synergy_related():
    here = Anchor(("FI1C6",), ("LAB",), date(2019, 1, 1), date(2020, 12, 31), "p0")
    lahti = (25.66, 60.98)
    centroid = {"FI1C6": lahti, "AT312": (14.3, 48.3), "FI1B1": (24.9, 60.2)}.get

    def rec(regions, orgs, start, end):
        return {"regions": regions, "organisations": orgs, "start_date": start, "end_date": end}

    same_place = relate(here, rec(["FI1C6"], ["X"], date(2020, 1, 1), date(2022, 1, 1)), centroid)
    assert same_place["kind"] == "overlap" and same_place["months_overlap"] == 12.0
    same_org = relate(here, rec(["AT312"], ["LAB"], date(2020, 6, 1), date(2021, 1, 1)), centroid)
    assert same_org["kind"] == "overlap" and same_org["same_beneficiary"] == ["LAB"]
    elsewhere = relate(here, rec(["AT312"], ["Y"], date(2020, 6, 1), date(2021, 1, 1)), centroid)
    assert elsewhere["kind"] == "synergy" and 1400 < elsewhere["distance_km"] < 1600
    recent = relate(here, rec(["FI1B1"], ["Y"], date(2015, 1, 1), date(2017, 6, 1)), centroid)
    assert recent["kind"] == "synergy" and recent["period"] == "recent"
    old = relate(here, rec(["FI1B1"], ["Y"], date(2008, 1, 1), date(2010, 1, 1)), centroid)
    assert old["kind"] == "related" and old["period"] == "earlier"
    earlier_here = relate(here, rec(["FI1C6"], ["Y"], date(2015, 1, 1), date(2016, 1, 1)), centroid)
    assert earlier_here["kind"] == "related"
    no_dates = relate(here, rec(["FI1C6"], ["Y"], None, None), centroid)
    assert no_dates["kind"] == "overlap" and no_dates["period"] == "unknown"
    assert (
        shared_regions(["FI1C"], ["FI1C6"]) == ["FI1C"] and shared_regions(["FI"], ["FI1C6"]) == []
    )
    assert (
        months_overlap(date(2020, 1, 1), date(2020, 1, 31), date(2021, 1, 1), date(2021, 2, 1)) == 0
    )


def test_overlap_pairs_and_partners():
    recs = [
        {"start_date": date(2020, 1, 1), "end_date": date(2021, 1, 1)},
        {"start_date": date(2020, 6, 1), "end_date": date(2022, 1, 1)},
        {"start_date": None, "end_date": None},
    ]
    sim = np.array([[1, 0.8, 0.6], [0.8, 1, 0.2], [0.6, 0.2, 1]])
    assert overlap_pairs(recs, sim, 0.5, 10) == [(0, 1, 0.8), (0, 2, 0.6)]
    assert overlap_pairs(recs, sim, 0.7, 10) == [(0, 1, 0.8)]
    parts = {
        "p1": [
            {"key": "A", "name": "A Oy", "region": "FI1C6", "country": "FI"},
            {"key": "B", "name": "B GmbH", "region": "AT312", "country": "AT"},
            {"key": "C", "name": "C SA", "region": "PL911", "country": "PL"},
        ],
        "p2": [{"key": "C", "name": "C SA", "region": "PL911", "country": "PL"}],
    }
    ranked = rank_partners([("p1", 0.5), ("p2", 0.5)], parts, "FI", exclude_orgs=["b"])
    assert [(p.name, p.relevance, len(p.projects)) for p in ranked] == [("C SA", 2.0, 2)]


def test_metrics():
    assert ndcg_at_k([True, True], 2) == 1.0
    assert recall_at_k([True, False], n_relevant=1, k=2) == 1.0
    rel = [np.array([False, True, False]), np.array([False, False, False])]
    out = evaluate_rankings([[1, 2], [0, 1]], rel, k=2)
    assert out["precision"] == 0.5 and out["queries"] == 1 and out["skipped"] == 1


@pytest.fixture()
def small_store(store):
    """A real store with the Austrian list of operations (49 operations, shipped demo file)."""
    from regioatlas.demo import demo_file
    from regioatlas.ingest import ingest

    ingest(store, "at-efre", [demo_file("AT_ERDF_2014-2020_Vorhabensliste.csv")])
    return store


def test_index_follows_the_store_and_is_persisted(small_store, tmp_path):
    from regioatlas.api.text_index import TextIndexCache
    from regioatlas.demo import demo_file
    from regioatlas.ingest import ingest

    cache = TextIndexCache(small_store)
    first = cache.current()
    assert len(first) == 49 and cache.current() is first
    assert list(cache.directory.glob("lexical-*.npz"))
    # another worker on the same store loads the persisted index instead of rebuilding it
    other = TextIndexCache(small_store).current()
    assert other.lexical.vocabulary == first.lexical.vocabulary
    sem = cache.semantic(first)
    assert sem.vectors.shape == (49, 384)
    assert cache.missing_embeddings(first) == 0  # shipped with the demo data
    ingest(small_store, "pl-mapadotacji", [demo_file("PL_ERDF_2014-2020_projects.csv")],
           allow_partial=True)  # fmt: skip
    second = cache.current()  # never stale: the data version changed
    assert second is not first and len(second) == 49 + 749
    assert "pl-mapadotacji" in {r["source"] for r in second.records}
    assert len(list(cache.directory.glob("lexical-*.npz"))) == 1  # the old one is gone
    # only the new texts would need embedding; the demo texts ship with their embeddings
    assert cache.missing_embeddings(second) == 0
    assert cache.semantic(second).vectors.shape == (798, 384)


def test_new_texts_are_embedded_once_and_kept_beside_the_store(small_store):
    from regioatlas.api.text_index import TextIndex, TextIndexCache

    # constructed records (not real projects): texts no shipped embedding covers
    records = [{"id": f"t:{i}", "title": t, "objective": None, "topics": []}
               for i, t in enumerate(IDEAS["care"])]  # fmt: skip
    index = TextIndex("v1", records, LexicalIndex.build(IDEAS["care"]), 0)
    cache = TextIndexCache(small_store)
    assert cache.missing_embeddings(index) == 4
    cache.semantic(index)
    assert (cache.directory / "embeddings.npz").exists()
    again = TextIndex("v1", records, index.lexical, 0)
    assert TextIndexCache(small_store).missing_embeddings(again) == 0
