"""Two open catalogues of practices: the ECESP circular-economy good practices and the JRC
Innovative Public Services Observatory cases.

Both are published under the Commission's re-use policy (Decision 2011/833/EU), so a small
subset ships in ``data/practices/`` for the demo and the tests (see its README).
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from regioatlas.geo.locate import Locator
from regioatlas.model.errors import BadInput
from regioatlas.sources.practices_base import PracticeRead, country_code, locate_practice

#: ECESP's language names → ISO 639-1
LANGUAGES = {
    "english": "en", "dutch": "nl", "italian": "it", "french": "fr", "german": "de",
    "spanish": "es", "czech": "cs", "danish": "da", "portuguese": "pt", "croatian": "hr",
    "swedish": "sv", "romanian": "ro", "finnish": "fi", "polish": "pl", "estonian": "et",
    "greek": "el", "slovenian": "sl", "slovak": "sk", "hungarian": "hu", "bulgarian": "bg",
    "lithuanian": "lt", "latvian": "lv", "maltese": "mt", "norwegian": "no",
}  # fmt: skip


def _rows(path: Path, needed: set[str]) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise BadInput(
                f"{path.name}: columns {', '.join(sorted(missing))} missing (is this the right file?)",
                parameter="files",
            )
        return list(reader)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in re.split(r",|;", value or "") if v.strip() and v.strip() != "N/A"]


def _id(prefix: str, key: str) -> str:
    """A stable id from the publisher's key (a URL): short and URL-safe."""
    return f"{prefix}:{hashlib.sha1(key.encode()).hexdigest()[:12]}"


class EcespGoodPractices:
    """European Circular Economy Stakeholder Platform good practices (CSV as scraped).

    Example
    -------
    >>> from regioatlas.sources.practices_ecesp import EcespGoodPractices, shipped_file
    >>> read = EcespGoodPractices().read([shipped_file("ecesp")])
    >>> read.practices[0]["source"]
    'ecesp'
    """

    name = "ecesp"
    title = "ECESP good practices (circular economy)"
    publisher = "European Circular Economy Stakeholder Platform (EESC and European Commission)"
    licence = "© European Union; re-use with acknowledgement (Commission Decision 2011/833/EU)"
    attribution = (
        "Source: European Circular Economy Stakeholder Platform (circulareconomy.europa.eu)"
    )
    shippable = True
    COLUMNS = {"Title", "Description", "Link", "Organisation", "Country", "Language", "Key Area"}

    def read(self, paths: list[Path], locator: Locator | None = None) -> PracticeRead:
        locator = locator or Locator()
        out, skipped, seen = [], [], set()
        for path in paths:
            for line, row in enumerate(_rows(path, self.COLUMNS), start=2):
                link = (row.get("Link") or "").strip()
                if not link or not (row.get("Title") or "").strip():
                    skipped.append((line, "no link or title"))
                    continue
                if link in seen:  # the catalogue lists one practice twice
                    skipped.append((line, f"duplicate of an earlier row ({link})"))
                    continue
                seen.add(link)
                cc = country_code(row.get("Country"))
                where = locate_practice(locator, cc, organisation=row.get("Organisation"))
                if where["region"] is None:
                    skipped.append((line, f"country {row.get('Country')!r} is not a NUTS country"))
                    continue
                out.append(
                    {
                        "id": _id("ecesp", link),
                        "title": row["Title"].strip(),
                        "summary": (row.get("Description") or "").strip() or None,
                        "region": where["region"],
                        "nuts_version": where["nuts_version"],
                        "country": cc,
                        "themes": _split(row.get("Key Area")),
                        "sectors": _split(row.get("Sector")),
                        "scope": _split(row.get("Scope")),
                        "policy_instrument": None,
                        "organisation": (row.get("Organisation") or "").strip() or None,
                        "organisation_type": (row.get("Type of Organisation") or "").strip()
                        or None,
                        "language": LANGUAGES.get((row.get("Language") or "").strip().casefold()),
                        "links": [link],
                        "source_url": link,
                        "source": self.name,
                        "licence": self.licence,
                        "attribution": self.attribution,
                        "location": where,
                    }
                )
        return PracticeRead(out, skipped)


class JrcPublicServiceCases:
    """JRC Innovative Public Services Observatory: AI and blockchain cases in public services.

    Example
    -------
    >>> read = JrcPublicServiceCases().read([shipped_file("jrc-ipso")])  # doctest: +SKIP
    >>> read.practices[0]["source"]  # doctest: +SKIP
    'jrc-ipso'
    """

    name = "jrc-ipso"
    title = "JRC public-service innovation cases (AI, blockchain)"
    publisher = (
        "European Commission, Joint Research Centre (Innovative Public Services Observatory)"
    )
    licence = "CC BY 4.0 (Commission Decision 2011/833/EU)"
    attribution = "© European Union, JRC – Innovative Public Services Observatory"
    shippable = True
    COLUMNS = {
        "id",
        "name",
        "description",
        "geoextent",
        "geocoverage_codes",
        "lead_organisation_name",
    }

    def read(self, paths: list[Path], locator: Locator | None = None) -> PracticeRead:
        locator = locator or Locator()
        out, skipped = [], []
        for path in paths:
            for line, row in enumerate(_rows(path, self.COLUMNS), start=2):
                codes = [c.strip().upper() for c in (row.get("geocoverage_codes") or "").split(",")]
                codes = [("EL" if c == "GR" else "UK" if c == "GB" else c) for c in codes if c]
                if len(codes) != 1 or not (row.get("name") or "").strip():
                    skipped.append((line, "no single country or no name"))
                    continue
                local = (row.get("geoextent") or "") in ("Local", "Regional")
                organisation = (row.get("lead_organisation_name") or "").strip() or None
                where = locate_practice(
                    locator, codes[0], organisation=organisation if local else None
                )
                if where["region"] is None:
                    skipped.append((line, f"country {codes[0]!r} is not a NUTS country"))
                    continue
                out.append(
                    {
                        "id": f"jrc-ipso:{row['id'].strip()}",
                        "title": row["name"].strip(),
                        "summary": (row.get("description") or "").strip() or None,
                        "region": where["region"],
                        "nuts_version": where["nuts_version"],
                        "country": codes[0],
                        "themes": [
                            t for t in (row.get("technology"), row.get("primary_sector")) if t
                        ],
                        "policy_instrument": None,
                        "organisation": organisation,
                        "language": "en",
                        "start_date": (row.get("start_date") or "").strip()[:4] or None,
                        "links": [u for u in [(row.get("url") or "").strip()] if u],
                        "source_url": (row.get("url") or "").strip() or None,
                        "status_in_source": row.get("status") or None,
                        "source": self.name,
                        "licence": self.licence,
                        "attribution": self.attribution,
                        "location": where,
                    }
                )
        return PracticeRead(out, skipped)


def shipped_file(source: str) -> Path:
    """The subset of a practice source shipped in the package (``data/practices/``).

    Example
    -------
    >>> shipped_file("ecesp").name
    'ecesp_good_practices_subset.csv'
    """
    from importlib import resources

    names = {
        "ecesp": "ecesp_good_practices_subset.csv",
        "jrc-ipso": "jrc_ipso_cases_subset.csv",
        "eu-mission-adaptation": "mission_adaptation_projects.csv",
    }
    if source not in names:
        raise BadInput(
            f"no subset of {source!r} ships (only {', '.join(names)})", parameter="source"
        )
    return Path(str(resources.files("regioatlas.data") / "practices" / names[source]))
