"""Writes through the API: uploads ingested as jobs, dataset removal, each one audited.

A job's state lives in the store (``jobs`` and ``write_locks``), not in this process, so any
API worker answers ``GET /api/jobs/{id}`` and a second write to the same dataset is a conflict
whichever worker takes it. An upload runs the CLI's own ingest (``regioatlas.ingest.ingest``):
the same validation, atomic write and report.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from regioatlas.api import audit
from regioatlas.api.atlas import jsonable
from regioatlas.api.auth import Principal
from regioatlas.ingest import choose_source, dataset_id, ingest
from regioatlas.model.errors import (
    Conflict,
    InputError,
    NotFound,
    RegioAtlasError,
    Unavailable,
    UnsupportedMedia,
)
from regioatlas.store.base import Store

log = logging.getLogger("regioatlas.jobs")

#: a write lock older than this belongs to a process that died (an ingest takes minutes)
STALE_AFTER = timedelta(hours=6)
#: progress is written to the store at most this often (seconds), and at every stage change
PROGRESS_EVERY = 0.5


class LatestProgress:
    """A job's progress written by a thread of its own, only the latest report.

    The ingest reports progress while it holds the store's write (a DuckDB file store has one
    writer at a time, and locating the rows happens inside the write): writing the report on
    the ingest's own thread would wait for that write to end, i.e. forever. Here the report
    waits on another thread and a newer one replaces it.
    """

    def __init__(self, store: Store, job_id: str):
        self._store, self._job_id = store, job_id
        self._pending: dict | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-progress", daemon=True)
        self._thread.start()

    def report(self, **fields) -> None:
        with self._lock:
            self._pending = fields
        self._wake.set()

    def close(self) -> None:
        """Write what is pending and stop (before the job's final state is written)."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                fields, self._pending, closed = self._pending, None, self._closed
                self._wake.clear()
            if fields:
                try:
                    self._store.update_job(self._job_id, **fields)
                except Exception:  # progress is advisory: the job's end state is what counts
                    log.warning("job %s: progress not written", self._job_id, exc_info=True)
            if closed:
                return


def describe_files(paths: list[Path]) -> list[dict]:
    """What an upload looks like: each file's name, size, kind and first line's columns.

    Said back when no source reads the files, so the sender sees what was recognised.

    Example
    -------
    >>> describe_files([Path("x.csv")])  # doctest: +SKIP
    [{'name': 'x.csv', 'bytes': 20, 'kind': 'text', 'columns': ['a', 'b']}]
    """
    out = []
    for path in paths:
        head = path.read_bytes()[:4096]
        info: dict = {"name": path.name, "bytes": path.stat().st_size}
        if head.startswith(b"\x1f\x8b"):
            info["kind"] = "gzip"
        elif head.startswith(b"PK\x03\x04"):
            info["kind"] = "zip (or xlsx)"
        elif b"\x00" in head:
            info["kind"] = "binary"
        else:
            info["kind"] = "text"
            first = head.decode("utf-8", "replace").splitlines()[:1]
            if first:
                delimiter = max(",;\t|", key=first[0].count)
                info["columns"] = [c.strip(' "') for c in first[0].split(delimiter)][:40]
        out.append(info)
    return out


def _recognised(paths: list[Path]) -> str:
    return "; ".join(
        f"{d['name']}: {d['kind']}"
        + (f" with columns {', '.join(d['columns'][:12])}" if d.get("columns") else "")
        for d in describe_files(paths)
    )


class JobRunner:
    """Runs the writes of one API process: uploads in background threads, removals at once.

    Parameters
    ----------
    store : Store
        The store written to (opened for writing).
    threads : int
        Jobs run at once in this process (locating is CPU-bound: one is the default).

    Example
    -------
    >>> runner = JobRunner(open_store("duckdb://:memory:"))  # doctest: +SKIP
    >>> job = runner.submit_upload(Principal("alice", "editor"), "auto", files, folder)  # doctest: +SKIP
    >>> runner.job(job["id"])["status"]  # doctest: +SKIP
    'running'
    """

    def __init__(self, store: Store, threads: int = 1):
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="regioatlas-job")

    def _writable(self) -> None:
        if self.store.read_only:
            raise Unavailable(
                "this server opened its store read-only (a DuckDB file served by several "
                "workers): writes need `regioatlas serve --workers 1`, or a PostgreSQL store"
            )

    def submit_upload(
        self,
        principal: Principal,
        source_name: str,
        files: list[Path],
        folder: Path,
        *,
        allow_partial: bool = False,
    ) -> dict:
        """Start ingesting ``files`` (kept in ``folder``, removed when the job ends) as a job.

        The layout is recognised and the dataset's write lock taken before this returns:
        files no source reads are UnsupportedMedia (415) naming what they look like, a
        dataset being written already is Conflict (409). Both are audited, like the job's end.
        """
        self._writable()
        digests = audit.file_digests(files)
        details: dict = {"files": digests, "source": source_name}
        try:
            try:
                source, _ = choose_source(source_name, files)
            except InputError as exc:
                if source_name != "auto":
                    raise
                raise UnsupportedMedia(
                    f"no source reads these files; recognised: {_recognised(files)}. "
                    f"{exc.errors[0].reason}",
                    recognised=describe_files(files),
                ) from exc
            now = datetime.now(UTC)
            # a job row as Store.begin_job takes it: values of mixed column types
            job: dict = {
                "id": uuid.uuid4().hex,
                "kind": "dataset.upload",
                "target": dataset_id(source.name, files),
                "status": "queued",
                "created_by": principal.name,
                "created_at": now,
                "result": None,
            }
            self.store.begin_job(job, stale_before=now - STALE_AFTER)
        except RegioAtlasError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            result = "conflict" if isinstance(exc, Conflict) else "refused"
            audit.record(
                self.store, principal.name, "dataset.upload", None, result, details | _why(exc)
            )
            raise
        details["job"] = job["id"]
        audit.record(
            self.store, principal.name, "dataset.upload", job["target"], "accepted", details
        )
        self._pool.submit(
            self._run_upload, job, principal, source_name, files, folder, details, allow_partial
        )
        return self.job(job["id"])

    def _run_upload(self, job, principal, source_name, files, folder, details, allow_partial):
        last = [0.0, ""]
        writer = LatestProgress(self.store, job["id"])

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage != last[1] or now - last[0] >= PROGRESS_EVERY or done >= total:
                last[:] = [now, stage]
                writer.report(stage=stage, done=done, total=total)

        self.store.update_job(job["id"], status="running", started_at=datetime.now(UTC))
        try:
            try:
                report = ingest(
                    self.store, source_name, files, allow_partial=allow_partial, progress=progress
                )
            finally:
                writer.close()
        except Exception as exc:  # the job reports every failure; the store is unchanged
            why = _why(exc)
            # audited before the job shows as ended: whoever sees it ended finds its entry
            audit.record(
                self.store, principal.name, "dataset.upload", job["target"], "failed", details | why
            )
            self.store.update_job(
                job["id"],
                status="failed",
                finished_at=datetime.now(UTC),
                message=why["error"][:2000],
                result=why,
            )
        else:
            result = {
                "dataset": jsonable(asdict(report.dataset)),
                "figures": report.figures,
                "rejected": [e.as_dict() for e in report.rejected[:1000]],
            }
            audit.record(
                self.store, principal.name, "dataset.upload", job["target"], "succeeded", details
            )
            self.store.update_job(
                job["id"],
                status="succeeded",
                finished_at=datetime.now(UTC),
                message=f"dataset {report.dataset.id} written",
                result=result,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def remove_dataset(self, principal: Principal, target: str) -> dict:
        """Remove a dataset now, under its write lock (Conflict while a job writes it)."""
        self._writable()
        now = datetime.now(UTC)
        # a job row as Store.begin_job takes it: values of mixed column types
        job: dict = {
            "id": uuid.uuid4().hex,
            "kind": "dataset.delete",
            "target": target,
            "status": "running",
            "created_by": principal.name,
            "created_at": now,
            "started_at": now,
            "result": None,
        }
        try:
            if target not in {d.id for d in self.store.datasets()}:
                raise NotFound(f"no dataset {target!r}", parameter="id")
            self.store.begin_job(job, stale_before=now - STALE_AFTER)
        except RegioAtlasError as exc:
            result = "conflict" if isinstance(exc, Conflict) else "refused"
            audit.record(self.store, principal.name, "dataset.delete", target, result, _why(exc))
            raise
        try:
            self.store.remove_dataset(target)
        except Exception as exc:
            why = _why(exc)
            self.store.update_job(
                job["id"], status="failed", finished_at=datetime.now(UTC), result=why
            )
            audit.record(self.store, principal.name, "dataset.delete", target, "failed", why)
            raise
        self.store.update_job(
            job["id"], status="succeeded", finished_at=datetime.now(UTC), message="removed"
        )
        audit.record(
            self.store, principal.name, "dataset.delete", target, "succeeded", {"job": job["id"]}
        )
        return self.job(job["id"])

    def job(self, job_id: str) -> dict:
        """One job as the API shows it; NotFound when there is none."""
        found = self.store.job(job_id)
        if found is None:
            raise NotFound(f"no job {job_id!r}", parameter="id")
        return jsonable(found)

    def shutdown(self) -> None:
        """Wait for running jobs (a server stopping lets them finish their write)."""
        self._pool.shutdown(wait=True)


def _why(exc: BaseException) -> dict:
    """An error as the job result and audit details carry it."""
    why: dict = {"error": str(exc) or type(exc).__name__, "error_type": type(exc).__name__}
    errors = getattr(exc, "errors", None)
    if errors and all(hasattr(e, "as_dict") for e in errors):
        why["errors"] = [e.as_dict() for e in errors[:100]]
    return why
