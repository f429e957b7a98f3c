"""The vocabularies of the DCAT-AP 3 catalogue: namespaces, EU Vocabularies URIs, licences.

EU Vocabularies (the Publications Office's Named Authority Lists) name licences, file types,
frequencies, data themes, languages and availability; DCAT-AP asks for their URIs. A licence
is mapped from the text a publisher gives only when the text names one of them; otherwise the
text stays a rights statement and no licence URI is claimed.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, SKOS, XSD

DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
CC = Namespace("http://creativecommons.org/ns#")
EU = "http://publications.europa.eu/resource/authority/"
NUTS = "http://data.europa.eu/nuts/code/"
IANA = "https://www.iana.org/assignments/media-types/"

PREFIXES = {
    "dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "prov": PROV, "skos": SKOS, "xsd": XSD,
    "dcatap": DCATAP, "adms": ADMS, "vcard": VCARD, "locn": LOCN, "gsp": GSP, "cc": CC,
}  # fmt: skip

#: (pattern in the publisher's licence text, EU licence NAL code, label, ADMS licence type)
LICENCES = (
    (r"CC[ -]?BY[ -]?4\.0", "CC_BY_4_0", "Creative Commons Attribution 4.0", "Attribution"),
    (r"2011/833/EU|Commission re-use policy", "COM_REUSE",
     "Commission re-use policy (Decision 2011/833/EU)", "Attribution"),
    (r"\bMIT\b", "MIT", "MIT License", "Attribution"),
)  # fmt: skip

#: download format → (file-type NAL code, IANA media type)
FILE_TYPES = {
    "csv": ("CSV", "text/csv"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "gpkg": ("GPKG", "application/geopackage+sqlite3"),
    "parquet": ("PARQUET", "application/vnd.apache.parquet"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("JSON", "application/json"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
}

THEMES = {"REGI": "Regions and cities", "ECON": "Economy and finance",
          "GOVE": "Government and public sector"}  # fmt: skip
FREQUENCIES = {"IRREG": "irregular", "UPDATE_CONT": "continuously updated"}


def licence_uri(text: str | None) -> tuple[str, str, str] | None:
    """(EU licence URI, label, ADMS licence type) named by a publisher's licence text, or None.

    Example
    -------
    >>> licence_uri("© European Union, re-use authorised with acknowledgement (CC BY 4.0)")[0]
    'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0'
    >>> licence_uri("keep.eu terms: free use citing the source") is None
    True
    """
    for pattern, code, label, kind in LICENCES:
        if re.search(pattern, text or "", re.IGNORECASE):
            return f"{EU}licence/{code}", label, kind
    return None


def concept(g: Graph, uri: str, label: str, scheme: str | None = None) -> URIRef:
    """A SKOS concept with its English label (and scheme), typed as the shapes ask."""
    node = URIRef(uri)
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    if scheme:
        g.add((node, SKOS.inScheme, URIRef(scheme)))
    return node


def typed(g: Graph, uri: str, *classes: URIRef) -> URIRef:
    """``uri`` as a resource of ``classes`` (the range shapes run without inference)."""
    node = URIRef(uri)
    for cls in classes:
        g.add((node, RDF.type, cls))
    return node


def theme(g: Graph, code: str) -> URIRef:
    """A data-theme concept of the EU NAL."""
    return concept(g, f"{EU}data-theme/{code}", THEMES[code], f"{EU}data-theme")


def frequency(g: Graph, code: str) -> URIRef:
    """An update frequency of the EU NAL, typed ``dct:Frequency``."""
    node = concept(g, f"{EU}frequency/{code}", FREQUENCIES[code], f"{EU}frequency")
    g.add((node, RDF.type, DCTERMS.Frequency))
    return node


def file_type(g: Graph, fmt: str) -> tuple[URIRef, URIRef]:
    """(file-type NAL URI, IANA media type URI) of a format, both typed."""
    code, media = FILE_TYPES[fmt]
    kind = typed(g, f"{EU}file-type/{code}", DCTERMS.MediaTypeOrExtent)
    g.add((kind, SKOS.prefLabel, Literal(code, lang="en")))
    return kind, typed(g, IANA + media, DCTERMS.MediaType, DCTERMS.MediaTypeOrExtent)


def licence(g: Graph, uri: str, label: str, kind: str) -> URIRef:
    """A licence of the EU NAL as a ``dct:LicenseDocument`` with its ADMS type."""
    node = typed(g, uri, DCTERMS.LicenseDocument)
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((node, DCTERMS.type, concept(g, f"http://purl.org/adms/licencetype/{kind}", kind)))
    return node
