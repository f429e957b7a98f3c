"""Build the CORDIS test fixtures in tests/fixtures/cordis/ from the real files in ../shared/data.

* he_projects.csv / he_organizations.csv: the first 20 projects of the Horizon Europe sample
  and all their organisations, rows unchanged.
* h2020_participations_head.csv: the first 3,000 H2020 participations, rows unchanged.
* official/project.csv, official/organization.csv (+ .xlsx): the same 20 projects and their
  organisations rearranged into the official CORDIS export layout (';'-separated, decimal
  commas). Values are the real ones; fields the sample lacks (status, ecMaxContribution,
  nutsCode, geolocation, street, postCode, vatNumber, ...) are left empty.
Run: ``python tools/build_test_fixtures.py [../shared/data]``.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests/fixtures/cordis"
sys.path.insert(0, str(REPO / "src"))
from regioatlas.sources.cordis import ORGANIZATION_COLUMNS, PROJECT_COLUMNS  # noqa: E402


def _comma(value: str) -> str:
    return value.replace(".", ",") if value else value


def main(shared: Path) -> None:
    (OUT / "official").mkdir(parents=True, exist_ok=True)
    cordis = shared / "cordis"
    with (cordis / "horizon_europe_projects_sample.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        projects = [r for _, r in zip(range(20), reader)]
        p_fields = reader.fieldnames
    ids = {p["id"] for p in projects}
    with (cordis / "horizon_europe_organizations_sample.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        orgs = [r for r in reader if r["projectID"] in ids]
        o_fields = reader.fieldnames
    for name, fields, rows in (
        ("he_projects.csv", p_fields, projects),
        ("he_organizations.csv", o_fields, orgs),
    ):
        with (OUT / name).open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
    with (
        gzip.open(cordis / "h2020_participations_eunets_2020-12.csv.gz", "rt") as f,
        (OUT / "h2020_participations_head.csv").open("w") as g,
    ):
        for _, line in zip(range(3001), f):
            g.write(line)
    official_projects = [
        {c: "" for c in PROJECT_COLUMNS}
        | {
            "id": p["id"],
            "acronym": p["acronym"],
            "title": p["title"],
            "startDate": p["startDate"],
            "endDate": p["endDate"],
            "totalCost": _comma(p["totalCost"]),
            "legalBasis": p["legalBasis"],
            "topics": p["topics"],
            "frameworkProgramme": "HORIZON",
            "masterCall": p["masterCall"],
            "subCall": p["subCall"],
            "fundingScheme": p["fundingScheme"],
            "objective": p["objective"],
            "grantDoi": p["grantDoi"],
        }
        for p in projects
    ]
    acronyms = {p["id"]: p["acronym"] for p in projects}
    official_orgs = [
        {c: "" for c in ORGANIZATION_COLUMNS}
        | {
            "projectID": o["projectID"],
            "projectAcronym": acronyms[o["projectID"]],
            "name": o["name"],
            "shortName": o["shortName"],
            "SME": o["SME"].lower(),
            "activityType": o["activityType"],
            "city": o["city"],
            "country": o["country"],
            "organizationURL": o["organizationURL"],
            "contactForm": o["contactForm"],
            "order": o["order"],
            "role": o["role"],
            "ecContribution": _comma(o["ecContribution"]),
        }
        for o in orgs
    ]
    for name, cols, rows in (
        ("project", PROJECT_COLUMNS, official_projects),
        ("organization", ORGANIZATION_COLUMNS, official_orgs),
    ):
        with (OUT / "official" / f"{name}.csv").open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            w.writeheader()
            w.writerows(rows)
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(cols)
        for r in rows:
            ws.append([r[c] for c in cols])
        wb.save(OUT / "official" / f"{name}.xlsx")
    print(f"{len(projects)} projects, {len(orgs)} organisations")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/data")
