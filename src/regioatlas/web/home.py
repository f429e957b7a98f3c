"""A plain landing page until the map-first web app arrives: datasets, links, attribution."""

from __future__ import annotations

from html import escape

from regioatlas import __version__

BOUNDARIES = "© EuroGeographics for the administrative boundaries"


def home_html(atlas) -> str:
    rows = []
    for d in atlas.store.datasets():
        report = d.location_report or {}
        nuts3 = report.get("by_level", {}).get("3")
        located = f"{nuts3:.0%} to NUTS 3" if isinstance(nuts3, (int, float)) else "–"
        rows.append(
            f"<tr><td>{escape(d.source)}</td><td>{escape(', '.join(d.files))}</td>"
            f"<td>{d.project_count:,}</td><td>{d.participant_count:,}</td><td>{located}</td>"
            f"<td>{escape(d.licence or '')}</td><td>{escape(d.attribution or '')}</td></tr>"
        )
    attributions = sorted(
        {d.attribution for d in atlas.store.datasets() if d.attribution} | {BOUNDARIES}
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>RegioAtlas</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1b1b}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.35rem;text-align:left;font-size:.9rem}}
a{{color:#0b5394}}</style></head>
<body><h1>RegioAtlas <small>{__version__}</small></h1>
<p>EU-funded projects located on NUTS regions. API: <a href="/docs">interactive docs</a>,
<a href="/openapi.json">OpenAPI spec</a>, <a href="/api/datasets">datasets</a>,
<a href="/api/aggregates?level=2">aggregates per NUTS 2 region</a>,
<a href="/api/projects?region=FI1C&amp;limit=20">projects in Etelä-Suomi (FI1C)</a>.</p>
<h2>Datasets</h2>
<table><thead><tr><th>Source</th><th>Files</th><th>Projects</th><th>Participations</th><th>Located</th>
<th>Licence</th><th>Attribution</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<footer><p>{" · ".join(escape(a) for a in attributions)}</p></footer></body></html>"""
