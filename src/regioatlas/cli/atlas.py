"""Atlas commands: demo, serve, ingest, sources, profiles, datasets, regions, projects, aggregates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regioatlas import __version__, settings
from regioatlas.api.downloads import SafeDictWriter
from regioatlas.cli._common import (
    FORMATS,
    fail,
    filter_options,
    level_option,
    main,
    note_on_error,
    paging_options,
    param_values,
    print_rows,
    store_option,
)


# --- ingest ----------------------------------------------------------------------------------
def progress_bar():
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total,
                desc=f"{stage:>7}",
                unit="row" if stage == "locate" else "step",
                file=sys.stderr,
                leave=False,
                disable=not sys.stderr.isatty(),
            )
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return progress


def _print_report(report) -> None:
    d = report.dataset
    click.echo(f"dataset {d.id}")
    click.echo(f"  recognised as: {d.recognised_as}")
    click.echo(
        f"  projects: {d.project_count:,}  participations: {d.participant_count:,}"
        f"  region figures: {report.figures:,}  rejected rows: {d.rejected_count:,}"
        + (f" ({len(report.rejected):,} errors)" if len(report.rejected) > d.rejected_count else "")
        + (f"  outputs: {report.outputs:,}" if report.outputs else "")
    )
    rep = d.location_report or {}
    if rep.get("total"):
        levels = rep.get("by_level", {})
        click.echo(
            "  located, share of participations by finest NUTS level (version "
            f"{rep.get('version', 2024)}): " + ", ".join(f"{k}: {v:.1%}" for k, v in levels.items())
        )
        click.echo(
            "  by method: "
            + ", ".join(f"{k}: {v:.1%}" for k, v in rep.get("by_method", {}).items())
        )


@main.command()
@click.argument("source")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Keep valid rows; report rejected rows instead of failing.",
)
@click.option(
    "--rejected-report",
    type=click.Path(path_type=Path),
    help="Write rejected rows (file, line, column, reason, value) to this CSV.",
)
def ingest(source, files, store_url, allow_partial, rejected_report):
    """Read FILES with SOURCE into the store, locating every participant on NUTS regions.

    SOURCE is a source name (`regioatlas sources`), `auto` to recognise the layout from the
    files, or `profile:PATH.toml` for a list of operations described by your own profile.
    A failing file leaves the store exactly as it was; the same files twice give the same store.
    """
    from regioatlas.ingest import ingest as run_ingest
    from regioatlas.store import open_store

    note_on_error("nothing was written.")
    with open_store(store_url) as store:
        report = run_ingest(
            store, source, list(files), allow_partial=allow_partial, progress=progress_bar()
        )
    _print_report(report)
    if report.rejected:
        click.secho(
            f"  {len(report.rejected)} rejected row(s), first: {report.rejected[0]}",
            fg="yellow",
            err=True,
        )
        if rejected_report:
            with rejected_report.open("w", newline="", encoding="utf-8") as f:
                # a rejected cell is the published text as read: it may start with "="
                w = SafeDictWriter(f, fieldnames=["file", "line", "column", "reason", "value"])
                w.writeheader()
                w.writerows(e.as_dict() for e in report.rejected)
            click.echo(f"  rejected rows written to {rejected_report}")


@main.command()
def sources():
    """List the sources (readers of published layouts) and built-in profiles."""
    from regioatlas.sources.registry import available

    for name, title in sorted(available().items()):
        click.echo(f"{name:24} {title}")


@main.group()
def profile():
    """Profiles: declarative descriptions of a list of operations' layout."""


@profile.command("suggest")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def profile_suggest(file):
    """Propose a profile (TOML) from FILE's headers and sample rows; check it, then ingest with it."""
    from regioatlas.sources.suggest import suggest_profile

    click.echo(suggest_profile(file))


@profile.command("show")
@click.argument("name")
def profile_show(name):
    """Print a built-in profile's TOML."""
    from regioatlas.sources.profile import builtin_profile_text

    click.echo(builtin_profile_text(name))


# --- datasets ----------------------------------------------------------------------------------
@main.group()
def datasets():
    """Datasets in the store, with provenance."""


@datasets.command("list")
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def datasets_list(store_url, fmt):
    """List datasets with source, files, hash, licence, attribution and counts."""
    from dataclasses import asdict

    from regioatlas.store import open_store

    with open_store(store_url) as store:
        rows = [asdict(d) for d in store.datasets()]
    print_rows(
        rows,
        fmt,
        None
        if fmt == "json"
        else [
            "id",
            "project_count",
            "participant_count",
            "rejected_count",
            "licence",
            "attribution",
            "ingested_at",
        ],
    )


@datasets.command("remove")
@click.argument("dataset_id")
@store_option
def datasets_remove(dataset_id, store_url):
    """Remove a dataset and all its rows."""
    from regioatlas.store import open_store

    with open_store(store_url) as store:
        store.remove_dataset(dataset_id)
    click.echo(f"removed {dataset_id}")


# --- regions -----------------------------------------------------------------------------------
@main.command()
@click.argument("code")
@click.option(
    "--version",
    "nuts_version",
    default=None,
    help="Show the region of this NUTS version (one with maps); without it, a code of any "
    "version shows its NUTS 2024 region.",
)
def region(code, nuts_version):
    """Show a NUTS region: names, level, parent, children, neighbours, versions."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.store import open_store

    with open_store(":memory:") as store:
        click.echo(
            json.dumps(Atlas(store).region(code, nuts_version), ensure_ascii=False, indent=2)
        )


@main.command()
@click.argument("code")
@click.option("--version", "nuts_version", default=None, help="NUTS version to check against.")
def validate(code, nuts_version):
    """Say which NUTS versions CODE belongs to (exit 1 if not valid in --version)."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.store import open_store

    with open_store(":memory:") as store:
        out = Atlas(store).validate(code, nuts_version)
    click.echo(json.dumps(out, indent=2))
    if out.get("valid") is False or not out["versions"]:
        sys.exit(1)


# --- queries -----------------------------------------------------------------------------------
@main.command()
@store_option
@filter_options
@paging_options
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def projects(store_url, fmt, **kwargs):
    """List projects under the atlas filters."""
    from regioatlas.library import open_atlas
    from regioatlas.library.frames import records

    params = _library_filters(param_values(kwargs))
    limit, offset = params.pop("limit", 20), params.pop("offset", 0)
    sort = params.pop("sort", "id")
    with open_atlas(store_url) as atlas:
        df = atlas.projects(limit=limit, offset=offset, sort=sort, **params)
    click.echo(f"{df.attrs['total']:,} project(s)", err=True)
    print_rows(
        records(df),
        fmt,
        None
        if fmt == "json"
        else ["id", "acronym", "title", "start_date", "end_date", "eu_contribution_eur"],
    )


def _library_filters(params: dict) -> dict:
    """The CLI's parameter names as the library's keyword arguments (``from`` is ``from_``)."""
    return {("from_" if k == "from" else k): v for k, v in params.items()}


@main.command()
@click.argument("project_id")
@store_option
def project(project_id, store_url):
    """Show one project with its participants and how each was located (JSON)."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        click.echo(json.dumps(Atlas(store).project(project_id), ensure_ascii=False, indent=2))


@main.command()
@store_option
@level_option
@filter_options
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def aggregate(store_url, fmt, **kwargs):
    """Per region of a NUTS level: projects, participations, EU contribution, per inhabitant."""
    from regioatlas.library import open_atlas
    from regioatlas.library.frames import records

    params = _library_filters(param_values(kwargs))
    level = params.pop("level", 2)
    with open_atlas(store_url) as atlas:
        df = atlas.aggregates(level, **params)
    print_rows(records(df), fmt)


# --- serving ----------------------------------------------------------------------------------
def _serve(store_url: str, host: str, port: int, workers: int = 1) -> None:
    import os

    import uvicorn

    from regioatlas.web.security import MAX_HEAD_BYTES

    click.echo(f"RegioAtlas {__version__} serving {store_url} with {workers} worker(s)")
    click.echo(f"  open http://{host}:{port}/   (API docs: http://{host}:{port}/docs)")
    # every worker builds its app from the settings: hand them the chosen ones
    os.environ[settings.SETTINGS["store"].env] = store_url
    os.environ[settings.SETTINGS["workers"].env] = str(workers)
    uvicorn.run(
        "regioatlas.web.app:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        # uvicorn restarts a worker that misses a 5 s health check, dropping its open
        # requests: a worker busy building a new snapshot or a cache on a loaded machine is
        # slow, not dead
        timeout_worker_healthcheck=60,
    )


@main.command()
@store_option
@click.option("--host", default=lambda: settings.get("host"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(settings.get("port")), type=int, show_default="8000")
@click.option(
    "--workers",
    default=lambda: settings.get_int("workers"),
    type=click.IntRange(1, 64),
    show_default="$REGIOATLAS_WORKERS or 1",
    help=settings.SETTINGS["workers"].help,
)
def serve(store_url, host, port, workers):
    """Serve the JSON API (and its docs page) over a store."""
    from regioatlas.store import store_exists

    if not store_exists(store_url):
        fail(f"no store at {store_url}; ingest something first, or run `regioatlas demo`", 1)
    _serve(store_url, host, port, workers)


@main.command()
@click.option(
    "--store",
    "store_path",
    default=lambda: settings.get("demo_store"),
    show_default="~/.local/share/regioatlas/demo.duckdb",
    help=settings.SETTINGS["demo_store"].help,
)
@click.option("--host", default=lambda: settings.get("host"), show_default="127.0.0.1")
@click.option("--port", default=lambda: int(settings.get("port")), type=int, show_default="8000")
@click.option("--rebuild", is_flag=True, help="Rebuild the demo store even if it is current.")
@click.option("--no-serve", is_flag=True, help="Only build the demo store.")
def demo(store_path, host, port, rebuild, no_serve):
    """Build the demo store from the real data shipped in the package, then serve it."""
    from regioatlas.demo import build_demo

    def announce(source, names):
        click.echo(f"ingesting {source}: {', '.join(names)}", err=True)

    reports = build_demo(store_path, rebuild=rebuild, progress=progress_bar(), on_dataset=announce)
    for report in reports:
        _print_report(report)
    if not reports:
        click.echo(f"demo store {store_path} is current")
    if not no_serve:
        _serve(store_path, host, port)
