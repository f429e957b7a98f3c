"""Server-mode commands: API tokens (`token create|list|revoke`) and the audit log (`audit`)."""

from __future__ import annotations

import getpass

import click

from regioatlas.cli._common import FORMATS, main, print_rows, store_option


def _actor() -> str:
    """Who runs a command, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


@main.group()
def token():
    """API tokens: reads are public unless the `auth` setting says `viewer`; writes need an
    editor token or higher (roles: viewer < editor < reviewer < admin)."""


@token.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["viewer", "editor", "reviewer", "admin"]),
    help="What the token may do.",
)
@click.option("--name", required=True, help="Who or what holds it (named in the audit log).")
@store_option
def token_create(role: str, name: str, store_url: str):
    """Create a token and print it, once: only its hash is kept."""
    from regioatlas.api import audit
    from regioatlas.api.auth import create_token
    from regioatlas.store import open_store

    with open_store(store_url) as store:
        secret = create_token(store, name, role)
        audit.record(store, _actor(), "token.create", name, "succeeded", {"role": role})
    click.echo(secret)
    click.echo(
        f"token {name!r} ({role}) created; it is shown only now: send it as "
        "`Authorization: Bearer TOKEN`",
        err=True,
    )


@token.command("list")
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def token_list(store_url: str, fmt: str):
    """List the tokens: name, role, created, revoked (never the tokens themselves)."""
    from regioatlas.api.atlas import jsonable
    from regioatlas.api.auth import list_tokens
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        rows = jsonable(list_tokens(store))
    print_rows(rows, fmt, ["name", "role", "created_at", "revoked_at"])


@token.command("revoke")
@click.argument("name")
@store_option
def token_revoke(name: str, store_url: str):
    """Revoke the token NAME: it stops working at once."""
    from regioatlas.api import audit
    from regioatlas.api.auth import revoke_token
    from regioatlas.store import open_store

    with open_store(store_url) as store:
        revoke_token(store, name)
        audit.record(store, _actor(), "token.revoke", name, "succeeded")
    click.echo(f"token {name!r} revoked")


@main.command("audit")
@store_option
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def audit_cmd(store_url: str, limit: int, offset: int, fmt: str):
    """The audit log, newest first: when, who, what, on which target, result, details."""
    from regioatlas.api.audit import audit_page
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        page = audit_page(store, {"limit": str(limit), "offset": str(offset)})
    rows = page["items"]
    if fmt != "json":
        for row in rows:
            files = row["details"].get("files") or []
            row["files"] = " ".join(f"{f['name']}:{f['sha256'][:12]}" for f in files)
    columns = ["happened_at", "actor", "action", "target", "result", "files"]
    print_rows(rows, fmt, columns if fmt != "json" else None)
    if fmt == "table":
        click.echo(f"({len(rows)} of {page['total']} entries)", err=True)
