"""Domain errors carry their meaning; one map turns them into problem responses and exit codes.

No handler or command translates errors call by call, so an error class nobody mapped still
answers with its nearest mapped base class: a 4xx, never a 500.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from regioatlas.api.problems import ERROR_MAP, exit_code_for
from regioatlas.cli import main
from regioatlas.model.errors import (
    BadInput,
    Conflict,
    NotFound,
    RegioAtlasError,
    TooLarge,
    Unavailable,
    Unprocessable,
)
from regioatlas.web.app import create_app


class NewKindOfError(RegioAtlasError):
    """A domain error class that no map knows (as a contributor might add one)."""


class MissingThing(NotFound):
    """A subclass of a mapped class, unmapped itself."""


RAISED = {
    "new": NewKindOfError("a new kind of error", parameter="thing"),
    "missing": MissingThing("no such thing", parameter="thing"),
    "conflict": Conflict("the dataset changed meanwhile"),
    "too-large": TooLarge("the body is too large"),
    "unprocessable": Unprocessable("the file has no rows"),
    "unavailable": Unavailable("the index is being built", retry_after=5),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A fresh app over a small real store, with a throwaway route raising each error."""
    from regioatlas.store import open_store

    path = tmp_path_factory.mktemp("errors") / "small.duckdb"
    open_store(str(path)).close()
    app = create_app(str(path))

    @app.get("/test/raise/{kind}")
    def raise_it(kind: str):
        raise RAISED[kind]

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("new", 400),
        ("missing", 404),
        ("conflict", 409),
        ("too-large", 413),
        ("unprocessable", 422),
        ("unavailable", 503),
    ],
)
def test_each_domain_error_is_a_problem_response(client, kind, status):
    r = client.get(f"/test/raise/{kind}")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"] == str(RAISED[kind])
    assert body["instance"] == f"/test/raise/{kind}"


def test_an_unmapped_domain_error_is_a_4xx_naming_the_parameter(client):
    assert NewKindOfError not in ERROR_MAP and MissingThing not in ERROR_MAP
    r = client.get("/test/raise/new")
    assert 400 <= r.status_code < 500 and r.json()["parameter"] == "thing"


def test_unavailable_says_when_to_retry(client):
    r = client.get("/test/raise/unavailable")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"


def test_a_real_route_raises_a_domain_error_directly(client):
    """No per-call translation left: an unknown region and a project are plain NotFound."""
    r = client.get("/api/regions/XX999")
    assert (r.status_code, r.json()["parameter"]) == (404, "code")
    assert client.get("/api/projects/none:1").status_code == 404


@pytest.fixture()
def cli_with_raising_command():
    """A throwaway command on the real main group, raising the error it is told to."""

    @main.command("raise-for-test")
    @click.argument("kind")
    def raise_for_test(kind):
        raise RAISED[kind]

    yield
    del main.commands["raise-for-test"]


@pytest.mark.parametrize("kind", list(RAISED))
def test_the_cli_exits_with_the_mapped_code_and_no_traceback(cli_with_raising_command, kind):
    r = CliRunner().invoke(main, ["raise-for-test", kind])
    assert r.exit_code == exit_code_for(RAISED[kind]) != 0
    assert r.stderr.startswith(f"error: {RAISED[kind]}")
    assert (
        "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["region", "XX999"], 3, "no NUTS region 'XX999'"),
        (["typology", "FI1C6", "--version", "1999"], 2, "NUTS version 1999 is not known"),
        (["compass", "IE011", "--version", "2013", "--store", "{store}"], 2, "no single NUTS"),
        (["convert", "1", "ppb", "furlong"], 2, "furlong"),
    ],
)
def test_library_errors_reach_the_user_through_the_one_map(args, code, message, tmp_path):
    from regioatlas.store import open_store

    open_store(str(tmp_path / "empty.duckdb")).close()  # a store that exists, holding nothing
    args = [a.replace("{store}", str(tmp_path / "empty.duckdb")) for a in args]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == code, r.output
    assert r.stderr.startswith("error:") and message in r.stderr


def test_domain_errors_of_the_library_carry_their_class():
    """The library's own error classes are domain errors of the right kind."""
    from regioatlas.analytics.aq_indices import UnknownIndex
    from regioatlas.analytics.composite import CompositeError
    from regioatlas.geo.nuts import UnknownVersion
    from regioatlas.geo.recoding import RecodeError
    from regioatlas.geo.typology import TypologyError
    from regioatlas.model.units import UnitError
    from regioatlas.sources.money import UnknownCurrency
    from regioatlas.sources.registry import UnknownSource
    from regioatlas.store.base import StoreError

    for cls in (UnknownIndex, CompositeError, UnitError, UnknownVersion, RecodeError,
                TypologyError, UnknownCurrency):  # fmt: skip
        assert issubclass(cls, BadInput), cls
    assert issubclass(UnknownSource, NotFound) and issubclass(StoreError, Conflict)
