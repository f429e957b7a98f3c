"""kill -9 during real ingests and demo builds: the store is as before or as after, and works.

Each trial starts a real `regioatlas ingest` process, kills it with SIGKILL at a random
moment, then opens the store, checks it is consistent (a dataset is there with all its
rows or not at all) and ingests again. Seeded, so a failure can be replayed.

The ingests are forked from one process that has imported the CLI and loaded the gazetteers
once (a zygote, like a long-running server), so a trial pays neither Python's start nor the
loading again and the kill lands in the read-locate-write of the ingest itself; the kill
moments are spread over a measured whole ingest of the same file, from its first instant to
its end, and the loop runs until 30 ingests were killed (an ingest that ends before its kill
moment does not count).
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regioatlas.ingest import ingest
from regioatlas.store.duckdb_ import DuckDBStore

REGIOATLAS = [sys.executable, "-c", "from regioatlas.cli import main; main()"]
#: ingests killed (a trial whose ingest ends before its kill moment does not count)
KILLS = 30
H2020 = "h2020_participations_head.csv"
#: rows of the two versions of the H2020 file (the fixture has 3,000): small enough for 30
#: trials, large enough that an ingest writes for a while
ROWS = (1200, 300)

#: ingests argv[1] into the store argv[2] once, so that the CLI is imported and the gazetteers
#: and polygons are loaded (as in a long-running server); then reads ``regioatlas`` argument
#: lines (tab-separated) on stdin, forks a child running each, prints the child's pid, then
#: its exit status when it ends
ZYGOTE = """
import os, sys
import tqdm.std
from regioatlas.cli import main
# tqdm's write lock includes a multiprocessing lock, a semaphore that forked children share:
# a child killed while it held it left every later child waiting for ever (seen in full runs);
# each child keeps tqdm's thread lock, its own after the fork. No monitor thread either.
tqdm.std.TqdmDefaultWriteLock.mp_lock = None
tqdm.std.tqdm.monitor_interval = 0
main(["ingest", "cordis-h2020", sys.argv[1], "--store", sys.argv[2]], standalone_mode=False)
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            main(line.rstrip("\\n").split("\\t"))
        except SystemExit as exc:
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        os._exit(0)
    print(pid, flush=True)
    print(os.waitpid(pid, 0)[1], flush=True)
"""


class Zygote:
    """A process that has imported the CLI and forks real ``regioatlas`` commands on request."""

    def __init__(self, warm_with: Path, scratch: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(warm_with), str(scratch)], env=_env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        while (line := self.proc.stdout.readline()) != "ready\n":  # the warm-up's report
            assert line, "the zygote's warm-up ingest failed"

    def run(self, args: list[str], kill_after: float | None = None) -> tuple[float, bool]:
        """(seconds it ran, whether it was killed) of one command, SIGKILLed after kill_after."""
        self.proc.stdin.write("\t".join(args) + "\n")
        self.proc.stdin.flush()
        pid = int(self.proc.stdout.readline())
        started = time.monotonic()
        ended, _, _ = select.select([self.proc.stdout], [], [], kill_after)
        if not ended:
            os.kill(pid, signal.SIGKILL)
        status = int(self.proc.stdout.readline())
        # a command may end between the timeout and the kill (a loaded machine): not killed
        killed = os.WIFSIGNALED(status)
        assert killed or status == 0, f"the command failed with status {status}"
        return time.monotonic() - started, killed

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _state(path: Path) -> dict[str, tuple[int, int]]:
    """Dataset id → (projects, participants) as stored, after checking consistency."""
    with DuckDBStore(path) as store:  # opening also runs the integrity check
        assert store.integrity_problems() == []
        return {d.id: (d.project_count, d.participant_count) for d in store.datasets()}


@pytest.fixture()
def two_versions(tmp_path, fixtures) -> tuple[Path, Path]:
    """The same H2020 file name (so the same dataset id) with 1,200 and with 300 rows."""
    full = tmp_path / "full" / H2020
    short = tmp_path / "short" / H2020
    for path in (full, short):
        path.parent.mkdir()
    lines = (fixtures / "cordis" / H2020).read_text(encoding="utf-8").splitlines(keepends=True)
    for path, rows in zip((full, short), ROWS, strict=True):
        path.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return full, short


def test_ingest_killed_at_random_moments_leaves_before_or_after(tmp_path, fixtures, two_versions):
    store_path = tmp_path / "atlas.duckdb"
    austria = fixtures / "cohesion" / "AT_ERDF_2014-2020_Vorhabensliste.csv"
    zygote = Zygote(two_versions[1], tmp_path / "warm-up.duckdb")
    try:
        _kill_ingests(zygote, store_path, austria, two_versions)
    finally:
        zygote.close()


def _kill_ingests(zygote: Zygote, store_path: Path, austria: Path, two_versions) -> None:
    args = ["--store", str(store_path)]
    zygote.run(["ingest", "at-efre", str(austria), *args])
    dataset = "cordis-h2020:" + H2020
    # one whole ingest of each version: (projects, participants) of each, and how long an
    # ingest of it lives, to spread the kills over that life
    whole, complete = [], []
    for files in two_versions:
        whole.append(zygote.run(["ingest", "cordis-h2020", str(files), *args])[0])
        complete.append(_state(store_path)[dataset])
    assert complete[0] != complete[1]
    seen = set()
    rng = random.Random(9)
    killed = trial = 0
    while killed < KILLS:
        trial += 1
        assert trial <= 2 * KILLS, f"only {killed} of {trial} ingests ended after their kill"
        files = two_versions[trial % 2]
        moment = rng.uniform(0.02, 1.0) * whole[trial % 2]
        killed += zygote.run(["ingest", "cordis-h2020", str(files), *args], moment)[1]
        state = _state(store_path)
        assert state["at-efre:AT_ERDF_2014-2020_Vorhabensliste.csv"] == (49, 49)
        seen.add(state[dataset])
        # the store accepts the next ingest, and that one is complete
        after = (trial + 1) % 2
        zygote.run(["ingest", "cordis-h2020", str(two_versions[after]), *args])
        state = _state(store_path)
        assert len(state) == 2 and state[dataset] == complete[after]
        wals = list(store_path.parent.glob("*.wal"))
        assert all(p.stat().st_size == 0 for p in wals), wals
    assert seen <= set(complete), seen  # only whole versions, never a mix


#: a demo build of the smaller datasets: region figures (where old stores broke) and lists
REDUCED_DEMO = (
    "import sys, regioatlas.demo as d\n"
    "keep = ('eurostat-population', 'at-efre', 'keep-eu', 'eurostat-tsv', 'eurostat-sdmx-csv')\n"
    "d.DEMO_DATASETS = [x for x in d.DEMO_DATASETS if x[0] in keep]\n"
    "d.build_demo(sys.argv[1], rebuild=True, on_dataset=lambda s, n: print(s, flush=True))\n"
)


def test_demo_killed_then_opened_then_built_again(tmp_path):
    """On old code 9 demos in 10 failed for good after this ('Failed to delete ... index')."""
    store_path = tmp_path / "demo.duckdb"
    rng = random.Random(5)
    proc = subprocess.Popen(
        [sys.executable, "-c", REDUCED_DEMO, str(store_path)],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    # killed while ingesting its 2nd-5th dataset, so that some are written (machine load
    # makes a kill after a fixed time land anywhere, even before the first write)
    for _ in range(rng.randint(2, 5)):
        proc.stdout.readline()
    time.sleep(rng.uniform(0.0, 0.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    listed = subprocess.run(
        [*REGIOATLAS, "datasets", "list", "--store", str(store_path)],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    _state(store_path)
    built = subprocess.run(
        [sys.executable, "-c", REDUCED_DEMO, str(store_path)],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    state = _state(store_path)
    assert state["at-efre:AT_ERDF_2014-2020_Vorhabensliste.csv"][0] > 0
    assert len(state) == 8


def test_a_store_broken_by_old_code_is_named_and_repaired_by_removing(tmp_path, fixtures):
    """Participations left without projects and dataset row (what 2 kills in 105 did before)."""
    import duckdb
    from click.testing import CliRunner

    from regioatlas.cli import main

    store_path = tmp_path / "atlas.duckdb"
    with DuckDBStore(store_path) as store:
        ingest(store, "cordis-h2020", [fixtures / "cordis" / H2020])
    con = duckdb.connect(str(store_path))
    con.execute("DELETE FROM projects")
    con.execute("DELETE FROM datasets")
    con.close()
    broken = f"cordis-h2020:{H2020}"
    with DuckDBStore(store_path) as store:
        assert store.integrity_problems() == [
            f"participants of dataset {broken}, which has no dataset row"
        ]
    austria = fixtures / "cohesion" / "AT_ERDF_2014-2020_Vorhabensliste.csv"
    run = CliRunner().invoke(main, ["ingest", "at-efre", str(austria), "--store", str(store_path)])
    assert run.exit_code == 4  # a conflict with the inconsistent store
    assert "is inconsistent: participants of dataset " + broken in run.output
    assert "datasets remove" in run.output
    run = CliRunner().invoke(main, ["datasets", "remove", broken, "--store", str(store_path)])
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(main, ["ingest", "at-efre", str(austria), "--store", str(store_path)])
    assert run.exit_code == 0, run.output
    assert _state(store_path) == {"at-efre:AT_ERDF_2014-2020_Vorhabensliste.csv": (49, 49)}


def test_a_killed_write_leaves_nothing_once_the_store_is_opened_again(tmp_path, fixtures):
    """What a killed writer leaves beside the store (the half-built copy, its log and the
    folder DuckDB spills to) is removed when the store is next opened for writing."""
    path = tmp_path / "atlas.duckdb"
    with DuckDBStore(path) as store:
        ingest(store, "cordis-h2020", [fixtures / "cordis" / H2020])
    leftovers = [Path(f"{path}.next"), Path(f"{path}.next.wal")]
    for leftover in leftovers:
        leftover.write_bytes(b"half written")
    spill = Path(f"{path}.next.tmp")
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"\0" * 4096)
    with DuckDBStore(path) as store:
        assert len(store.datasets()) == 1
    assert not any(p.exists() for p in [*leftovers, spill])
