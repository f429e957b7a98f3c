"""What every command module shares: the main group, the store option, output formats."""

from __future__ import annotations

import csv
import json
import sys

import click

from regioatlas import __version__, settings

FORMATS = click.Choice(["table", "json", "csv"])


def _store_option(f):
    return click.option(
        "--store",
        "store_url",
        default=lambda: settings.get("store"),
        show_default="$REGIOATLAS_STORE or ~/.local/share/regioatlas/atlas.duckdb",
        help=settings.SETTINGS["store"].help,
    )(f)


def _fail(message: str, code: int = 1):
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def _print_rows(rows: list[dict], fmt: str, columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else [])
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        w = csv.DictWriter(
            sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
        )
        w.writeheader()
        w.writerows(rows)
    else:
        if not rows:
            click.echo("(nothing)")
            return
        cells = [[_cell(r.get(c)) for c in columns] for r in rows]
        widths = [min(48, max(len(c), *(len(x[i]) for x in cells))) for i, c in enumerate(columns)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
        for row in cells:
            click.echo("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 1e15 else str(v)
    return str(v)


class _Main(click.Group):
    """The group; a store error no command caught (a store in use, too new) is one line."""

    def invoke(self, ctx):
        from regioatlas.store.base import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            _fail(str(exc))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regioatlas")
def main():
    """RegioAtlas: EU-funded projects located on NUTS regions.

    Start with `regioatlas demo` (builds the demo store from real data in the package and
    serves the API on 127.0.0.1), or `regioatlas ingest auto FILE...` for your own files.
    """
