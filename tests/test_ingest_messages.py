"""What `regioatlas ingest` says about files it cannot take, each built from a real fixture."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time

from click.testing import CliRunner

from regioatlas.cli import main
from regioatlas.sources.parsing import FIELD_LIMIT
from regioatlas.store import open_store

AT = "AT_ERDF_2014-2020_Vorhabensliste.csv"
H2020 = "h2020_participations_head.csv"


def _ingest(tmp_path, *args):
    store = str(tmp_path / "atlas.duckdb")
    result = CliRunner().invoke(main, ["ingest", *map(str, args), "--store", store])
    return result, store


def _datasets(store: str) -> list[str]:
    with open_store(store) as s:
        return [d.id for d in s.datasets()]


def test_duplicated_header_names_the_file_and_column(tmp_path, fixtures):
    lines = (fixtures / "cordis" / H2020).read_text("utf-8").split("\n")
    assert lines[0].startswith("rcn,role,pic,type,contribution,country,")
    assert lines[0].endswith(",nunique")
    lines[0] = lines[0].removesuffix(",nunique") + ",country"  # a column read by name
    bad = tmp_path / H2020
    bad.write_text("\n".join(lines), "utf-8")
    result, store = _ingest(tmp_path, "cordis-h2020", bad)
    assert result.exit_code == 1
    assert f"{bad}, line 1, column 'country'" in result.output
    assert "appears twice in the header (columns 6 and 15)" in result.output
    assert _datasets(store) == []


def test_duplicated_header_in_a_list_read_through_a_profile(tmp_path, fixtures):
    text = (fixtures / "cohesion" / AT).read_text("utf-8")
    name = "Name des Begünstigten/\nname of beneficiary"
    summary = "Zusammenfassung des Vorhabens/\noperation summary"
    assert name in text and summary in text
    bad = tmp_path / AT
    bad.write_text(text.replace(summary, name, 1), "utf-8")
    result, _ = _ingest(tmp_path, "at-efre", bad)
    assert result.exit_code == 1
    assert "appears twice in the header" in result.output and str(bad) in result.output


def test_a_long_field_is_read_and_one_over_the_limit_is_named(tmp_path, fixtures):
    text = (fixtures / "cohesion" / AT).read_text("utf-8")
    summary = 'TR Flachdachbau GmbH,"Das Projekt'  # the first record's summary, line 12
    assert text.count(summary) == 1

    def with_summary_of(length: int):
        path = tmp_path / str(length) / AT
        path.parent.mkdir()
        path.write_text(text.replace(summary, summary[:-11] + "x" * length + summary[-11:]))
        return path

    # over the csv module's default limit (131,072): a real summary can be that long
    result, store = _ingest(tmp_path, "at-efre", with_summary_of(200_000))
    assert result.exit_code == 0, result.output
    result, _ = _ingest(tmp_path, "at-efre", with_summary_of(FIELD_LIMIT + 1))
    assert result.exit_code == 1
    assert f"line 12: field longer than {FIELD_LIMIT:,} characters" in result.output
    assert "quoting" not in result.output


def test_utf16_with_bom_is_read(tmp_path, fixtures):
    utf16 = tmp_path / AT
    utf16.write_text((fixtures / "cohesion" / AT).read_text("utf-8"), "utf-16")
    assert utf16.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    for source in ("at-efre", "auto"):
        result, store = _ingest(tmp_path, source, utf16)
        assert result.exit_code == 0, result.output
        assert "projects: 49" in result.output
    assert _datasets(store) == [f"at-efre:{AT}"]


def test_auto_says_empty_file_and_truncated_gzip(tmp_path, fixtures):
    empty = tmp_path / "organization.csv"
    empty.write_bytes(b"")
    result, _ = _ingest(tmp_path, "auto", empty)
    assert result.exit_code == 1
    assert f"{empty}: the file is empty" in result.output
    assert "layout not recognised" not in result.output
    raw = gzip.compress((fixtures / "cordis" / H2020).read_bytes())
    for cut in (40, len(raw) // 2):  # too short to see a header / cut in the middle
        truncated = tmp_path / f"cut{cut}.csv.gz"
        truncated.write_bytes(raw[:cut])
        result, _ = _ingest(tmp_path, "auto", truncated)
        assert result.exit_code == 1
        assert "truncated gzip" in result.output, result.output
        assert "layout not recognised" not in result.output


def test_rejected_rows_count_rows_not_errors(tmp_path, fixtures):
    lines = (fixtures / "cohesion" / "bad_values.csv").read_text("utf-8").split("\n")
    assert ",1.3.2015," in lines[1] and ",44390x," in lines[1]
    lines[1] = lines[1].replace(",1.3.2015,", ",31.13.2015,")  # line 2: two errors now
    bad = tmp_path / "bad_values.csv"
    bad.write_text("\n".join(lines), "utf-8")
    result, store = _ingest(tmp_path, "fi-rakennerahastot", bad, "--allow-partial")
    assert result.exit_code == 0, result.output
    assert "rejected rows: 5 (6 errors)" in result.output
    with open_store(store) as s:
        assert s.datasets()[0].rejected_count == 5


def test_a_store_in_use_by_another_process_is_named_without_traceback(tmp_path, fixtures):
    store = tmp_path / "atlas.duckdb"
    open_store(str(store)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(store)!r}); print('held', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        for args in (["datasets", "list"], ["ingest", "auto", str(fixtures / "cohesion" / AT)]):
            started = time.monotonic()
            result = CliRunner().invoke(main, [*args, "--store", str(store)])
            assert result.exit_code == 5  # unavailable: held by another process
            assert f"the store {store} is in use by another process (pid {holder.pid})" in (
                result.output
            )
            assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
            assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
