"""The kept answers of public reads (``web/response_cache.py``): replayed while the data stays
the same, never after a write, never for a personal, conditional or failed request."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from regioatlas.ingest import ingest
from regioatlas.store import open_store
from regioatlas.web.app import create_app
from regioatlas.web.response_cache import ResponseCache

AGGREGATES = "/api/aggregates?level=0"
ITEMS = "/ogc/collections/participants/items?limit=5"


@pytest.fixture()
def served(tmp_path, fixtures):
    """A writable DuckDB file with the official-layout CORDIS fixture, served by the real app."""
    url = f"duckdb://{tmp_path / 'atlas.duckdb'}"
    files = [
        fixtures / "cordis/official/project.csv",
        fixtures / "cordis/official/organization.csv",
    ]
    with open_store(url) as store:
        dataset = ingest(store, "cordis", files).dataset.id
    app = create_app(url, read_only=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, app.state.atlas.store, dataset


def _kept(client) -> int:
    """How many answers the app's cache holds (found down the app's middleware chain)."""
    layer = client.app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return len(layer._kept)


def test_a_repeated_read_is_replayed_and_a_write_drops_it(served):
    client, store, dataset = served
    first = client.get(AGGREGATES)
    assert first.status_code == 200 and first.json()["items"]
    assert _kept(client) == 1
    again = client.get(AGGREGATES)
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers.get("x-content-type-options") == "nosniff"  # security headers kept
    page = client.get(ITEMS)
    assert page.status_code == 200 and page.json()["numberMatched"] > 0

    store.remove_dataset(dataset)  # a write: the kept answers must not outlive it

    after = client.get(AGGREGATES)
    assert after.status_code == 200
    assert after.json()["items"] == []
    assert client.get(ITEMS).json()["numberMatched"] == 0


def test_the_key_holds_what_the_answer_depends_on(served):
    client, _, _ = served
    plain = client.get(AGGREGATES, headers={"accept-encoding": "identity"})
    zipped = client.get(AGGREGATES, headers={"accept-encoding": "gzip"})
    # httpx decodes gzip: same data, but each was built for its own request
    assert zipped.headers.get("content-encoding") == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    other_host = client.get(ITEMS, headers={"host": "atlas.example.org"})
    assert other_host.status_code == 200
    links = {link["href"] for link in other_host.json()["links"]}
    assert all(href.startswith("http://atlas.example.org/") for href in links)
    assert all(
        href.startswith("http://testserver/")
        for href in (link["href"] for link in client.get(ITEMS).json()["links"])
    )


def test_personal_conditional_and_failed_requests_are_not_kept(served):
    client, _, _ = served
    client.get(AGGREGATES, headers={"authorization": "Bearer nope"})
    client.get(AGGREGATES, headers={"if-none-match": '"x"'})
    assert client.get("/api/aggregates?level=9").status_code == 400
    assert client.get(ITEMS + "&token=secret").status_code == 400
    assert _kept(client) == 0


def test_a_collection_with_a_version_of_its_own_is_not_kept(served):
    client, _, _ = served
    # the practices follow the practices' own version, not the data version
    assert client.get("/ogc/collections/practices/items?limit=5").status_code == 200
    assert client.get("/ogc/collections/nuts-2024-0/items?limit=5").status_code == 200
    assert _kept(client) == 1


def test_a_reload_asks_the_app_again(served):
    client, _, _ = served
    for value in ("no-cache", "max-age=0, no-store"):
        assert client.get(AGGREGATES, headers={"cache-control": value}).status_code == 200
    assert _kept(client) == 0
    client.get(AGGREGATES, headers={"cache-control": "max-age=60"})
    assert _kept(client) == 1


def test_the_reads_a_page_waits_for_are_kept_and_follow_a_write(served):
    """The regions' shapes and a region's figures, which the map and region pages ask first."""
    client, store, dataset = served
    reads = [
        "/api/geometries?level=0&zoom=4",
        "/api/regions/FI/geometry?zoom=4",
        "/api/regions/FI/summary",
    ]
    first = [client.get(path) for path in reads]
    assert all(r.status_code == 200 for r in first)
    assert _kept(client) == len(reads)
    assert [client.get(path).content for path in reads] == [r.content for r in first]
    before = first[2].json()["projects"]
    store.remove_dataset(dataset)
    assert client.get(reads[2]).json()["projects"] != before
