"""Labelled real texts for the similarity evaluation, read from ../shared/data (never copied).

Each loader returns a ``Corpus``: texts for the lexical index, texts for the embedding model
(the same, cut to ``SEMANTIC_CHARS``), and one or more label sets per text. The cross-language
set is built from the operations in the demo store by the rule in ``CROSSLANG_THEMES``.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from regioatlas.analytics.similarity_text import SEMANTIC_CHARS, project_text

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

csv.field_size_limit(sys.maxsize)


@dataclass
class Corpus:
    name: str
    source: str
    texts: list[str]
    labels: dict[str, list[set[str]]]  # label kind -> per text
    semantic_texts: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.semantic_texts:
            self.semantic_texts = [t[:SEMANTIC_CHARS] for t in self.texts]


def horizon_europe(data: Path = DATA) -> Corpus:
    """The 207 Horizon Europe projects with objectives; labels: EuroSciVoc field (3rd level of
    the path, e.g. /natural sciences/biological sciences/microbiology) and call topic code.
    Texts are title + objective only: topics and fields are the labels, so they stay out."""
    folder = data / "cordis"
    with (folder / "horizon_europe_projects_sample.csv").open(encoding="utf-8") as f:
        projects = list(csv.DictReader(f))
    ids = {p["id"] for p in projects}
    fields: dict[str, set[str]] = {i: set() for i in ids}
    with (folder / "horizon_europe_project_euroscivoc_2026-03.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["projectID"] in ids:
                fields[row["projectID"]].add("/".join(row["euroSciVocPath"].split("/")[:4]))
    texts = [
        project_text({"title": p["title"], "acronym": p["acronym"], "objective": p["objective"]})
        for p in projects
    ]
    return Corpus(
        "Horizon Europe projects",
        "CORDIS, CC BY 4.0",
        texts,
        {
            "EuroSciVoc field (level 3)": [fields[p["id"]] for p in projects],
            "call topic": [{p["topics"]} if p["topics"] else set() for p in projects],
        },
    )


def public_sector_cases(data: Path = DATA) -> Corpus:
    """The 853 JRC public-service innovation cases; label: primary sector (COFOG)."""
    path = data / "public_sector_innovation_cases_jrc" / "ips_cases_2022-08.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return Corpus(
        "JRC public-service innovation cases",
        "JRC IPSO, CC BY 4.0",
        [f"{r['name']}\n{r['description']}" for r in rows],
        {"primary sector": [{r["primary_sector"]} if r["primary_sector"] else set() for r in rows]},
    )


def urbact_good_practices(data: Path = DATA) -> Corpus:
    """The 97 URBACT good practices (2017); label: theme keywords (``Kwords``).

    URBACT texts have no open licence: read here, never stored in the repository."""
    path = data / "urbact_good_practices_and_networks" / "urbact_good_practices_2017.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [f"{r['Name']}\n{r['Description']}\n{r['AllText']}" for r in rows]
    labels = [{k.strip() for k in r["Kwords"].split("\n") if k.strip()} for r in rows]
    return Corpus("URBACT good practices", "URBACT (no open licence)", texts, {"theme": labels})


#: The rule of the cross-language set: an operation of the Finnish (fi), Austrian (de) or
#: Polish (pl) list belongs to a theme when its title matches the theme's pattern for its
#: language (case-insensitive regular expression) and no other theme's pattern.
CROSSLANG_THEMES: dict[str, dict[str, str]] = {
    "tourism and hotels": {
        "fi": r"matkailu|hotelli",
        "de": r"\bhotel|seehotel|touris",
        "pl": r"turyst|hotel",
    },
    "bioeconomy, biomass, biogas": {
        "fi": r"biotalo|biojalost|biomass|biokaasu|biopoly",
        "de": r"biorefin|bioraffin|biopolym|biobasiert|biomasse",
        "pl": r"biomas|biogaz|biopolim|biorafin",
    },
    "export and internationalisation": {
        "fi": r"kansainvälis|vienti|viennin",
        "de": r"export|internationalis",
        "pl": r"eksport|internacjonaliz|rynk\w* zagraniczn",
    },
    "energy": {
        "fi": r"energia|aurinkosähk|tuulivoim",
        "de": r"energie|windenerg|solar|photovolt",
        "pl": r"energ|fotowolt|odnawialn",
    },
    "digital services and e-commerce": {
        "fi": r"digitaal|digitali|verkkokaup|verkkopalvel",
        "de": r"digital|online",
        "pl": r"cyfrow|e-usług|internetow",
    },
    "laboratories": {"fi": r"laboratori", "de": r"labor\b|technologielabor", "pl": r"laborator"},
    "production machinery and automation": {
        "fi": r"tuotantolinj|automatisoin|automaatio",
        "de": r"beschichtungsanlage|lackier|biegeanlage|produktionsprozess|fräsen",
        "pl": r"linii produkcyjn|linia produkcyjn|maszyn",
    },
}
CROSSLANG_SOURCES = {"fi-rakennerahastot": "fi", "at-efre": "de", "pl-mapadotacji": "pl"}


def crosslang_set(records: list[dict]) -> list[tuple[str, str, str]]:
    """(project id, language, theme) for every operation the rule labels, sorted by id."""
    compiled = {
        t: {lang: re.compile(p, re.I) for lang, p in pats.items()}
        for t, pats in CROSSLANG_THEMES.items()
    }
    out = []
    for r in records:
        lang = CROSSLANG_SOURCES.get(r["source"])
        if not lang or not r.get("title"):
            continue
        hits = [t for t, pats in compiled.items() if pats[lang].search(r["title"])]
        if len(hits) == 1:
            out.append((r["id"], lang, hits[0]))
    return sorted(out)
