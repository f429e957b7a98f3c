"""Precision and recall of the organisation matching, from a hand-checked sample of pairs.

    python bench/evaluate_organisations.py                 # the figures, from the committed CSV
    python bench/evaluate_organisations.py sample STORE    # draw a new sample to check by hand

``sample`` draws candidate pairs of participations from a store holding the bundled sources
(the demo plus keep.eu partners and the Swedish, Croatian and Hungarian lists; see
docs/evaluation.md), stratified by how the matcher decided:

* linked pairs, one stratum per method (``pic``, ``name_place``, ``name_country``; ``vat``
  when a source carries VAT numbers): a record linked by that method and another record of
  its organisation, preferably from another source or written differently;
* unlinked candidate pairs: records of two different organisations in the same country whose
  normalised names share most words (word Jaccard ≥ 0.8: ``unlinked_close``; 0.5-0.8:
  ``unlinked_near``), the pairs a matcher is most likely to miss.

Each row carries both records (source, name, country, NUTS 3, town, PIC) and the size of its
stratum; a person fills ``verdict`` (same / different / unsure) and ``reason`` from the
records. The figures weight each stratum by its size: precision over the linked strata,
recall as linked true pairs over all true pairs (linked plus those found among the unlinked
candidates). Pairs outside every candidate stratum (names sharing under half their words) are
not estimated: recall is recall over name-similar candidates, and the doc says so.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

CSV = Path(__file__).with_name("organisation_pairs.csv")
LINKED = ("pic", "vat", "name_place", "name_country")
UNLINKED = ("unlinked_close", "unlinked_near")
PER_STRATUM = {
    "pic": 35,
    "vat": 30,
    "name_place": 40,
    "name_country": 35,
    "unlinked_close": 30,
    "unlinked_near": 30,
}
SIDE = ("key", "source", "name", "country", "nuts3", "town", "pic")
COLUMNS = (
    "pair",
    "stratum",
    "stratum_size",
    "linked",
    "method",
    "confidence",
    *(f"a_{c}" for c in SIDE),
    *(f"b_{c}" for c in SIDE),
    "verdict",
    "reason",
)


# --- figures ---------------------------------------------------------------------------
def evaluate(rows: list[dict]) -> dict:
    """Precision, recall and per-stratum shares from checked rows (``unsure`` left out)."""
    strata: dict[str, dict] = defaultdict(lambda: {"size": 0, "same": 0, "checked": 0})
    for row in rows:
        if row["verdict"] not in ("same", "different"):
            continue
        s = strata[row["stratum"]]
        s["size"] = int(row["stratum_size"])
        s["checked"] += 1
        s["same"] += row["verdict"] == "same"
    for s in strata.values():
        s["share_same"] = s["same"] / s["checked"] if s["checked"] else 0.0
        s["true_pairs"] = s["share_same"] * s["size"]  # estimated true pairs in the stratum
    linked = [s for name, s in strata.items() if name in LINKED]
    unlinked = [s for name, s in strata.items() if name in UNLINKED]
    linked_size = sum(s["size"] for s in linked)
    linked_true = sum(s["true_pairs"] for s in linked)
    missed = sum(s["true_pairs"] for s in unlinked)
    sample_linked = [
        r for r in rows if r["linked"] == "yes" and r["verdict"] in ("same", "different")
    ]
    sample_missed = sum(1 for r in rows if r["linked"] == "no" and r["verdict"] == "same")
    sample_tp = sum(1 for r in sample_linked if r["verdict"] == "same")
    return {
        "strata": dict(sorted(strata.items())),
        "precision_weighted": linked_true / linked_size if linked_size else None,
        "recall_weighted": linked_true / (linked_true + missed) if linked_true + missed else None,
        "precision_sample": sample_tp / len(sample_linked) if sample_linked else None,
        "recall_sample": sample_tp / (sample_tp + sample_missed)
        if sample_tp + sample_missed
        else None,
        "checked": sum(s["checked"] for s in strata.values()),
        "unsure": sum(1 for r in rows if r["verdict"] == "unsure"),
    }


def report(figures: dict) -> str:
    lines = [
        "| stratum | pairs in the store | checked | same | share same |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in figures["strata"].items():
        lines.append(
            f"| {name} | {s['size']:,} | {s['checked']} | {s['same']} | {s['share_same']:.1%} |"
        )
    lines += [
        "",
        f"checked pairs: {figures['checked']} (unsure, left out: {figures['unsure']})",
        f"precision (strata weighted by size): {figures['precision_weighted']:.1%}; "
        f"on the sample as drawn: {figures['precision_sample']:.1%}",
        f"recall over name-similar candidates (weighted): {figures['recall_weighted']:.1%}; "
        f"on the sample as drawn: {figures['recall_sample']:.1%}",
    ]
    return "\n".join(lines)


# --- sampling --------------------------------------------------------------------------
def sample(store_url: str, seed: int) -> list[dict]:
    """Draw the candidate pairs from a store (the matching as the API computes it)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from regioatlas.analytics.organisations import normalise_name
    from regioatlas.api.organisations import Organisations
    from regioatlas.store import open_store

    rng = random.Random(seed)
    with open_store(store_url, read_only=True) as store:
        index = Organisations(store).current()
    records, orgs = index.records, index.organisations

    def side(key, org):
        r = records[key]
        return {
            "key": f"{key[0]}#{key[1]}",
            "source": r["project_source"],
            # a record without a name (Horizon 2020's) shows its organisation's, in brackets
            "name": r["name"] or f"[{org.name}]",
            "country": r["nuts0"] or "",
            "nuts3": r["nuts3"] or "",
            "town": r["city"] or "",
            "pic": next((p for p in org.pics if key[0].startswith("cordis")), "")
            if org.pics
            else "",
        }

    pools: dict[str, list[tuple]] = defaultdict(list)
    for org in orgs:
        if len(org.links) < 2:
            continue
        for link in org.links:
            if link.method not in LINKED:
                continue
            others = [o for o in org.links if o.key != link.key]
            # the most informative partner: another source, else another spelling
            src = records[link.key]["project_source"]
            name = records[link.key]["name"]
            named = [o for o in others if records[o.key]["name"] or link.method != "pic"]
            pick = (
                [o for o in named if records[o.key]["project_source"] != src]
                or [o for o in named if records[o.key]["name"] != name]
                or named
                or others
            )
            if link.method == "pic" and not (name or any(records[o.key]["name"] for o in pick)):
                continue
            pools[link.method].append((link, org, rng.choice(pick)))
    # unlinked: organisations of one country whose normalised names share most words
    by_block: dict[tuple, list] = defaultdict(list)
    for org in orgs:
        words = normalise_name(org.name).split()
        if org.country and words and not org.name.startswith("PIC "):
            for w in set(words):
                if len(w) > 3:
                    by_block[(org.country, w)].append((org, set(words)))
    seen: set[tuple[str, str]] = set()
    for block in by_block.values():
        if len(block) > 60:
            block = rng.sample(block, 60)  # a common word ("gmina"): a sample of its pairs
        for i, (a, wa) in enumerate(block):
            for b, wb in block[i + 1 :]:
                pair = tuple(sorted((a.id, b.id)))
                if pair in seen:
                    continue
                seen.add(pair)
                jaccard = len(wa & wb) / len(wa | wb)
                if jaccard >= 0.5:
                    stratum = "unlinked_close" if jaccard >= 0.8 else "unlinked_near"
                    pools[stratum].append((a, b))
    rows = []
    for stratum, pool in sorted(pools.items()):
        chosen = rng.sample(pool, min(PER_STRATUM.get(stratum, 0), len(pool)))
        for item in chosen:
            if stratum in LINKED:
                link, org, other = item
                a, b = side(link.key, org), side(other.key, org)
                linked, method, confidence = "yes", link.method, link.confidence
            else:
                oa, ob = item
                a = side(rng.choice(oa.links).key, oa)
                b = side(rng.choice(ob.links).key, ob)
                linked, method, confidence = "no", "", ""
            rows.append(
                {
                    "pair": len(rows) + 1,
                    "stratum": stratum,
                    "stratum_size": len(pool),
                    "linked": linked,
                    "method": method,
                    "confidence": confidence,
                    **{f"a_{k}": v for k, v in a.items()},
                    **{f"b_{k}": v for k, v in b.items()},
                    "verdict": "",
                    "reason": "",
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    draw = sub.add_parser("sample", help="draw a new sample of pairs to check by hand")
    draw.add_argument("store")
    draw.add_argument("--seed", type=int, default=10)
    draw.add_argument("--out", type=Path, default=CSV)
    args = parser.parse_args()
    if args.command == "sample":
        rows = sample(args.store, args.seed)
        with args.out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        print(f"{len(rows)} pairs written to {args.out}; fill verdict and reason by hand")
        return
    with CSV.open(newline="", encoding="utf-8") as f:
        print(report(evaluate(list(csv.DictReader(f)))))


if __name__ == "__main__":
    main()
