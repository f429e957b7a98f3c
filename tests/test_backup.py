"""`regioatlas backup` / `restore`: DuckDB → file → PostGIS → file → DuckDB on real ingested data;
damaged backups are refused naming the member; a backup taken while another thread writes is
a consistent snapshot."""

from __future__ import annotations

import json
import math
import re
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.ingest import ingest
from regioatlas.model import Dataset, Participant, PlaceHint, Project
from regioatlas.model.query import Page, ProjectFilter
from regioatlas.store import StoreError, open_store, sql
from regioatlas.store.backup import BackupError, backup_store, read_backup, restore_store
from regioatlas.store.base import Store
from regioatlas.store.migrate import store_digests


@pytest.fixture(scope="module")
def source_path(tmp_path_factory, fixtures):
    """A DuckDB store of four real datasets: Horizon Europe, Austrian ERDF, population, and
    EEA hourly PM2.5 of four Berlin stations."""
    from regioatlas.sources.eea_aq import bundled_berlin_files

    path = tmp_path_factory.mktemp("backup") / "source.duckdb"
    with open_store(str(path)) as store:
        cordis, cohesion = fixtures / "cordis", fixtures / "cohesion"
        ingest(store, "auto", [cordis / "he_projects.csv", cordis / "he_organizations.csv"])
        ingest(store, "at-efre", [cohesion / "AT_ERDF_2014-2020_Vorhabensliste.csv"])
        ingest(store, "auto", [fixtures / "kpi/eurostat_tgs00096_population_nuts2016_subset.csv"])
        ingest(store, "eea-aq", bundled_berlin_files())
        add_server_rows(store)
    return path


def add_server_rows(store) -> None:
    """A token (revoked), a finished job and two audit entries: what a copy must carry too."""
    now = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
    store.add_token("alice", "editor", "ab" * 32, now)
    store.add_token("bob", "viewer", "cd" * 32, now)
    store.revoke_token("bob", now)
    job = {n: None for n, _ in sql.JOB_COLUMNS}
    job.update(id="job-1", kind="upload", target="x:y", status="queued", created_by="alice")
    job.update(created_at=now, done=0, total=3)
    store.begin_job(job, stale_before=now)
    store.update_job("job-1", status="succeeded", finished_at=now, result={"rows": 3, "é": [1]})
    for i, action in enumerate(("token.create", "dataset.upload")):
        entry = {"id": f"audit-{i}", "happened_at": now, "actor": "alice", "action": action}
        store.append_audit(entry | {"target": "x:y", "details": {"n": i}, "result": "succeeded"})


def server_rows(store) -> dict[str, list]:
    return {table: store.server_rows(table) for table in sql.SERVER_TABLES}


def _answers(store) -> dict:
    """What the atlas asks a store: aggregates at each level, a project page, facets, ..."""
    eea = next(d.id for d in store.datasets() if d.source == "eea-aq")
    return {
        "datasets": store.datasets(),
        "aggregates": [store.aggregate(level, ProjectFilter()) for level in range(4)],
        "aggregates_at": [
            store.aggregate(level, ProjectFilter(countries=["AT"])) for level in (2, 3)
        ],
        "page": store.query_projects(
            ProjectFilter(), Page(limit=25, sort="eu_contribution_eur", descending=True)
        ),
        "project": store.project("cordis-he-sample:101226563"),
        "facets": store.facets(),
        "figures": store.figures("population"),
        "stations": store.stations(eea),
        "station_values": store.station_values(eea),
    }


def _close(a, b) -> bool:
    # sums of doubles in another order may differ in the last bits between the databases
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def test_duckdb_to_postgis_to_duckdb_gives_the_same_answers(source_path, pg_url, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    made = CliRunner().invoke(main, ["backup", "--store", str(source_path), str(first)])
    assert made.exit_code == 0, made.output
    assert (
        f"backed up 4 dataset(s) of a duckdb store (schema {Store.SCHEMA_VERSION})" in made.output
    )
    restored = CliRunner().invoke(main, ["restore", str(first), "--store", pg_url])
    assert restored.exit_code == 0, restored.output
    assert "restored 4 dataset(s)" in restored.output and "station_values" in restored.output
    assert "8,736 rows" in restored.output  # Jan-Apr 2021 of four stations
    with open_store(pg_url, read_only=True) as pg:
        report = backup_store(pg, second)
    back = tmp_path / "back.duckdb"
    restore_store(second, f"duckdb://{back}")

    manifest = json.loads(zipfile.ZipFile(second).read("manifest.json"))
    assert (
        manifest["source_store"] == "postgresql"
        and manifest["schema_version"] == Store.SCHEMA_VERSION
    )
    assert manifest["members"]["participants.parquet"]["rows"] == 248
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert report.tables["stations"] == 4 and len(report.datasets) == 4
    assert manifest["members"]["audit.parquet"]["rows"] == 2
    with open_store(str(source_path), read_only=True) as source:
        expected, digests = _answers(source), store_digests(source)
        server = server_rows(source)
    assert expected["aggregates"][3] and expected["page"][0] == 69 and expected["stations"]
    assert [len(server[t]) for t in ("tokens", "jobs", "audit")] == [2, 1, 2]
    for url in (pg_url, str(back)):
        with open_store(url, read_only=True) as copy:
            assert server_rows(copy) == server  # hashes, revocations, job results, audit
            assert store_digests(copy) == digests
            answers = _answers(copy)
            assert [k for k in expected if not _close(expected[k], answers[k])] == []


@pytest.fixture()
def backup_file(source_path, tmp_path) -> Path:
    path = tmp_path / "atlas.zip"
    with open_store(str(source_path), read_only=True) as source:
        backup_store(source, path)
    return path


def _small_store(path: Path) -> str:
    url = f"duckdb://{path}"
    with open_store(url) as store:
        store.replace_dataset(*_generation(0))
    return url


def _rewrite(src: Path, dst: Path, change) -> Path:
    """A copy of the zip ``src`` with ``change(name, data)`` applied (None drops a member)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return dst


def _flip_a_byte(src: Path, member: str, dst: Path) -> Path:
    """``src`` with one byte of ``member``'s stored data flipped (the zip's CRC now differs)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as archive:
        info = archive.getinfo(member)
    # the local header: 30 bytes, then the name and the extra field, then the data
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0xFF
    dst.write_bytes(bytes(data))
    return dst


def _newer_schema(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["schema_version"] = Store.SCHEMA_VERSION + 1
    return json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda f, d: _flip_a_byte(f, "participants.parquet", d),
            "member participants.parquet is damaged",
        ),
        (
            lambda f, d: _rewrite(f, d, lambda n, b: None if n == "stations.parquet" else b),
            "member stations.parquet is missing",
        ),
        (
            lambda f, d: _rewrite(f, d, _newer_schema),
            f"member manifest.json: schema version {Store.SCHEMA_VERSION + 1} is newer than this "
            f"RegioAtlas ({Store.SCHEMA_VERSION})",
        ),
    ],
    ids=["flipped-byte", "missing-member", "newer-schema"],
)
def test_a_damaged_backup_is_refused_and_the_store_unchanged(
    backup_file, tmp_path, damage, message
):
    damaged = damage(backup_file, tmp_path / "damaged.zip")
    target = _small_store(tmp_path / "target.duckdb")
    with open_store(target, read_only=True) as store:
        before = store_digests(store)
    with pytest.raises(BackupError, match=re.escape(message)):
        read_backup(damaged)
    result = CliRunner().invoke(main, ["restore", str(damaged), "--store", target, "--replace"])
    assert result.exit_code == 1
    assert f"error: damaged.zip: {message}" in result.output
    assert "Traceback" not in result.output
    with open_store(target, read_only=True) as store:
        assert store_digests(store) == before


def test_a_member_whose_checksum_differs_from_the_manifest_is_refused(backup_file, tmp_path):
    # a member replaced by another valid Parquet file: the zip is sound, the SHA-256 is not
    with zipfile.ZipFile(backup_file) as archive:
        other = archive.read("stations.parquet")
    swapped = _rewrite(
        backup_file,
        tmp_path / "swapped.zip",
        lambda n, b: other if n == "region_figures.parquet" else b,
    )
    with pytest.raises(BackupError, match=r"member region_figures\.parquet is damaged: its SHA"):
        read_backup(swapped)


def test_not_a_backup_and_no_file_are_clear_errors(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(BackupError, match="notes.zip: not a RegioAtlas backup"):
        read_backup(text)
    result = CliRunner().invoke(
        main, ["restore", str(tmp_path / "nowhere.zip"), "--store", str(tmp_path / "a.duckdb")]
    )
    assert result.exit_code == 1 and "error: no backup file at" in result.output
    assert not (tmp_path / "a.duckdb").exists()


def test_a_non_empty_target_is_refused_unless_replace(backup_file, tmp_path, pg_url):
    for target in (_small_store(tmp_path / "target.duckdb"), pg_url):
        if target == pg_url:
            with open_store(pg_url) as store:
                store.replace_dataset(*_generation(0))
        with open_store(target, read_only=True) as store:
            before = store_digests(store)
        refused = CliRunner().invoke(main, ["restore", str(backup_file), "--store", target])
        assert refused.exit_code == 4, refused.output  # a conflict
        assert "error: the target store is not empty (1 dataset(s), e.g. src:a.csv)" in (
            refused.output
        )
        with open_store(target, read_only=True) as store:
            assert store_digests(store) == before
        replaced = CliRunner().invoke(
            main, ["restore", str(backup_file), "--store", target, "--replace"]
        )
        assert replaced.exit_code == 0, replaced.output
        with open_store(target, read_only=True) as store:
            assert "src:a.csv" not in [d.id for d in store.datasets()]
            assert len(store.datasets()) == 4


# --- consistency while another thread writes -------------------------------------------------
def _generation(n: int):
    """Generation ``n`` of one dataset: n % 3 + 1 projects with 2 participants each, every
    row tagged with ``n``, and the counts in the dataset row."""
    count = n % 3 + 1
    dataset = Dataset(
        "src:a.csv",
        "src",
        ["a.csv"],
        f"{n:064d}",
        "p",
        "CC BY 4.0",
        "a",
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n),
        project_count=count,
        participant_count=2 * count,
    )
    projects = [Project(f"src:{i}", "src", str(i), title=f"generation {n}") for i in range(count)]
    participants = [
        Participant(p.id, seq, f"org {n}", place=PlaceHint(country="FI"))
        for p in projects
        for seq in (1, 2)
    ]
    return dataset, projects, participants, []


def _assert_whole(path: Path) -> int:
    """Every dataset of the backup at ``path`` is one generation, whole; its generation."""
    _, datasets = read_backup(path)
    (dataset, projects, participants, *_), *_ = datasets
    n = int(dataset.sha256)
    assert len(projects) == dataset.project_count == n % 3 + 1
    assert len(participants) == dataset.participant_count
    assert {p.title for p in projects} == {f"generation {n}"}
    assert {p.name for p in participants} == {f"org {n}"}
    return n


@pytest.mark.parametrize("kind", ["duckdb", "postgis"])
def test_a_backup_while_another_thread_writes_is_one_snapshot(kind, tmp_path, request):
    url = (
        _small_store(tmp_path / "busy.duckdb")
        if kind == "duckdb"
        else request.getfixturevalue("pg_url")
    )
    if kind == "postgis":
        with open_store(url) as store:
            store.replace_dataset(*_generation(0))
    reader = open_store(url)
    # DuckDB: one store object in the process, as a server holds it; PostGIS: two connections
    writer = reader if kind == "duckdb" else open_store(url)
    stop, written = threading.Event(), []

    def write() -> None:
        n = 1
        while not stop.is_set():
            writer.replace_dataset(*_generation(n))
            written.append(n)
            n += 1
            time.sleep(0.005)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        seen = []
        for i in range(6):
            # a write lands before every backup, and the writer keeps going during it
            done = len(written)
            deadline = time.monotonic() + 30
            while len(written) == done and time.monotonic() < deadline:
                time.sleep(0.001)
            assert len(written) > done, "the writer thread made no progress"
            path = tmp_path / f"busy-{i}.zip"
            backup_store(reader, path)
            seen.append(_assert_whole(path))
            assert seen[-1] >= written[done]  # it holds at least the write before it began
    finally:
        stop.set()
        thread.join()
        reader.close()
        if writer is not reader:
            writer.close()
    assert len(set(seen)) > 1


def test_a_restored_duckdb_file_replaces_the_old_one_whole(backup_file, tmp_path):
    target = _small_store(tmp_path / "target.duckdb")
    restore_store(backup_file, target, replace=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.zip", "target.duckdb"]
    with pytest.raises(StoreError, match="not empty"):
        restore_store(backup_file, target)
    with open_store(target, read_only=True) as store:
        assert len(store.datasets()) == 4
