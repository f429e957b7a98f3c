"""The DCAT-AP 3 catalogue of the demo store validates under the DCAT-AP 3.0.1 SHACL shapes
(pySHACL, offline, no inference) in JSON-LD, Turtle and RDF/XML, and says what it should;
permalinks redirect relatively or describe the dataset."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SH

# rdflib 7.6's own JSON-LD parser and pySHACL still build a ConjunctiveGraph inside: their
# deprecation, not ours
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
SHAPES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl")
PARSERS = {"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"


@pytest.fixture(scope="module")
def shapes(fixtures) -> Graph:
    g = Graph()
    for name in SHAPES:
        g.parse(fixtures / "dcat-ap-3.0.1" / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def catalogues(app_client) -> dict[str, Graph]:
    out = {}
    for fmt, parser in PARSERS.items():
        r = app_client.get(f"/api/catalogue?format={fmt}")
        assert r.status_code == 200, r.text
        out[fmt] = Graph().parse(data=r.content, format=parser)
    return out


def _results(report: Graph, severity) -> list[tuple[str, str]]:
    return [
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
        for r in report.subjects(SH.resultSeverity, severity)
    ]


@pytest.mark.parametrize("fmt", list(PARSERS))
def test_catalogue_validates_under_dcat_ap_3_shapes(catalogues, shapes, fmt):
    g = catalogues[fmt]
    conforms, report, text = validate(g, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text
    assert _results(report, SH.Violation) == []
    # recommendations may be left out where the data has no answer (a licence URI where the
    # publisher names none, the period of a table of figures); a missing licence URI always
    # comes with the publisher's rights in words
    for focus, path in _results(report, SH.Warning):
        if path == str(DCTERMS.license):
            assert g.value(URIRef(focus), DCTERMS.rights) is not None, focus


def test_the_shapes_can_fail(catalogues, shapes):
    g = Graph() + catalogues["ttl"]
    catalogue = next(g.subjects(RDF.type, DCAT.Catalog))
    g.remove((catalogue, DCTERMS.title, None))
    conforms, report, _ = validate(g, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert not conforms
    assert (str(catalogue), str(DCTERMS.title)) in _results(report, SH.Violation)


def test_three_serialisations_hold_the_same_catalogue(catalogues):
    sizes = {fmt: len(g) for fmt, g in catalogues.items()}
    assert len(set(sizes.values())) == 1 and sizes["ttl"] > 1000, sizes


def test_every_stored_dataset_with_publisher_licence_attribution_and_provenance(
    catalogues, app_client
):
    g = catalogues["ttl"]
    stored = app_client.get("/api/datasets").json()["items"]
    titles = {str(o) for o in g.objects(None, DCTERMS.identifier)}
    assert {d["id"] for d in stored} <= titles
    cordis = next(s for s in g.subjects(DCTERMS.identifier, Literal(
        next(d["id"] for d in stored if d["source"] == "cordis-h2020"))))  # fmt: skip
    publisher = g.value(cordis, DCTERMS.publisher)
    assert "CORDIS" in str(g.value(publisher, FOAF.name))
    assert "© European Union, CORDIS" in str(
        g.value(cordis, URIRef("http://creativecommons.org/ns#attributionName"))
    )
    provenance = str(g.value(g.value(cordis, DCTERMS.provenance), RDFS.label))
    sha = next(d["sha256"] for d in stored if d["source"] == "cordis-h2020")
    assert sha in provenance and "NUTS 2024" in provenance
    # the licence as an EU Vocabularies URI on each of its distributions
    distributions = list(g.objects(cordis, DCAT.distribution))
    assert len(distributions) == 10  # projects and participants in five formats
    assert {str(g.value(d, DCTERMS.license)) for d in distributions} == {EU_LICENCE + "CC_BY_4_0"}
    # temporal coverage from the data: H2020 projects started in 2014 or later
    period = g.value(cordis, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate)) >= "2014-01-01"
    assert str(g.value(period, DCAT.endDate)) > str(g.value(period, DCAT.startDate))
    # spatial coverage (GeoDCAT-AP): NUTS 0 URIs with a bounding box
    spatial = {str(s) for s in g.objects(cordis, DCTERMS.spatial)}
    assert "http://data.europa.eu/nuts/code/FI" in spatial
    finland = URIRef("http://data.europa.eu/nuts/code/FI")
    assert str(g.value(finland, DCAT.bbox)).startswith("POLYGON ((")


def test_a_list_without_licence_claims_none(catalogues):
    g = catalogues["ttl"]
    finnish = next(s for s in g.subjects(RDF.type, DCAT.Dataset)
                   if str(s).split("/id/dataset/")[-1].startswith("fi-rakennerahastot"))  # fmt: skip
    for d in g.objects(finnish, DCAT.distribution):
        assert g.value(d, DCTERMS.license) is None
        assert "no explicit licence" in str(g.value(g.value(d, DCTERMS.rights), RDFS.label))


def test_atlas_tables_have_every_download_format_and_the_apis_are_services(catalogues):
    g = catalogues["ttl"]
    formats = {"CSV", "GEOJSON", "GPKG", "PARQUET", "XLSX", "JSON"}
    for table in ("projects", "participants", "regions"):
        node = next(g.subjects(DCTERMS.identifier, Literal(f"regioatlas-{table}")))
        found = {str(g.value(d, DCTERMS.format)).rsplit("/", 1)[-1]
                 for d in g.objects(node, DCAT.distribution)}  # fmt: skip
        assert found == formats, table
        assert len(list(g.objects(node, DCTERMS.source))) >= 5
    services = {str(s).rsplit("/", 1)[-1] for s in g.subjects(RDF.type, DCAT.DataService)}
    assert {"atlas", "scorecard", "kpi", "similarity", "open-data", "catalogue"} <= services
    atlas = next(s for s in g.subjects(RDF.type, DCAT.DataService) if str(s).endswith("/atlas"))
    assert str(g.value(atlas, DCAT.endpointURL)).endswith("/api")
    assert len(list(g.objects(atlas, DCAT.servesDataset))) > 5


def test_download_urls_in_the_catalogue_answer(catalogues, app_client):
    g = catalogues["ttl"]
    urls = sorted({str(u) for u in g.objects(None, DCAT.downloadURL)
                   if "regions." in str(u) or "source=at-efre" in str(u)})  # fmt: skip
    assert len(urls) == 15
    for url in urls:
        path = "/" + url.split("/", 3)[3]
        assert app_client.get(path).status_code == 200, path


def test_uris_never_come_from_the_host_header(app_client):
    r = app_client.get("/api/catalogue?format=ttl", headers={"host": "evil.example"})
    assert r.status_code == 200 and b"evil.example" not in r.content


def test_catalogue_by_accept_header_and_bad_format(app_client):
    assert (
        app_client.get("/api/catalogue", headers={"accept": "application/rdf+xml"})
        .headers["content-type"]
        .startswith("application/rdf+xml")
    )
    assert (
        app_client.get("/api/catalogue").headers["content-type"].startswith("application/ld+json")
    )
    r = app_client.get("/api/catalogue?format=n3")
    assert r.status_code == 400 and r.json()["parameter"] == "format"  # a declared choice


# --- permalinks ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        ("/id/region/FI1C3", "text/html", "/region/FI1C6"),  # a 2016 code stands for its region
        ("/id/region/FI1C6", "application/json", "/api/regions/FI1C6"),
        ("/id/project/cordis-h2020:221856", "text/html", "/project/cordis-h2020:221856"),
        ("/id/project/cordis-h2020:221856", "application/json",
         "/api/projects/cordis-h2020:221856"),
        ("/id/dataset/regioatlas-projects", "text/html", "/data"),
        ("/id/catalogue", "text/html", "/api/catalogue"),
    ],
)  # fmt: skip
def test_permalinks_redirect_relatively(app_client, path, accept, location):
    r = app_client.get(
        path, headers={"accept": accept, "host": "evil.example"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == location
    assert app_client.get(path, headers={"accept": accept}).status_code == 200


def test_dataset_permalink_describes_it_in_rdf(app_client):
    r = app_client.get("/id/dataset/regioatlas-regions", headers={"accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    node = next(g.subjects(RDF.type, DCAT.Dataset))
    assert str(node).endswith("/id/dataset/regioatlas-regions")
    assert len(list(g.objects(node, DCAT.distribution))) == 6


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/id/region/XX999", "code"), ("/id/project/nope:1", None),
     ("/id/dataset/nope", "dataset_id")],
)  # fmt: skip
def test_unknown_permalinks_are_404(app_client, path, parameter):
    r = app_client.get(path, follow_redirects=False)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json().get("parameter") == parameter
