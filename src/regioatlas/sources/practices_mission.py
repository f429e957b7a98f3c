"""The EU Mission "Adaptation to Climate Change" projects as practices, one per region where a
project demonstrates its solutions.

A Mission project names its demonstration regions in words ("Central Macedonia (Greece);
Valencia (Spain)"), not codes. Each name is placed by the atlas cascade: first as a NUTS
region of that country (its Latin or national name), then as a town or municipality
(``locate_practice``), then as the region whose name contains it; a name placed nowhere is reported as a skipped region, not guessed.
A project none of whose regions can be placed is kept once, in its coordinator's country.
The file is the Commission's (CC BY 4.0), so it ships whole in ``data/practices/``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from regioatlas.geo.gazetteer import fold
from regioatlas.geo.locate import Locator
from regioatlas.geo.nuts import NutsRegistry
from regioatlas.model.errors import BadInput
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.sources.practices_base import PracticeRead, country_code, locate_practice

#: words of region names that say what kind of area it is, not which one
_KIND_WORDS = re.compile(
    r"\b(region|regional|county|province|municipality|municipalities|city|metropolitan|area|"
    r"autonomous|of|the|archipelago|island|islands|catchment|river|basin)\b"
)


def _fold(text: str) -> str:
    """The gazetteer's folded key without kind words: 'Murcia Region' → 'murcia'."""
    return " ".join(_KIND_WORDS.sub(" ", fold(text)).split())


def split_regions(text: str | None) -> list[tuple[str, str | None]]:
    """The named regions of a project: (name, country code or None).

    Example
    -------
    >>> split_regions("Murcia Region (Spain); Finland; Black Sea Region")
    [('Murcia Region', 'ES'), ('Finland', None), ('Black Sea Region', None)]
    """
    out = []
    for part in (text or "").split(";"):
        part = part.strip()
        found = re.match(r"^(.*?)\s*\(([^()]+)\)", part)
        if found:
            out.append((found.group(1).strip(), country_code(found.group(2))))
        elif part:
            out.append((part, None))
    return out


def _contained(folded: str, names: dict[str, str]) -> str | None:
    """The region whose name contains ``folded`` as whole words ('madeira' in 'regiao autonoma
    da madeira'), when all such regions are one region and its parts: the largest of them.

    Example
    -------
    >>> _contained("madeira", {"regiao autonoma da madeira": "PT30", "madeira": "PT300"})
    'PT30'
    >>> _contained("norte", {"norte": "PT11", "alto norte": "ES99"}) is None
    True
    """
    if len(folded) < 4:
        return None
    found = sorted(
        (code for name, code in names.items() if re.search(rf"\b{re.escape(folded)}\b", name)),
        key=len,
    )
    if found and all(code.startswith(found[0]) for code in found):
        return found[0]
    return None


class MissionAdaptationProjects:
    """Projects of the EU Mission Adaptation to Climate Change, by demonstration region.

    Example
    -------
    >>> from regioatlas.sources.practices_ecesp import shipped_file
    >>> read = MissionAdaptationProjects().read([shipped_file("eu-mission-adaptation")])
    >>> sorted({p["source"] for p in read.practices})
    ['eu-mission-adaptation']
    """

    name = "eu-mission-adaptation"
    title = "EU Mission Adaptation to Climate Change: funded projects by region"
    publisher = "European Commission (EU Missions; Funding & Tenders portal)"
    licence = "CC BY 4.0 (Commission Decision 2011/833/EU)"
    attribution = "© European Union, EU Mission Adaptation to Climate Change"
    shippable = True
    COLUMNS = {"ACRONYM", "TITLE", "Project id", "regions", "coordinator", "main_themes"}

    def __init__(self) -> None:
        self._names: dict[str, dict[str, str]] = {}

    def read(self, paths: list[Path], locator: Locator | None = None) -> PracticeRead:
        locator = locator or Locator()
        out: list[dict] = []
        skipped: list[tuple[int, str]] = []
        for path in paths:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                missing = self.COLUMNS - set(reader.fieldnames or [])
                if missing:
                    raise BadInput(
                        f"{path.name}: columns {', '.join(sorted(missing))} missing "
                        "(is this the Mission Adaptation project list?)",
                        parameter="files",
                    )
                for line, row in enumerate(reader, start=2):
                    practices, reasons = self._project(row, locator)
                    out.extend(practices)
                    skipped.extend((line, reason) for reason in reasons)
        return PracticeRead(out, skipped)

    def _project(self, row: dict, locator: Locator) -> tuple[list[dict], list[str]]:
        acronym, title = (row.get("ACRONYM") or "").strip(), (row.get("TITLE") or "").strip()
        url = (row.get("Project id") or "").strip()
        grant = url.rstrip("/").rsplit("/", 1)[-1]
        if not (acronym and title and grant.isdigit()):
            return [], ["no acronym, title or CORDIS project id"]
        placed: dict[str, dict] = {}
        reasons: list[str] = []
        where: dict | None
        for name, cc in split_regions(row.get("regions")):
            if cc is None and country_code(name):  # a whole country ("Finland")
                where = locate_practice(locator, country_code(name))
            else:
                where = self._place(name, cc, locator) if cc else None
            if where is None:
                reasons.append(f"{acronym}: region '{name}' not placed (no country, or no match)")
            elif where["region"] not in placed:
                placed[where["region"]] = where | {"detail": f"named region '{name}'"}
        if not placed:  # none placed: the project is still real, in its coordinator's country
            cc = country_code((row.get("coordinator") or "").rsplit(",", 1)[-1])
            where = locate_practice(locator, cc) if cc else None
            if where is None or where["region"] is None:
                return [], reasons + [f"{acronym}: no region and no coordinator country placed"]
            placed[where["region"]] = where | {"detail": f"the coordinator's country ({cc})"}
        base = self._document(row, acronym, title, url, grant)
        return [
            base | {
                "id": f"{self.name}:{grant}:{code}",
                "region": code,
                "nuts_version": found["nuts_version"],
                "country": code[:2],
                "location": found,
            }
            for code, found in placed.items()
        ], reasons  # fmt: skip

    def _place(self, name: str, cc: str, locator: Locator) -> dict | None:
        """A named region as the NUTS region of its country of that very name, else as a town
        or municipality, else as the one region whose name contains it."""
        folded = _fold(name)
        names = self._nuts_names(cc)
        code = names.get(folded)
        if code is None:  # a town before a region merely containing its name (Helsinki)
            town = re.sub(r"^(city|municipality|county) (of|do|di|de) ", "", name, flags=re.I)
            where = locate_practice(locator, cc, city=town)
            if where["method"] not in ("country", "none"):
                return where
            code = _contained(folded, names)
        if code is None:
            return None
        return {
            "region": code,
            "nuts_version": ATLAS_VERSION,
            "method": "nuts_name",
            "confidence": 0.9,
            "detail": None,
        }

    def _nuts_names(self, cc: str) -> dict[str, str]:
        """Folded Latin and national names of a country's NUTS 1-3 regions → code (NUTS 2024);
        a name two regions share (a NUTS 2 and its only NUTS 3) keeps the larger region."""
        if cc not in self._names:
            names: dict[str, str] = {}
            for region in NutsRegistry.default().regions(ATLAS_VERSION, country=cc):
                if region.level == 0:
                    continue
                for name in {region.name_latin, region.name_national}:
                    names.setdefault(_fold(name or ""), region.code)
            names.pop("", None)
            self._names[cc] = names
        return self._names[cc]

    def _document(self, row: dict, acronym: str, title: str, url: str, grant: str) -> dict:
        risks = [r.strip() for r in (row.get("climate_risks") or "").split(";") if r.strip()]
        themes = [t.strip() for t in (row.get("main_themes") or "").split(";") if t.strip()]
        category = (row.get("category") or "").strip()
        summary = " ".join(
            part
            for part in (
                f"{title}.",
                f"Category: {category}." if category else "",
                f"Climate risks addressed: {', '.join(risks)}." if risks else "",
                f"Demonstration regions: {row.get('regions')}." if row.get("regions") else "",
            )
            if part
        )
        website = (row.get("website") or "").strip()
        if website and not website.startswith(("http://", "https://")):
            website = "https://" + website
        return {
            "title": f"{acronym}: {title}",
            "summary": summary,
            "challenge": ", ".join(risks) or None,
            "themes": themes + ([category] if category else []),
            "policy_instrument": "Horizon Europe — EU Mission Adaptation to Climate Change",
            "funding_source": (row.get("Funding programme") or "").strip() or None,
            "linked_projects": [f"cordis:{grant}"],
            "organisation": (row.get("coordinator") or "").strip() or None,
            "language": "en",
            "start_date": (row.get("Project Start Date") or "").strip() or None,
            "end_date": (row.get("Project End Date") or "").strip() or None,
            "links": [u for u in (url, website) if u.startswith(("http://", "https://"))],
            "source_url": url or None,
            "source": self.name,
            "licence": self.licence,
            "attribution": self.attribution,
        }
