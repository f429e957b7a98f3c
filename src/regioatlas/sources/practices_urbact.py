"""URBACT good practices (2017 call), networks and city memberships.

URBACT publishes no open licence for these pages, so nothing of them ships: they are read from
the folder a user gives (``regioatlas practices ingest urbact FOLDER``) and by the evaluation
(``bench/evaluate_practices.py``). The Transfer Networks (2018–2019) are real transfers: the
lead city had a 2017 good practice and the partner cities took it over; each partner becomes a
transfer of that practice, located by its GeoNames coordinates.
"""

from __future__ import annotations

import csv
from pathlib import Path

from regioatlas.geo.locate import Locator
from regioatlas.model.errors import BadInput
from regioatlas.sources.practices_base import PracticeRead, locate_practice

GOOD_PRACTICES = "urbact_good_practices_2017.csv"
NETWORKS = "urbact_networks_2002_2020.csv"
MEMBERSHIP = "urbact_network_membership_cities.csv"
_TEXT_PARTS = ("Summary", "Solution", "Approach", "Participation", "Outcomes", "Transferability")


def _find(paths: list[Path], name: str) -> Path | None:
    for path in paths:
        if path.is_dir() and (path / name).exists():
            return path / name
        if path.name == name:
            return path
    return None


def _number(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", "."))
    except ValueError:
        return None


def _key(city: str | None) -> str:
    return " ".join((city or "").casefold().split())


class UrbactGoodPractices:
    """URBACT good practices with their Transfer Networks as transfers (read from a user path).

    Example
    -------
    >>> read = UrbactGoodPractices().read([Path("../shared/data/urbact_good_practices_and_networks")])  # doctest: +SKIP
    >>> len(read.practices), len(read.transfers) > 100  # doctest: +SKIP
    (97, True)
    """

    name = "urbact"
    title = "URBACT good practices (2017) and Transfer Networks"
    publisher = "URBACT (urbact.eu), compiled by P. Gourdon (github.com/pgourdongeo)"
    licence = "no open licence: read from your copy, never redistributed"
    attribution = "Source: URBACT (urbact.eu), compiled by P. Gourdon"
    shippable = False

    def read(self, paths: list[Path], locator: Locator | None = None) -> PracticeRead:
        locator = locator or Locator()
        gp_file = _find(paths, GOOD_PRACTICES)
        if gp_file is None:
            raise BadInput(
                f"no {GOOD_PRACTICES} in {', '.join(str(p) for p in paths)} (give the folder of "
                "the URBACT files)",
                parameter="files",
            )
        practices, skipped, by_city = [], [], {}
        with gp_file.open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                cc = (row.get("CountryCode") or "").strip().upper()
                cc = {"GB": "UK", "GR": "EL"}.get(cc, cc)
                where = locate_practice(
                    locator,
                    cc or None,
                    city=row.get("City"),
                    lon=_number(row.get("Long")),
                    lat=_number(row.get("Lat")),
                )
                if where["region"] is None:
                    skipped.append((line, f"{row.get('City')!r} ({cc}) cannot be located"))
                    continue
                pid = f"urbact:{row['CodePractices'].strip()}"
                text = "\n\n".join((row.get(k) or "").strip() for k in _TEXT_PARTS if row.get(k))
                practices.append(
                    {
                        "id": pid,
                        "title": (row.get("Name") or "").strip(),
                        "summary": (row.get("Description") or "").strip() or None,
                        "what_was_done": text or None,
                        "results": (row.get("Outcomes") or "").strip() or None,
                        "region": where["region"],
                        "nuts_version": where["nuts_version"],
                        "city": (row.get("City") or "").strip() or None,
                        "country": cc,
                        "themes": [
                            k.strip() for k in (row.get("Kwords") or "").split("\n") if k.strip()
                        ],
                        "policy_instrument": "URBACT good practice",
                        "funding_source": "ERDF (URBACT III)",
                        "language": "en",
                        "start_date": (row.get("Start") or "").strip()[:4] or None,
                        "source": self.name,
                        "licence": self.licence,
                        "attribution": self.attribution,
                        "location": where,
                    }
                )
                by_city[_key(row.get("City"))] = pid
                by_city[_key(row.get("asciiName"))] = pid
        transfers = self._transfers(paths, locator, by_city)
        return PracticeRead(practices, skipped, transfers)

    def _transfers(
        self, paths: list[Path], locator: Locator, by_city: dict[str, str]
    ) -> list[dict]:
        networks_file, members_file = _find(paths, NETWORKS), _find(paths, MEMBERSHIP)
        if networks_file is None or members_file is None:
            return []
        with networks_file.open(encoding="utf-8", newline="") as f:
            networks = {
                n["Code_Network"]: n
                for n in csv.DictReader(f, delimiter=";")
                if n["Type"] == "Transfer"
            }
        with members_file.open(encoding="utf-8", newline="") as f:
            members = [m for m in csv.DictReader(f, delimiter=";") if m["Code_Network"] in networks]
        leads = {
            m["Code_Network"]: by_city.get(_key(m["NameCity"])) or by_city.get(_key(m["asciiName"]))
            for m in members
            if m["City.Statut"] == "Lead Partner"
        }
        out = []
        for m in members:
            practice = leads.get(m["Code_Network"])
            if m["City.Statut"] != "Partner" or practice is None:
                continue
            cc = {"GB": "UK", "GR": "EL"}.get(
                m["Country"].strip().upper(), m["Country"].strip().upper()
            )
            where = locate_practice(
                locator, cc, city=m["NameCity"], lon=_number(m["lng_GN"]), lat=_number(m["lat_GN"])
            )
            if where["region"] is None:
                continue
            network = networks[m["Code_Network"]]
            out.append(
                {
                    "id": f"urbact:{m['Code_Network']}:{m['CodeCity']}",
                    "practice": practice,
                    "region": where["region"],
                    "city": m["NameCity"].strip(),
                    "network": network["Name"].strip(),
                    "stages": [
                        {
                            "stage": "started",
                            "date": f"{network['Start']}-01-01",
                            "note": network["Name"].strip(),
                        },
                    ],
                    "outcome": None,
                    "source": self.name,
                    "location": where,
                }
            )
        return out
