"""Store commands (issue 14): copy a store into another, back up and restore, verified."""

from __future__ import annotations

import sys

import click

from regioatlas.cli._common import main, store_option


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


@main.command("backup")
@store_option
@click.argument("file", type=click.Path(dir_okay=False))
def backup_cmd(store_url: str, file: str):
    """Back up every dataset of a store into one portable FILE (a zip of Parquet tables).

    For example `regioatlas backup --store postgresql://host/atlas atlas-backup.zip`. The
    store is read from one consistent state while it keeps serving.
    """
    from regioatlas.store import open_store
    from regioatlas.store.backup import backup_store

    with open_store(store_url, read_only=True) as store:
        report = backup_store(store, file, progress=_stage_bars())
    _print_tables(report.tables)
    m = report.manifest
    click.echo(
        f"backed up {len(report.datasets)} dataset(s) of a {m['source_store']} store "
        f"(schema {m['schema_version']}) into {report.path}"
    )


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@store_option
@click.option("--replace", is_flag=True, help="Replace the datasets of a target that has some.")
def restore_cmd(file: str, store_url: str, replace: bool):
    """Restore a backup FILE into a store, all or nothing, after verifying the file.

    For example `regioatlas restore atlas-backup.zip --store duckdb:///data/atlas.duckdb`.
    A damaged file, a backup of a newer schema, or a target holding datasets (without
    --replace) is refused and the store is left unchanged.
    """
    from regioatlas.store.backup import restore_store

    report = restore_store(file, store_url, replace=replace, progress=_stage_bars())
    _print_tables(report.tables)
    m = report.manifest
    click.echo(
        f"restored {len(report.datasets)} dataset(s) from {report.path} (a backup of a "
        f"{m['source_store']} store, schema {m['schema_version']}, taken {m['created_at']}); "
        "verified: row counts and checksums of every table"
    )


def _print_tables(tables: dict[str, int]) -> None:
    for table, rows in tables.items():
        click.echo(f"  {table:<15} {rows:>9,} rows")
