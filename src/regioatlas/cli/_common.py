"""What every command module shares: the main group, the store option, output formats.

The main group is the CLI's one exception map: a domain error (``regioatlas.model.errors``)
raised anywhere in a command becomes ``error: <message>`` on stderr and the exit code of
``regioatlas.api.problems.exit_code_for``; commands do not catch domain errors themselves.
"""

from __future__ import annotations

import json
import sys

import click

from regioatlas import __version__, settings
from regioatlas.api.downloads import SafeDictWriter
from regioatlas.api.parameters import FILTERS, LEVEL, LIMIT, OFFSET, SORT, Param
from regioatlas.api.problems import exit_code_for
from regioatlas.model.errors import RegioAtlasError

FORMATS = click.Choice(["table", "json", "csv"])


def store_option(f):
    return click.option(
        "--store",
        "store_url",
        default=lambda: settings.get("store"),
        show_default="$REGIOATLAS_STORE or ~/.local/share/regioatlas/atlas.duckdb",
        help=settings.SETTINGS["store"].help,
    )(f)


def param_options(params: tuple[Param, ...] | list[Param]):
    """click options for declared query parameters (``org_type`` → ``--org-type``).

    A repeatable parameter may be given several times; the values reach the library as the
    API's query would (see :func:`param_values`).

    Example
    -------
    >>> @click.command()
    ... @param_options(FILTERS)
    ... def cmd(**kwargs):
    ...     click.echo(param_values(kwargs))
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(cmd, ["--from", "2019", "--country", "FI", "--country", "AT"]).output
    "{'country': ['FI', 'AT'], 'from': '2019'}\n"
    """

    def decorate(f):
        for param in reversed(params):
            help_ = param.help[0].upper() + param.help[1:]
            help_ += f": {', '.join(param.options)}." if param.options else "."
            if param.repeatable:
                help_ += " Repeatable."
            f = click.option(
                "--" + param.name.replace("_", "-"),
                "opt_" + param.name,
                default=param.default,
                show_default=param.default is not None,
                multiple=param.repeatable,
                type=_click_type(param),
                help=help_,
            )(f)
        return f

    return decorate


def _click_type(param: Param) -> click.ParamType:
    if param.type == "integer" and (param.minimum is not None or param.maximum is not None):
        low, high = (None if b is None else int(b) for b in (param.minimum, param.maximum))
        return click.IntRange(low, high)
    if param.type == "integer":
        return click.INT
    return click.STRING


def param_values(kwargs: dict) -> dict:
    """The values of :func:`param_options` as the library's query dict (absent ones left out)."""
    out = {}
    for key, value in kwargs.items():
        if not key.startswith("opt_") or value is None or value == ():
            continue
        out[key.removeprefix("opt_")] = list(value) if isinstance(value, tuple) else value
    return out


#: the atlas filters as options: --source, --programme, ..., --region, --version
filter_options = param_options(FILTERS)
#: --limit (20 on a terminal), --offset, --sort of the project lists
paging_options = param_options([LIMIT.with_(default=20), OFFSET, SORT])
#: --level of the aggregates
level_option = param_options([LEVEL])


#: ``click.Context.meta`` key: what a failing command wants said before the error
#: (e.g. "nothing was written"); set it with :func:`note_on_error`.
ERROR_NOTE = "regioatlas.error_note"


def fail(message: str, code: int = 2):
    """Stop with ``error: message`` on stderr, for usage errors the library cannot see."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def note_on_error(note: str) -> None:
    """Say ``note`` with the error should the running command fail with a domain error."""
    click.get_current_context().meta[ERROR_NOTE] = note


class DomainErrorGroup(click.Group):
    """A click group that turns domain errors into ``error: ...`` and their exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegioAtlasError as exc:
            note = ctx.meta.get(ERROR_NOTE)
            click.secho(f"error: {note + chr(10) if note else ''}{exc}", fg="red", err=True)
            ctx.exit(exit_code_for(exc))


def print_rows(rows: list[dict], fmt: str, columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else [])
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        # formula-leading cells neutralised as in every API download (api/downloads.py)
        w = SafeDictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
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


@click.group(cls=DomainErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regioatlas")
def main():
    """RegioAtlas: EU-funded projects located on NUTS regions.

    Start with `regioatlas demo` (builds the demo store from real data in the package and
    serves the API on 127.0.0.1), or `regioatlas ingest auto FILE...` for your own files.
    """
