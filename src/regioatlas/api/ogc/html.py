"""The HTML encoding of the OGC API: server-rendered pages, every value escaped, no script,
styled by the web app's own stylesheet."""

from __future__ import annotations

from html import escape

from .collections import Feature


def page(title: str, body: str, crumbs: list[tuple[str, str]]) -> str:
    """A whole page around ``body`` (already escaped) with a breadcrumb trail."""
    trail = " › ".join(f'<a href="{escape(href)}">{escape(text)}</a>' for href, text in crumbs)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – RegioAtlas OGC API</title>"
        '<link rel="stylesheet" href="/static/app/app.css"></head>'
        '<body><header class="top"><a class="brand" href="/">RegioAtlas</a>'
        f'<nav aria-label="breadcrumb">{trail}</nav></header>'
        f'<main class="ogc"><h1>{escape(title)}</h1>{body}</main>'
        "</body></html>"
    )


def _links(links: list[dict]) -> str:
    items = "".join(
        f'<li><a href="{escape(link["href"])}" rel="{escape(link["rel"])}">'
        f"{escape(link.get('title') or link['rel'])}</a> <small>({escape(link.get('type', ''))})</small></li>"
        for link in links
    )
    return f"<ul>{items}</ul>"


def landing_html(doc: dict, base: str) -> str:
    body = f"<p>{escape(doc['description'])}</p>{_links(doc['links'])}"
    return page(doc["title"], body, [(base, "OGC API")])


def conformance_html(doc: dict, base: str) -> str:
    body = "<ul>" + "".join(f"<li>{escape(c)}</li>" for c in doc["conformsTo"]) + "</ul>"
    return page("Conformance", body, [(base, "OGC API"), (f"{base}/conformance", "conformance")])


def collections_html(doc: dict, base: str) -> str:
    rows = "".join(
        f'<tr><td><a href="{escape(base)}/collections/{escape(c["id"])}?f=html">{escape(c["id"])}</a>'
        f"</td><td>{escape(c['title'])}</td><td>{escape(c['description'])}</td></tr>"
        for c in doc["collections"]
    )
    body = (
        "<table><thead><tr><th>id</th><th>title</th><th>description</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return page(
        "Collections", body, [(base, "OGC API"), (f"{base}/collections?f=html", "collections")]
    )


def collection_html(doc: dict, queryables: dict, base: str) -> str:
    here = f"{base}/collections/{doc['id']}"
    extent = doc.get("extent", {})
    bbox = extent.get("spatial", {}).get("bbox", [[]])[0]
    interval = extent.get("temporal", {}).get("interval", [[None, None]])[0]
    names = ", ".join(escape(n) for n in queryables["properties"])
    body = (
        f"<p>{escape(doc['description'])}</p>"
        f'<p><a href="{escape(here)}/items?f=html">Browse the features</a></p>'
        f"<dl><dt>Spatial extent (CRS84)</dt><dd>{escape(', '.join(map(str, bbox)))}</dd>"
        f"<dt>Temporal extent</dt><dd>{escape(' / '.join(str(v or '..') for v in interval))}</dd>"
        f"<dt>Queryables</dt><dd>{names}</dd></dl>{_links(doc['links'])}"
    )
    crumbs = [
        (base, "OGC API"),
        (f"{base}/collections?f=html", "collections"),
        (here + "?f=html", doc["id"]),
    ]
    return page(doc["title"], body, crumbs)


def _properties_table(properties: dict) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(str(k))}</th><td>{escape("" if v is None else str(v))}</td></tr>'
        for k, v in properties.items()
    )
    return f"<table>{rows}</table>"


def items_html(
    collection_id: str,
    title: str,
    features: list[Feature],
    matched: int,
    links: list[dict],
    base: str,
) -> str:
    here = f"{base}/collections/{collection_id}"
    rows = "".join(
        f'<tr><td><a href="{escape(here)}/items/{escape(f.id, quote=True)}?f=html">{escape(f.id)}</a></td>'
        f"<td>{escape(_label(f))}</td></tr>"
        for f in features
    )
    nav = " ".join(
        f'<a class="button" rel="{link["rel"]}" href="{escape(link["href"].replace("f=json", "f=html"))}">'
        f"{escape(link['title'])}</a>"
        for link in links
        if link["rel"] in ("prev", "next")
    )
    body = (
        f"<p>{matched} features match; {len(features)} shown.</p>"
        f"<table><thead><tr><th>id</th><th>name</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p>{nav}</p>"
    )
    crumbs = [
        (base, "OGC API"),
        (f"{base}/collections?f=html", "collections"),
        (here + "?f=html", collection_id),
    ]
    return page(f"{title}: features", body, crumbs)


def _label(f: Feature) -> str:
    p = f.properties
    return str(p.get("name_latin") or p.get("name") or p.get("title") or p.get("acronym") or "")


def item_html(collection_id: str, feature: Feature, base: str) -> str:
    here = f"{base}/collections/{collection_id}"
    crumbs = [
        (base, "OGC API"),
        (f"{base}/collections?f=html", "collections"),
        (here + "?f=html", collection_id),
        (f"{here}/items?f=html", "items"),
    ]
    kind = feature.geojson["type"] if feature.geojson else "none"
    body = _properties_table(feature.properties) + f"<p>Geometry: {escape(kind)}</p>"
    return page(f"{collection_id} {feature.id}", body, crumbs)
