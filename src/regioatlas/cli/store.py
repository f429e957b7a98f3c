"""Store commands (issue 14): copy a store into another, verified."""

from __future__ import annotations

import sys

import click

from regioatlas.cli._common import main


def _stage_bars():
    """A progress callback drawing one bar per stage on a terminal (nothing when piped)."""
    bars: dict[str, click.progressbar] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = click.progressbar(length=total, label=stage, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


@main.command("migrate")
@click.option("--from", "source_url", required=True, help="The store to copy (URL or path).")
@click.option("--to", "target_url", required=True, help="The store to copy into (URL or path).")
@click.option("--replace", is_flag=True, help="Replace the datasets of a target that has some.")
def migrate_cmd(source_url: str, target_url: str, replace: bool):
    """Copy every dataset of one store into another and verify the copy equal.

    For example `regioatlas migrate --from atlas.duckdb --to postgresql://host/atlas`. The
    copy is checked by row counts and a checksum of every table and by equal aggregates.
    """
    from regioatlas.store import open_store
    from regioatlas.store.migrate import copy_store

    with open_store(source_url, read_only=True) as source, open_store(target_url) as target:
        report = copy_store(source, target, replace=replace, progress=_stage_bars())
    for table, digest in report.tables.items():
        click.echo(f"  {table:<15} {digest.rows:>9,} rows  sha256-sum {digest.hex[:16]}")
    click.echo(
        f"copied {len(report.datasets)} dataset(s); verified equal: row counts and checksums "
        f"of every table, {report.aggregates_compared} aggregate rows at NUTS 0-3"
    )
