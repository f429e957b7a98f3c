"""Real OGC clients against a real server: GDAL's OAPIF driver (ogrinfo, ogr2ogr) and OWSLib.

A uvicorn server on a free loopback port serves the demo store; the clients are the Debian
``gdal-bin`` programs (``scripts/setup.sh test`` installs them) and the OWSLib package.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time

import pytest

OGRINFO = shutil.which("ogrinfo")
OGR2OGR = shutil.which("ogr2ogr")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_store_path):
    import uvicorn

    from regioatlas.web.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(str(demo_store_path)), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        if time.time() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/ogc"
    srv.should_exit = True
    thread.join(timeout=10)


def _gdal(*args: str) -> str:
    if OGRINFO is None or OGR2OGR is None:
        pytest.fail("gdal-bin is missing: scripts/setup.sh test installs it")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300,
                          env={"GDAL_HTTP_TIMEOUT": "120", "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_ogrinfo_lists_the_collections(server):
    out = _gdal(OGRINFO, "-ro", "-q", f"OAPIF:{server}")
    for layer in ("nuts-2024-3", "projects", "participants", "aggregates-3"):
        assert layer in out


def test_ogrinfo_reads_a_layer_and_counts_it(server):
    out = _gdal(OGRINFO, "-ro", "-so", f"OAPIF:{server}", "nuts-2024-0")
    assert "Geometry: Multi Polygon" in out or "Geometry: Polygon" in out or "Geometry" in out
    assert "name_latin: String" in out


def test_ogr2ogr_copies_a_cql2_filtered_layer_to_geopackage(server, tmp_path):
    out = tmp_path / "fi.gpkg"
    log = _gdal(OGR2OGR, "--debug", "on", "-f", "GPKG", str(out), f"OAPIF:{server}",
                "nuts-2024-3", "-where", "country = 'FI' AND name_latin LIKE 'P%'")  # fmt: skip
    assert "filter=" in log and "client side" not in log  # the server filtered
    import pyogrio

    from regioatlas.geo.nuts import NutsRegistry

    frame = pyogrio.read_dataframe(out)
    expected = sorted(
        r.code
        for r in NutsRegistry.default().regions(2024, 3, "FI")
        if r.name_latin.startswith("P")
    )
    assert sorted(frame["code"]) == expected and "FI1C6" in expected
    assert frame.geometry.notna().all()


def test_owslib_reads_collections_and_items(server):
    from owslib.ogcapi.features import Features

    api = Features(server)
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "nuts-2024-3" in ids and "projects" in ids
    from regioatlas.geo.nuts import NutsRegistry

    items = api.collection_items("nuts-2024-2", limit=5, filter="country = 'AT'")
    austria = len(NutsRegistry.default().regions(2024, 2, "AT"))
    assert items["numberReturned"] == 5 and items["numberMatched"] == austria
    assert all(f["properties"]["country"] == "AT" for f in items["features"])
    assert api.collection_item("nuts-2024-3", "FI1C6")["properties"]["name_latin"] == "Päijät-Häme"
    assert "getFeatures" in str(api.api())
