"""Routes of the server feature: uploads as jobs, dataset removal, jobs, the audit log.

The upload is read from the request stream by this module, not by FastAPI's form parsing, so
that its size is counted while it arrives: a body over the ``upload_max_bytes`` setting is
refused (413) as soon as its Content-Length says so, or as soon as that many bytes came,
never buffered whole.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from regioatlas import settings
from regioatlas.api.atlas import Atlas
from regioatlas.api.audit import AUDIT_LIMIT, audit_page
from regioatlas.api.jobs import JobRunner
from regioatlas.api.parameters import OFFSET
from regioatlas.model.errors import BadInput, TooLarge, UnsupportedMedia
from regioatlas.web.auth import AUTH_RESPONSES, Admin, Editor
from regioatlas.web.query import declared, query

#: the request body of POST /api/datasets, for the OpenAPI spec
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "The files of one dataset (as `regioatlas ingest` takes them)",
                    },
                    "source": {
                        "type": "string",
                        "default": "auto",
                        "description": "A source or built-in profile name (`regioatlas sources`); "
                        "`auto` recognises the layout",
                    },
                    "profile": {
                        "type": "string",
                        "format": "binary",
                        "description": "A profile (TOML) for a list of operations; replaces `source`",
                    },
                    "allow_partial": {
                        "type": "boolean",
                        "default": False,
                        "description": "Keep the valid rows and report the rejected ones",
                    },
                },
            }
        }
    },
}


async def _counted(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, refused with TooLarge as soon as more than ``limit`` bytes came."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise TooLarge(
                f"the upload is larger than {limit:,} bytes (setting upload_max_bytes)",
                parameter="files",
            )
        yield chunk


def _safe_name(filename: str | None) -> str:
    name = Path((filename or "").replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise BadInput(f"an uploaded file has no usable name ({filename!r})", parameter="files")
    return name


async def _read_upload(request: Request, folder: Path) -> tuple[dict, list[Path], Path | None]:
    """(form fields, saved data files, saved profile or None) of a multipart upload."""
    limit = settings.get_int("upload_max_bytes")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UnsupportedMedia(
            f"an upload is multipart/form-data, not {content_type or 'without a content type'}",
            parameter="Content-Type",
        )
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise TooLarge(
            f"the upload has {int(length):,} bytes; at most {limit:,} are accepted "
            "(setting upload_max_bytes)",
            parameter="files",
        )
    parser = MultiPartParser(request.headers, _counted(request, limit), max_files=100)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadInput(f"the multipart body cannot be read: {exc.message}") from exc
    fields, files, profile = {}, [], None
    try:
        for key, value in form.multi_items():
            if not isinstance(value, UploadFile):
                fields[key] = value
                continue
            name = _safe_name(value.filename)
            target = folder / ("profile" if key == "profile" else "files") / name
            if target.exists():
                raise BadInput(f"two uploaded files are named {name!r}", parameter="files")
            target.parent.mkdir(exist_ok=True)
            with target.open("wb") as out:
                shutil.copyfileobj(value.file, out)
            if key == "profile":
                profile = target
            else:
                files.append(target)
    finally:
        await form.close()
    if not files:
        raise BadInput("no files in the upload (multipart field `files`)", parameter="files")
    return fields, files, profile


def register(app: FastAPI, atlas: Atlas) -> None:
    """Add the write routes (uploads, removal), the jobs and the audit log to ``app``."""
    runner = JobRunner(atlas.store)
    app.state.jobs = runner
    app.router.on_shutdown.append(runner.shutdown)

    @app.post(
        "/api/datasets",
        tags=["datasets"],
        status_code=202,
        summary="Upload the files of one dataset; ingested as a job (editor)",
        responses={
            **AUTH_RESPONSES,
            202: {"description": "The job, queued; follow its Location"},
            409: {"description": "The dataset is being written by another job"},
            413: {"description": "The upload is over the upload_max_bytes setting"},
            415: {"description": "No source reads these files; says what was recognised"},
        },
        openapi_extra={"requestBody": UPLOAD_BODY},
    )
    async def upload(request: Request, principal: Editor):
        folder = Path(tempfile.mkdtemp(prefix="regioatlas-upload-"))
        try:
            fields, files, profile = await _read_upload(request, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        source = f"profile:{profile}" if profile else fields.get("source") or "auto"
        partial = fields.get("allow_partial", "false").lower() in ("1", "true", "yes", "on")
        job = await run_in_threadpool(
            runner.submit_upload, principal, source, files, folder, allow_partial=partial
        )
        return JSONResponse(job, status_code=202, headers={"Location": f"/api/jobs/{job['id']}"})

    @app.delete(
        "/api/datasets/{dataset_id:path}",
        tags=["datasets"],
        summary="Remove a dataset and everything read from it (editor)",
        responses={**AUTH_RESPONSES, 404: {"description": "No such dataset"}, 409: {}},
    )
    def remove(dataset_id: str, principal: Editor):
        return runner.remove_dataset(principal, dataset_id)

    @app.get(
        "/api/jobs/{job_id}",
        tags=["datasets"],
        summary="A write job: status, stage, progress, result (editor)",
        responses={**AUTH_RESPONSES, 404: {"description": "No such job"}},
    )
    def job(job_id: str, principal: Editor):
        return runner.job(job_id)

    @app.get(
        "/api/audit",
        tags=["audit"],
        summary="The audit log of every write, newest first (admin)",
        responses=AUTH_RESPONSES,
        **declared((AUDIT_LIMIT, OFFSET)),
    )
    def audit(request: Request, principal: Admin):
        return audit_page(atlas.store, query(request))
