"""Similarity commands: similar, synergies, overlaps, partners, similarity-index."""

from __future__ import annotations

import json
import sys

import click

from regioatlas.cli._common import (
    FORMATS,
    fail,
    filter_options,
    main,
    param_values,
    print_rows,
    store_option,
)
from regioatlas.cli.atlas import progress_bar

METHOD = click.Choice(["lexical", "semantic", "hybrid"])
_METHOD_HELP = "Retrieval method (default: hybrid when the embedding model is installed)."


def _similarity(store, check=None):
    """The handlers over an open store; embeddings are computed now, with a progress bar.

    ``check`` (a ``Similarity.refuse_early``) runs first: a bad request fails before the
    index is built, which takes seconds.
    """
    from regioatlas.api.atlas import Atlas
    from regioatlas.api.similarity import Similarity

    sim = Similarity(Atlas(store), wait=True)
    if check is not None:
        check(sim)
    index = sim.cache.current(progress=progress_bar())
    return sim, index


def _run(store_url: str, call, method: str | None, check=None):
    """Open the store read-only, check, make sure the index (and embeddings) are ready, call."""
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        sim, index = _similarity(store, check)
        if (method or sim.status()["default_method"]) != "lexical":
            sim.cache.semantic(index, progress=progress_bar())
        return call(sim)


def _print_similar(out: dict, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    rows = [
        {
            "rank": n,
            "score": it["score"],
            "kind": it["kind"],
            "id": it["id"],
            "title": it["title"],
            "regions": " ".join(it["regions"][:3]),
            "km": it["reason"]["distance_km"],
            "why": it["explanation"]["summary"],
        }
        for n, it in enumerate(out["items"], 1)
    ]
    if out.get("note"):
        click.secho(out["note"], fg="yellow", err=True)
    click.echo(f"{out['count']} similar project(s), method {out['method']}", err=True)
    print_rows(rows, fmt, list(rows[0]) if rows else ["rank"])
    for source, items in (out.get("by_source") or {}).items() if fmt == "table" else ():
        if items:
            click.echo(f"\nbest in {source}:")
            for it in items:
                click.echo(f"  {it['score']:8.3f}  {it['kind']:8}  {it['id']}  {it['title'][:70]}")


@main.command()
@click.argument("project_id", required=False)
@click.option("--text", help="A free text to compare instead of a project (idea, objective).")
@click.option("--home", help="NUTS code of your region (for --text): projects there are overlaps.")
@click.option("--method", type=METHOD, default=None, help=_METHOD_HELP)
@click.option("--limit", default=10, show_default=True, help="Number of results (1-100).")
@click.option("--per-source", default=3, show_default=True, help="Best results per other source.")
@store_option
@filter_options
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def similar(project_id, text, home, method, limit, per_source, store_url, fmt, **kwargs):
    """Projects similar to PROJECT_ID or to --text, classified synergy / overlap / related.

    Each result says why: shared terms and topics, the score, same region or beneficiary,
    months running at the same time and the distance in km. Example:
    `regioatlas similar fi-rakennerahastot:A70001` or
    `regioatlas similar --text "circular economy in SMEs" --home FI1C6`.
    """
    if bool(project_id) == (text is not None):
        fail("give a PROJECT_ID or --text (one of them)", 2)
    params = param_values(kwargs) | {"limit": limit, "per_source": per_source}
    if method:
        params["method"] = method
    if text is not None:
        params |= {"text": text, "home": home}
        out = _run(
            store_url, lambda s: s.similar_to_text(params), method,
            check=lambda s: s.refuse_early(params),
        )  # fmt: skip
    else:
        out = _run(
            store_url, lambda s: s.similar_to_project(project_id, params), method,
            check=lambda s: s.refuse_early(params, project_id=project_id),
        )  # fmt: skip
    _print_similar(out, fmt)


@main.command()
@click.argument("region")
@click.option("--version", "nuts_version", default=None, help="NUTS version of REGION.")
@click.option("--method", type=METHOD, default=None, help=_METHOD_HELP)
@click.option("--limit", default=10, show_default=True)
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def synergies(region, nuts_version, method, limit, store_url, fmt):
    """Projects elsewhere most like REGION's whole portfolio of projects (synergy candidates)."""
    params = {"limit": limit, "version": nuts_version, "method": method, "per_source": 0}
    out = _run(
        store_url, lambda s: s.synergies(region, params), method,
        check=lambda s: s.refuse_early(params, region=region),
    )  # fmt: skip
    _print_similar(out, fmt)


@main.command()
@click.argument("region")
@click.option("--version", "nuts_version", default=None, help="NUTS version of REGION.")
@click.option("--method", type=METHOD, default=None, help=_METHOD_HELP)
@click.option("--limit", default=50, show_default=True, help="Pairs (1-1000).")
@click.option("--min-score", type=float, default=None, help="Leave out pairs scoring less.")
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the CSV here.")
def overlaps(region, nuts_version, method, limit, min_score, store_url, fmt, output):
    """Pairs of REGION's projects that look alike and run at the same time (possible
    duplication or conflict), most similar first. `--format csv -o FILE` for a spreadsheet."""
    params = {"limit": limit, "version": nuts_version, "method": method, "min_score": min_score}
    if fmt == "csv" or output:
        body = _run(
            store_url, lambda s: s.overlaps_csv(region, params), method,
            check=lambda s: s.refuse_early(params, region=region),
        )  # fmt: skip
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(body)
            click.echo(f"{body.count(chr(10)) - 1} pair(s) written to {output}", err=True)
        else:
            sys.stdout.write(body)
        return
    out = _run(
        store_url, lambda s: s.overlaps(region, params), method,
        check=lambda s: s.refuse_early(params, region=region),
    )  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(
        f"{out['name']} ({out['region']}): {out['projects']} projects, {out['count']} pair(s), "
        f"method {out['method']}",
        err=True,
    )
    rows = [
        {
            "rank": it["rank"],
            "score": it["score"],
            "a": f"{it['a']['id']} {it['a']['title']}",
            "b": f"{it['b']['id']} {it['b']['title']}",
            "months": it["months_overlap"],
            "shared": ", ".join(it["explanation"]["shared_terms"][:4]),
        }
        for it in out["items"]
    ]
    print_rows(rows, fmt, list(rows[0]) if rows else ["rank"])


@main.command()
@click.option("--text", help="What the partners should have done.")
@click.option("--project", "project_id", help="Or: a project id (its own partners are excluded).")
@click.option("--home", help="NUTS code: leave out organisations there and their partners.")
@click.option("--method", type=METHOD, default=None, help=_METHOD_HELP)
@click.option("--limit", default=20, show_default=True)
@store_option
@filter_options
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def partners(text, project_id, home, method, limit, store_url, fmt, **kwargs):
    """Organisations outside --home ranked by relevant track record (their similar projects)."""
    if bool(project_id) == (text is not None):
        fail("give --text or --project (one of them)", 2)
    params = param_values(kwargs) | {"limit": limit, "home": home, "method": method}
    params |= {"text": text} if text is not None else {"project": project_id}
    out = _run(store_url, lambda s: s.partners(params), method)
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(
        f"{out['count']} organisation(s), method {out['method']}; "
        f"{out['excluded_current_partners']} current partner(s) left out",
        err=True,
    )
    rows = [
        {
            "rank": it["rank"],
            "organisation": it["organisation"],
            "region": it["region"],
            "country": it["country"],
            "relevance": it["relevance"],
            "projects": it["project_count"],
            "best project": (it["projects"][0]["title"] or "") if it["projects"] else "",
        }
        for it in out["items"]
    ]
    print_rows(rows, fmt, list(rows[0]) if rows else ["rank"])


@main.command("similarity-index")
@store_option
@click.option("--lexical-only", is_flag=True, help="Do not compute sentence embeddings.")
def similarity_index(store_url, lexical_only):
    """Build or refresh the similarity index of the store now (after an ingest), with progress.

    Queries refresh it by themselves when the data changed; running this after an ingest only
    moves the wait (embedding new texts: ~100 short or ~10 long texts a second) out of the first
    query.
    """
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        sim, index = _similarity(store)
        if not lexical_only:
            from regioatlas.analytics.similarity_index import Encoder

            if Encoder.available():
                sim.cache.semantic(index, progress=progress_bar())
        status = sim.status()
    click.echo(json.dumps(status, indent=2))
