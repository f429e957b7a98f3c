"""A DCAT-AP 3 catalogue of everything RegioAtlas serves, in JSON-LD, Turtle and RDF/XML.

The catalogue lists

- every stored dataset (``Store.datasets()``): publisher, licence as an EU Vocabularies URI
  where the publisher names one (else the publisher's words as a rights statement),
  attribution, when it was ingested, the files and their SHA-256, the shares located at each
  NUTS level, its temporal coverage (the projects' run) and spatial coverage (GeoDCAT-AP: the
  NUTS 0 regions it covers, their bounding box and centroid);
- the atlas's own datasets — projects, participants, region aggregates — made from them
  (``dct:source``), each with a distribution per download format and one for the API;
- the APIs as ``dcat:DataService`` (one per feature with routes, from the feature registry,
  which the web layer passes in: the API layer does not import it).

Every URI is under the public base URL (the ``public_url`` setting), never the request's
``Host``; datasets, regions and projects have permalinks under ``/id/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

import shapely
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from regioatlas.api import dcat_vocab as v
from regioatlas.api.exports import FORMATS, TABLES
from regioatlas.model import Dataset
from regioatlas.model.errors import NotFound
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.model.regions import ATLAS_VERSION
from regioatlas.store.base import Store

#: serialisation → (rdflib format, media type)
SERIALISATIONS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}
TABLE_TITLES = {
    "projects": "EU-funded projects and operations located on NUTS regions",
    "participants": "Participations in EU-funded projects, located on NUTS 2024 regions",
    "regions": "EU funding per NUTS region: projects, participations, EU contribution",
}
SELF = "RegioAtlas"


#: the rights of the practice downloads: each practice keeps its source's licence
PRACTICE_RIGHTS = (
    "Each practice keeps the licence and attribution of its source (its `licence` and "
    "`source` fields): ECESP and JRC cases under the Commission's re-use policy (CC BY 4.0, "
    "© European Union); practices written by editors under this deployment's terms."
)


@dataclass(frozen=True)
class Service:
    """An API the catalogue lists: a feature of the web app with routes."""

    name: str
    title: str


def catalogue_graph(store: Store, registry, base: str, services: list[Service]) -> Graph:
    """The DCAT-AP 3 catalogue of a store's datasets, the downloads and the APIs.

    Parameters
    ----------
    store : Store
        Where the datasets are.
    registry : NutsRegistry
        For the NUTS 0 polygons of the spatial coverage.
    base : str
        The public base URL (``https://atlas.example.eu``): every URI is under it.
    services : list of Service
        The APIs (the features with routes).

    Example
    -------
    >>> g = catalogue_graph(store, registry, "https://atlas.example.eu", [])  # doctest: +SKIP
    >>> len(list(g.subjects(RDF.type, DCAT.Dataset))) > 3  # doctest: +SKIP
    True
    """
    base = base.rstrip("/")
    g = Graph()
    for prefix, ns in v.PREFIXES.items():
        g.bind(prefix, ns)
    build = _Builder(g, store, registry, base)
    return build.catalogue(services)


def serialise(graph: Graph, fmt: str) -> tuple[bytes, str]:
    """The graph as ``jsonld``, ``ttl`` or ``rdf`` (RDF/XML): (bytes, media type).

    Example
    -------
    >>> serialise(Graph(), "ttl")[1]
    'text/turtle'
    """
    if fmt not in SERIALISATIONS:
        raise NotFound(
            f"no catalogue format {fmt!r}; one of {', '.join(SERIALISATIONS)}", parameter="format"
        )
    name, media = SERIALISATIONS[fmt]
    if name == "json-ld":
        context = {prefix: str(ns) for prefix, ns in v.PREFIXES.items()}
        text = graph.serialize(format=name, context=context, auto_compact=True)
    else:
        text = graph.serialize(format=name)
    return text.encode("utf-8"), media


def describe(graph: Graph, node: URIRef) -> Graph:
    """The node's description: its triples and those of the blank nodes it uses (a CBD)."""
    out = Graph(namespace_manager=graph.namespace_manager)
    todo: list[URIRef | BNode] = [node]
    seen: set[URIRef | BNode] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for p, o in graph.predicate_objects(subject):
            out.add((subject, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def permalink(base: str, kind: str, key: str) -> str:
    """The stable URL of a dataset, region or project.

    Example
    -------
    >>> permalink("https://a.eu", "project", "cordis-h2020:221856")
    'https://a.eu/id/project/cordis-h2020:221856'
    """
    return f"{base.rstrip('/')}/id/{kind}/{quote(key, safe=':+')}"


class _Builder:
    """Adds the catalogue's nodes to one graph."""

    def __init__(self, g: Graph, store: Store, registry, base: str):
        self.g, self.store, self.registry, self.base = g, store, registry, base
        self.datasets = store.datasets()
        self.countries = self._country_shapes()
        self.everything = self.coverage(ProjectFilter())  # the atlas tables share it

    def uri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    # --- the catalogue -------------------------------------------------------------------
    def catalogue(self, services: list[Service]) -> Graph:
        g = self.g
        cat = self.uri("/id/catalogue")
        g.add((cat, RDF.type, DCAT.Catalog))
        g.add((cat, DCTERMS.title, Literal("RegioAtlas open data", lang="en")))
        g.add((cat, DCTERMS.description, Literal(
            "EU-funded projects located on NUTS regions, comparable across borders: the "
            "published files RegioAtlas reads, and the atlas's own tables in CSV, GeoJSON, "
            "GeoPackage, Parquet and XLSX and through its API.", lang="en")))  # fmt: skip
        g.add((cat, DCTERMS.publisher, self.agent(SELF, self.base + "/")))
        g.add((cat, FOAF.homepage, v.typed(g, self.base + "/", FOAF.Document)))
        g.add((cat, DCTERMS.language, self.language()))
        scheme = v.typed(g, f"{v.EU}data-theme", SKOS.ConceptScheme)
        g.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
        g.add((cat, DCAT.themeTaxonomy, scheme))
        lic = v.licence_uri("CC BY 4.0")
        assert lic is not None
        g.add((cat, DCTERMS.license, v.licence(g, *lic)))
        self.spatial(cat, sorted(self.countries))
        stamps = [d.ingested_at for d in self.datasets]
        if stamps:
            g.add((cat, DCTERMS.issued, _when(min(stamps))))
            g.add((cat, DCTERMS.modified, _when(max(stamps))))
        stored = [self.stored_dataset(d) for d in self.datasets]
        for node in stored:
            g.add((cat, DCAT.dataset, node))
        own = [self.table_dataset(t, stored) for t in TABLES]
        for node in own:
            g.add((cat, DCAT.dataset, node))
        practices = self.practices_dataset()
        if practices is not None:  # the good-practice exchange (issue 13), once one is public
            g.add((cat, DCAT.dataset, practices))
            own.append(practices)
        for service in services:
            g.add((cat, DCAT.service, self.service(service, own + stored)))
        g.add((cat, DCAT.service, self.catalogue_service()))
        return g

    # --- agents, places, periods -----------------------------------------------------------
    def agent(self, name: str, homepage: str | None = None) -> URIRef:
        node = self.uri("/id/agent/" + quote(_slug(name)))
        g = self.g
        g.add((node, RDF.type, FOAF.Agent))
        g.add((node, FOAF.name, Literal(name)))
        if homepage:
            g.add((node, FOAF.homepage, v.typed(g, homepage, FOAF.Document)))
        return node

    def contact(self) -> URIRef:
        node = self.uri("/id/contact")
        self.g.add((node, RDF.type, v.VCARD.Kind))
        self.g.add((node, RDF.type, v.VCARD.Organization))
        self.g.add((node, v.VCARD.fn, Literal(SELF)))
        self.g.add((node, v.VCARD.hasURL, URIRef(self.base + "/")))
        return node

    def language(self) -> URIRef:
        return v.typed(self.g, f"{v.EU}language/ENG", DCTERMS.LinguisticSystem)

    def _country_shapes(self) -> dict[str, object]:
        geoms = self.registry.geometries(ATLAS_VERSION, 0, 4)
        return {code: shapely.geometry.shape(geom) for code, geom in geoms.items() if geom}

    def spatial(self, node: URIRef, codes: list[str]) -> None:
        """GeoDCAT-AP spatial coverage: each NUTS 0 region (its EU URI, bounding box and
        centroid) and one location of their bounding box together."""
        g = self.g
        for code in codes:
            g.add((node, DCTERMS.spatial, self.place(v.NUTS + code, [code])))
        together = BNode()
        self.place(together, codes)
        g.add((node, DCTERMS.spatial, together))

    def place(self, uri: str | BNode, codes: list[str]) -> URIRef | BNode:
        g = self.g
        node = uri if isinstance(uri, BNode) else URIRef(uri)
        g.add((node, RDF.type, DCTERMS.Location))
        shapes = [self.countries[c] for c in codes if c in self.countries]
        if shapes:
            union = shapely.union_all(shapes)
            box = shapely.box(*union.bounds)
            g.add((node, DCAT.bbox, Literal(box.wkt, datatype=v.GSP.wktLiteral)))
            centroid = shapely.Point(round(union.centroid.x, 4), round(union.centroid.y, 4))
            g.add((node, DCAT.centroid, Literal(centroid.wkt, datatype=v.GSP.wktLiteral)))
        return node

    def period(self, start: date | None, end: date | None) -> BNode:
        node = BNode()
        self.g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start:
            self.g.add((node, DCAT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
        if end:
            self.g.add((node, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
        return node

    def coverage(self, flt: ProjectFilter) -> tuple[list[str], date | None, date | None]:
        """(NUTS 0 codes with located participants, first start, last end) under a filter."""
        codes = sorted(r["code"] for r in self.store.aggregate(0, flt) if r["code"])
        first = self.store.query_projects(flt, Page(limit=1, sort="start_date"))[1]
        last = self.store.query_projects(flt, Page(limit=1, sort="end_date", descending=True))[1]
        start = first[0]["start_date"] if first else None
        end = last[0]["end_date"] if last else None
        return codes, start, end

    # --- datasets ----------------------------------------------------------------------
    def stored_dataset(self, d: Dataset) -> URIRef:
        g = self.g
        node = URIRef(permalink(self.base, "dataset", d.id))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(d.id)))
        g.add((node, DCTERMS.title, Literal(f"{d.source}: {', '.join(d.files)}", lang="en")))
        g.add((node, DCTERMS.description, Literal(_describe(d), lang="en")))
        publisher = self.agent(d.publisher)
        g.add((node, DCTERMS.publisher, publisher))
        g.add((node, DCTERMS.creator, publisher))
        g.add((node, DCAT.contactPoint, self.contact()))
        g.add((node, DCTERMS.issued, _when(d.ingested_at)))
        g.add((node, DCTERMS.modified, _when(d.ingested_at)))
        g.add((node, DCTERMS.accrualPeriodicity, v.frequency(g, "IRREG")))
        g.add((node, DCAT.theme, v.theme(g, "REGI")))
        g.add((node, DCAT.keyword, Literal(d.source, lang="en")))
        g.add((node, v.CC.attributionName, Literal(d.attribution)))
        attribution = BNode()
        g.add((attribution, RDF.type, PROV.Attribution))
        g.add((attribution, PROV.agent, publisher))
        role = v.typed(g, "http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/"
                       "originator", DCAT.Role)  # fmt: skip
        g.add((attribution, DCAT.hadRole, role))
        g.add((node, PROV.qualifiedAttribution, attribution))
        provenance = BNode()
        g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((provenance, RDFS.label, Literal(_provenance(d), lang="en")))
        g.add((node, DCTERMS.provenance, provenance))
        if d.project_count:
            codes, start, end = self.coverage(ProjectFilter(sources=[d.source]))
            g.add((node, DCTERMS.temporal, self.period(start, end)))
            self.spatial(node, codes)
            for table in ("projects", "participants"):
                for fmt in FORMATS:
                    g.add((node, DCAT.distribution, self.download(
                        table, fmt, f"source={quote(d.source)}", d)))  # fmt: skip
        else:
            g.add((node, DCAT.distribution, self.api_distribution(
                node, "/api/datasets", "The dataset's provenance and location report", d)))  # fmt: skip
        return node

    def table_dataset(self, table: str, stored: list[URIRef]) -> URIRef:
        g = self.g
        node = self.uri(f"/id/dataset/regioatlas-{table}")
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(f"regioatlas-{table}")))
        g.add((node, DCTERMS.title, Literal(TABLE_TITLES[table], lang="en")))
        g.add((node, DCTERMS.description, Literal(
            f"The atlas's {table} table, harmonised from the datasets it is made of (money in "
            "EUR, places on NUTS 2024 regions with method and confidence). Every download "
            "takes the atlas filters (source, programme, fund, country, org_type, from, to, "
            "q, region).", lang="en")))  # fmt: skip
        g.add((node, DCTERMS.publisher, self.agent(SELF, self.base + "/")))
        g.add((node, DCAT.contactPoint, self.contact()))
        g.add((node, DCTERMS.accrualPeriodicity, v.frequency(g, "UPDATE_CONT")))
        for code in ("REGI", "ECON"):
            g.add((node, DCAT.theme, v.theme(g, code)))
        for word in ("EU funding", "NUTS", "cohesion policy", "Horizon"):
            g.add((node, DCAT.keyword, Literal(word, lang="en")))
        codes, start, end = self.everything
        g.add((node, DCTERMS.temporal, self.period(start, end)))
        self.spatial(node, codes)
        for source in stored:
            g.add((node, DCTERMS.source, source))
        stamps = [d.ingested_at for d in self.datasets]
        if stamps:
            g.add((node, DCTERMS.modified, _when(max(stamps))))
        rights = "; ".join(sorted({d.attribution for d in self.datasets}))
        g.add((node, v.CC.attributionName, Literal(rights)))
        for fmt in FORMATS:
            g.add((node, DCAT.distribution, self.download(table, fmt, "", None)))
        api = {"projects": "/api/projects", "participants": "/api/projects",
               "regions": "/api/aggregates"}[table]  # fmt: skip
        g.add((node, DCAT.distribution, self.api_distribution(node, api, "Through the JSON API")))
        g.add((node, DCAT.landingPage, v.typed(g, self.base + "/data", FOAF.Document)))
        return node

    def practices_dataset(self) -> URIRef | None:
        """The published good practices (CSV, JSON-LD, API), or None while none is public."""
        versions = [
            v for v in self.store.practice_versions("practice") if v["status"] == "approved"
        ]
        if not versions:
            return None
        g = self.g
        node = self.uri("/id/dataset/regioatlas-practices")
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal("regioatlas-practices")))
        g.add((node, DCTERMS.title, Literal("Good practices of regions", lang="en")))
        g.add((node, DCTERMS.description, Literal(
            "Reviewed good practices of regions (ECESP, JRC, URBACT and written by editors), "
            "located on NUTS 2024 regions with method and confidence, with the action plans "
            "adopting them and their transfers.", lang="en")))  # fmt: skip
        g.add((node, DCTERMS.publisher, self.agent(SELF, self.base + "/")))
        g.add((node, DCAT.contactPoint, self.contact()))
        g.add((node, DCTERMS.modified, _when(max(v["saved_at"] for v in versions))))
        g.add((node, DCAT.theme, v.theme(g, "REGI")))
        for word in ("good practice", "policy learning", "NUTS"):
            g.add((node, DCAT.keyword, Literal(word, lang="en")))
        for path, fmt, title in (
            ("/api/practices/export/csv", "csv", "CSV"),
            ("/api/practices/export/jsonld", "jsonld", "JSON-LD"),
        ):
            dist = self.uri(f"/id/distribution/regioatlas-practices-{title.lower()}")
            g.add((dist, RDF.type, DCAT.Distribution))
            g.add((dist, DCTERMS.title, Literal(f"Good practices, {title}", lang="en")))
            g.add((dist, DCAT.accessURL, URIRef(self.base + path)))
            g.add((dist, DCAT.downloadURL, URIRef(self.base + path)))
            kind, media = v.file_type(g, fmt)  # typed, as the shapes require
            g.add((dist, DCTERMS.format, kind))
            g.add((dist, DCAT.mediaType, media))
            statement = BNode()
            g.add((statement, RDF.type, DCTERMS.RightsStatement))
            g.add((statement, RDFS.label, Literal(PRACTICE_RIGHTS, lang="en")))
            g.add((dist, DCTERMS.rights, statement))
            g.add((node, DCAT.distribution, dist))
        g.add(
            (
                node,
                DCAT.distribution,
                self.api_distribution(node, "/api/practices", "Through the JSON API"),
            )
        )
        g.add((node, DCAT.landingPage, v.typed(g, self.base + "/practices", FOAF.Document)))
        return node

    # --- distributions -------------------------------------------------------------------
    def rights(self, node, d: Dataset | None) -> None:
        """Licence (an EU URI when the publisher names one) and the rights in words."""
        g = self.g
        text = (
            f"{d.licence}. Attribution: {d.attribution}"
            if d
            else "Each row keeps its source's licence and attribution: "
            + "; ".join(sorted({f"{x.source}: {x.licence}" for x in self.datasets}))
        )
        statement = BNode()
        g.add((statement, RDF.type, DCTERMS.RightsStatement))
        g.add((statement, RDFS.label, Literal(text, lang="en")))
        g.add((node, DCTERMS.rights, statement))
        found = v.licence_uri(d.licence) if d else None
        if found:
            g.add((node, DCTERMS.license, v.licence(g, *found)))

    def download(self, table: str, fmt: str, query: str, d: Dataset | None) -> URIRef:
        g = self.g
        url = f"{self.base}/api/export/{table}.{fmt}" + (f"?{query}" if query else "")
        node = URIRef(f"{self.base}/id/distribution/{table}.{fmt}" + (f"?{query}" if query else ""))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(f"{table} as {FORMATS[fmt][1]}", lang="en")))
        g.add((node, DCTERMS.description, Literal(
            f"The {table} table in {FORMATS[fmt][1]}"
            + (", with geometry (EPSG:4326)" if fmt in ("geojson", "gpkg", "parquet")
               and table != "projects" else "") + ".", lang="en")))  # fmt: skip
        g.add((node, DCAT.accessURL, URIRef(url)))
        g.add((node, DCAT.downloadURL, URIRef(url)))
        kind, media = v.file_type(g, fmt)
        g.add((node, DCTERMS.format, kind))
        g.add((node, DCAT.mediaType, media))
        g.add((node, v.DCATAP.availability, self.available()))
        self.rights(node, d)
        return node

    def api_distribution(
        self, dataset: URIRef, path: str, title: str, d: Dataset | None = None
    ) -> URIRef:
        g = self.g
        node = URIRef(f"{dataset}#api")
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, DCTERMS.description, Literal(
            f"JSON from {path}; see the API description at /openapi.json.", lang="en")))  # fmt: skip
        g.add((node, DCAT.accessURL, self.uri(path)))
        g.add((node, DCAT.accessService, self.uri("/id/service/atlas")))
        kind, media = v.file_type(g, "json")
        g.add((node, DCTERMS.format, kind))
        g.add((node, DCAT.mediaType, media))
        g.add((node, v.DCATAP.availability, self.available()))
        self.rights(node, d)
        return node

    def available(self) -> URIRef:
        return v.concept(self.g, f"{v.EU}planned-availability/STABLE", "stable",
                         f"{v.EU}planned-availability")  # fmt: skip

    # --- services --------------------------------------------------------------------------
    def service(self, service: Service, datasets: list[URIRef]) -> URIRef:
        g = self.g
        node = self.uri(f"/id/service/{service.name}")
        g.add((node, RDF.type, DCAT.DataService))
        g.add((node, DCTERMS.title, Literal(f"RegioAtlas API: {service.title}", lang="en")))
        g.add((node, DCTERMS.description, Literal(
            f"The {service.name} routes of the RegioAtlas HTTP API (JSON; errors are RFC 9457 "
            "problem details).", lang="en")))  # fmt: skip
        self._service_common(node)
        for dataset in datasets if service.name == "atlas" else []:
            g.add((node, DCAT.servesDataset, dataset))
        g.add((node, DCAT.keyword, Literal(service.name, lang="en")))
        return node

    def catalogue_service(self) -> URIRef:
        g = self.g
        node = self.uri("/id/service/catalogue")
        g.add((node, RDF.type, DCAT.DataService))
        g.add((node, DCTERMS.title, Literal("RegioAtlas DCAT-AP catalogue", lang="en")))
        g.add((node, DCAT.keyword, Literal("DCAT-AP", lang="en")))
        self._service_common(node, "/api/catalogue")
        return node

    def _service_common(self, node: URIRef, endpoint: str = "/api") -> None:
        g = self.g
        g.add((node, DCAT.endpointURL, self.uri(endpoint)))
        g.add((node, DCAT.endpointDescription, self.uri("/openapi.json")))
        openapi = v.typed(g, "https://spec.openapis.org/oas/v3.1.0", DCTERMS.Standard)
        g.add((node, DCTERMS.conformsTo, openapi))
        g.add((node, DCTERMS.publisher, self.agent(SELF, self.base + "/")))
        g.add((node, DCAT.contactPoint, self.contact()))
        g.add((node, DCAT.theme, v.theme(g, "REGI")))
        g.add((node, DCAT.landingPage, v.typed(g, self.base + "/docs", FOAF.Document)))


def _when(stamp: datetime) -> Literal:
    return Literal(stamp.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:80]


def _shares(report: dict, key: str) -> str:
    shares = report.get(key) or {}
    return ", ".join(f"{k} {100 * s:.1f}%" for k, s in shares.items() if s)


def _describe(d: Dataset) -> str:
    text = f"Published by {d.publisher}."
    if d.project_count:
        text += f" {d.project_count:,} projects, {d.participant_count:,} participations."
    return text


def _provenance(d: Dataset) -> str:
    text = (
        f"Ingested {d.ingested_at.isoformat(timespec='seconds')} from {', '.join(d.files)} "
        f"(SHA-256 of the files: {d.sha256})"
        + (f" as {d.recognised_as}" if d.recognised_as else "")
        + (f" with profile {d.profile}" if d.profile else "")
        + "."
    )
    if d.location_report.get("by_level"):
        text += (
            " Located on NUTS 2024 regions, finest level: "
            + _shares(d.location_report, "by_level")
            + "; by method: "
            + _shares(d.location_report, "by_method")
            + "."
        )
    if d.rejected_count:
        text += f" {d.rejected_count:,} rows rejected."
    return text
