"""Fetch commands (issue 10): download the publishers' current files, cache them, ingest them."""

from __future__ import annotations

import sys

import click

from regioatlas.cli._common import fail, main, store_option


def _download_bars():
    """A tqdm bar per stage (download bytes, locate rows), drawn only on a terminal."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is not None and done < bar.n:  # the next file of the source begins
            bar.close()
            bar = None
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total,
                desc=f"{stage:>8}",
                unit="B" if stage == "download" else "row" if stage == "locate" else "step",
                unit_scale=stage == "download",
                file=sys.stderr,
                leave=False,
                disable=not sys.stderr.isatty(),
            )
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total and stage != "download":
            bar.close()

    return progress


def _config(base_url, proxy, timeout, retries):
    from regioatlas.fetch import FetchConfig

    return FetchConfig.from_settings(
        base_url=base_url, proxy=proxy, timeout=timeout, retries=retries
    )


def _http_options(f):
    for option in reversed(
        [
            click.option(
                "--base-url", help="Fetch from this mirror (same paths as the publishers)."
            ),
            click.option("--proxy", help="HTTP(S) proxy, e.g. http://proxy:3128."),
            click.option("--timeout", type=float, help="Seconds a download may stall."),
            click.option("--retries", type=int, help="Attempts after a failure, with backoff."),
            click.option(
                "--download-only", is_flag=True, help="Download and cache; do not ingest."
            ),
        ]
    ):
        f = option(f)
    return f


def _print_result(result) -> None:
    files = result.manifest.files
    size = sum(f.size for f in files)
    state = "downloaded" if result.changed else result.note or "unchanged"
    click.echo(
        f"{result.source}: {state} ({result.requests} request(s); {len(files)} file(s), "
        f"{size:,} bytes, sha256 {files[0].sha256[:12]}{'...' if len(files) > 1 else ''})"
    )
    if result.resumed:
        click.echo(f"  resumed: {', '.join(result.resumed)}")
    if result.ingest is not None:
        d = result.ingest.dataset
        click.echo(
            f"  ingested as {d.id}: projects: {d.project_count:,}  participations: "
            f"{d.participant_count:,}  region figures: {result.ingest.figures:,}  "
            f"rejected rows: {d.rejected_count:,}"
        )
        if result.ingest.rejected:
            click.secho(f"  first rejected row: {result.ingest.rejected[0]}", fg="yellow", err=True)
    elif result.changed and result.note:
        click.echo(f"  {result.note}")


@main.command("fetch")
@click.argument("sources", nargs=-1)
@click.option("--list", "list_", is_flag=True, help="List the remote sources and the cache.")
@click.option(
    "--for",
    "values",
    multiple=True,
    help="A part of a source published in parts: a country (FI) or keep.eu programme id.",
)
@store_option
@_http_options
def fetch_cmd(sources, list_, values, store_url, base_url, proxy, timeout, retries, download_only):
    """Download the current official publication of SOURCES and ingest it.

    For example `regioatlas fetch cordis-h2020 eurostat-population`. Downloads are cached with
    their checksums; a publication unchanged since the last fetch costs one request and is
    not ingested again; an interrupted download resumes. A failing download or ingest leaves
    the store and the previously cached files as they were. `--list` shows every source
    with publisher, licence, URL and what is cached.
    """
    from regioatlas.fetch import describe_sources, fetch_source

    config = _config(base_url, proxy, timeout, retries)
    if list_:
        for row in describe_sources(config):
            part = (
                f" (per {row['parameter']}: default {', '.join(row['defaults'])})"
                if row["parameter"]
                else ""
            )
            click.echo(f"{row['name']}{part}\n  {row['title']}")
            click.echo(f"  publisher: {row['publisher']}; licence: {row['licence']}")
            for url in row["urls"]:
                click.echo(f"  url: {url}")
            click.echo(f"  documented at: {row['documentation']}")
            click.echo(f"  ingested with: {row['ingest_as']}")
            click.echo(f"  cached: {row['cached']}")
        return
    if not sources:
        fail("name one or more sources (see `regioatlas fetch --list`)")
    for name in sources:
        result = fetch_source(
            name,
            config,
            store_url=store_url,
            values=tuple(values) or None,
            download_only=download_only,
            progress=_download_bars(),
        )
        _print_result(result)


@main.command("update")
@store_option
@_http_options
def update_cmd(store_url, base_url, proxy, timeout, retries, download_only):
    """Refresh every source fetched before; unchanged ones cost one request and write nothing."""
    from regioatlas.fetch import update_all

    results = update_all(
        _config(base_url, proxy, timeout, retries),
        store_url=store_url,
        download_only=download_only,
        progress=_download_bars(),
    )
    if not results:
        click.echo("nothing fetched yet: `regioatlas fetch --list` shows what can be")
    for result in results:
        _print_result(result)
