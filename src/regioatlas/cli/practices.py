"""Good-practice commands: ``regioatlas practices ingest|search|recommend``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from regioatlas.cli._common import FORMATS, main, note_on_error, print_rows, store_option


@main.group()
def practices():
    """The good-practice exchange: read catalogues, search, recommend for a region."""


@practices.command("ingest")
@click.argument("source")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--shipped",
    is_flag=True,
    help="Read the file shipped in the package (ecesp, jrc-ipso, eu-mission-adaptation).",
)
@store_option
def ingest(source: str, paths: tuple[Path, ...], shipped: bool, store_url: str):
    """Read a practice SOURCE (ecesp, jrc-ipso, eu-mission-adaptation, urbact) from PATHS.

    URBACT has no open licence: give the folder of your copy of its files.
    """
    from regioatlas.api.practices import ingest_practices
    from regioatlas.sources.practices_ecesp import shipped_file
    from regioatlas.store import open_store

    files = [shipped_file(source)] if shipped else list(paths)
    if not files:
        raise click.UsageError("give the files (or the folder) to read, or --shipped")
    note_on_error("nothing was written.")
    with open_store(store_url) as store:
        store.migrate()
        out = ingest_practices(store, source, files, f"cli:{getpass.getuser()}")
    click.echo(
        f"{out['source']}: {out['practices']} practices, {out['transfers']} transfers read; "
        f"{out['appended']} new versions; {len(out['skipped'])} rows skipped"
    )
    for row in out["skipped"][:20]:
        click.echo(f"  line {row['line']}: {row['reason']}")


@practices.command("search")
@click.argument("text", required=False, default="")
@click.option("--theme", multiple=True, help="A theme (repeatable).")
@click.option("--country", multiple=True, help="A country code (repeatable).")
@click.option("--language", multiple=True, help="A language code (repeatable).")
@click.option(
    "--method",
    type=click.Choice(["lexical", "semantic", "hybrid"]),
    default="lexical",
    show_default=True,
)
@click.option("--limit", default=10, show_default=True)
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def search(text, theme, country, language, method, limit, store_url, fmt):
    """Published practices matching TEXT (any language), filtered by facets."""
    from regioatlas.api.practices_search import PracticeCatalogue
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        query = {"q": text, "theme": list(theme), "country": list(country), "language": list(language),
                 "method": method, "limit": str(limit)}  # fmt: skip
        out = PracticeCatalogue(store, semantic=method != "lexical").search(query)
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    print_rows(out["items"], fmt, ["score", "id", "region", "language", "title"])


@practices.command("recommend")
@click.argument("region")
@click.option(
    "--challenge", help="The region's challenge as free text (default: its weakest measures)."
)
@click.option("--limit", default=10, show_default=True)
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def recommend(region, challenge, limit, store_url, fmt):
    """Practices for REGION from regions like it, with the reasons."""
    from regioatlas.api.practices_search import PracticeCatalogue
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        out = PracticeCatalogue(store, semantic=False).recommendations(
            region, {"challenge": challenge, "limit": str(limit), "method": "lexical"}
        )
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    rows = [
        {
            "score": it["score"],
            "id": it["practice"]["id"],
            "region": it["practice"]["region"],
            "peer": (it["reasons"]["peer"] or {}).get("distance"),
            "terms": ", ".join(it["reasons"]["shared_terms"][:4]),
            "title": it["practice"]["title"],
        }
        for it in out["items"]
    ]
    print_rows(rows, fmt)
