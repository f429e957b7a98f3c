"""A throwaway PostgreSQL + PostGIS cluster for the tests: initdb in a temporary directory,
a free loopback port, started once per session and stopped at the end.

Nothing is installed here: ``scripts/setup.sh test`` installs the Debian packages. Without the
binaries the PostGIS tests skip locally and fail under CI (``CI`` set), where they must run.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

#: Debian's layout: /usr/lib/postgresql/<major>/bin
BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_bindir() -> Path | None:
    """The newest PostgreSQL bin directory with initdb and pg_ctl, or None."""
    candidates = sorted(glob.glob(BIN_GLOB), key=lambda d: int(Path(d).parent.name), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for d in candidates:
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running cluster; ``new_database()`` gives a fresh database with PostGIS."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="regioatlas-pg-"))
        self.data = self.dir / "data"
        self.port = 0
        self._names = itertools.count(1)
        # PostgreSQL refuses to run as root: then the cluster belongs to the postgres user
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> Cluster:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        for attempt in range(5):  # another process may take the free port before we do
            self.port = _free_port()
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.dir / "server.log"),
                    "-o",
                    f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off",
                    "-w",
                    "start",
                )
                break
            except RuntimeError:
                if attempt == 4:
                    raise
        with psycopg.connect(self.url("template1"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE regioatlas_template")
        with psycopg.connect(self.url("regioatlas_template"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, postgis: bool = True) -> str:
        """A fresh empty database (with the PostGIS extension unless told not), its URL."""
        name = f"atlas_{next(self._names)}"
        template = "regioatlas_template" if postgis else "template0"
        with psycopg.connect(self.url("template1"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def start_replica(self) -> Replica:
        """A streaming replica of this cluster (``pg_basebackup -R``) on another loopback port."""
        return Replica(self).start()

    def stop(self) -> None:
        if self.port:
            subprocess.run(
                [*self._as, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate"]
                + ["stop"],
                capture_output=True,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


class Replica:
    """A hot standby of a running Cluster, streaming from it; ``stop()`` takes it down (the
    primary goes on), ``start()`` brings it back."""

    def __init__(self, primary: Cluster):
        self.primary = primary
        self.data = primary.dir / f"replica-{_free_port()}"
        self.port = 0

    def _ctl(self, *args: str) -> None:
        self.primary._run(str(self.primary.bindir / "pg_ctl"), "-D", str(self.data), *args)

    def start(self) -> Replica:
        if not self.data.exists():
            self.primary._run(
                str(self.primary.bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.data),
                "--checkpoint=fast",  # the default, spread, waits minutes for a checkpoint
                "-R",  # standby.signal + primary_conninfo: a streaming replica
                "-X",
                "stream",
            )
        for attempt in range(5):  # another process may take the free port before we do
            self.port = self.port or _free_port()
            try:
                self._ctl(
                    "-l",
                    str(self.data.with_suffix(".log")),
                    "-o",
                    f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.primary.dir} "
                    "-c fsync=off -c hot_standby=on",
                    "-w",
                    "start",
                )
                return self
            except RuntimeError:
                self.port = 0
                if attempt == 4:
                    raise
        return self

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def wait_for(self, dbname: str, timeout: float = 60) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        import time

        with psycopg.connect(self.primary.url(dbname), autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.url(dbname), autocommit=True) as conn:
                    done = conn.execute(
                        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(target)]
                    ).fetchone()[0]  # type: ignore[index]
                if done:
                    return
            except psycopg.OperationalError:
                pass  # the new database may not exist on the replica yet
            time.sleep(0.1)
        raise RuntimeError(f"the replica on port {self.port} did not catch up in {timeout} s")

    def stop(self) -> None:
        if self.port:
            subprocess.run(
                [*self.primary._as, str(self.primary.bindir / "pg_ctl"), "-D", str(self.data)]
                + ["-m", "immediate", "stop"],
                capture_output=True,
            )
