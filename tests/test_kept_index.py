"""Indexes kept in the cache folder between processes (``geo/kept_index.py``): loaded when
made from the same data and code, built again when either changed or the file is damaged."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regioatlas.geo.kept_index import kept_index


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "indexes"


def test_built_once_then_loaded(cache, tmp_path):
    code = tmp_path / "code.py"
    code.write_text("FOLD = 1\n")
    builds = []

    def build():
        builds.append(1)
        return {"lahti": [3, 4]}

    assert kept_index("t", ("countries.parquet",), (str(code),), build) == {"lahti": [3, 4]}
    assert kept_index("t", ("countries.parquet",), (str(code),), build) == {"lahti": [3, 4]}
    assert len(builds) == 1
    code.write_text("FOLD = 2\n")  # the code that shapes the index changed: built again
    assert kept_index("t", ("countries.parquet",), (str(code),), build) == {"lahti": [3, 4]}
    assert len(builds) == 2
    assert len(list(cache.glob("t-*.pickle"))) == 1  # the old one removed


def test_a_damaged_file_is_built_again(cache, tmp_path):
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    kept_index("t", (), (str(code),), lambda: [1])
    (kept,) = cache.glob("t-*.pickle")
    kept.write_bytes(b"\x80\x05 truncated")
    assert kept_index("t", (), (str(code),), lambda: [2]) == [2]


def test_an_unwritable_folder_still_gives_the_index(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("REGIOATLAS_CACHE", str(blocked))
    assert kept_index("t", (), (), lambda: "built") == "built"


def test_the_gazetteer_answers_the_same_from_a_kept_index(cache):
    """A fresh process builds and keeps the LAU and GeoNames indexes; a second loads them and
    answers the same lookups."""
    probe = (
        "from regioatlas.geo import gazetteer as g;"
        "print(g.lau_by_name('FI', 'Lahti'), g.lau_by_name('ES', 'Ejido, El'),"
        " g.lau_by_code('AT', '40101'), g.geonames_place('AT', 'Vienna'))"
    )
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert {p.name.split("-")[0] for p in cache.glob("*.pickle")} == {"lau", "geonames"}
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert second.stdout == first.stdout
    assert "FI1C3" in first.stdout and "AT312" in first.stdout
