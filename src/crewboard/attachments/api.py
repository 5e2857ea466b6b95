"""Routes: upload a photo or signature under a phone-chosen ref, read it back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel

from crewboard.api.deps import DB, CurrentActor
from crewboard.attachments.actions import do_store_attachment
from crewboard.attachments.models import Attachment
from crewboard.attachments.queries import access_attachment
from crewboard.errors import DomainError

router = APIRouter(tags=["attachments"])


class AttachmentRead(BaseModel):
    ref: str
    kind: str
    content_type: str
    size: int
    sha256: str
    job_id: int | None
    url: str


def _read(row: Attachment) -> AttachmentRead:
    return AttachmentRead(ref=row.ref, kind=row.kind, content_type=row.content_type,
                          size=row.size, sha256=row.sha256, job_id=row.job_id,
                          url=f"/api/v1/attachments/{row.ref}/content")


@router.put("/attachments/{ref}", response_model=AttachmentRead, status_code=201,
            openapi_extra={"requestBody": {"required": True, "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/webp": {"schema": {"type": "string", "format": "binary"}}}}})
async def put_attachment(ref: str, request: Request, session: DB, actor: CurrentActor,
                         kind: Annotated[str, Query()] = "photo",
                         job_id: Annotated[int | None, Query()] = None) -> object:
    """Store the raw image body (JPEG, PNG or WebP) as ``ref``; the completion then lists
    the ref in ``photos`` or ``signature_ref``. Sending the same bytes again is a no-op
    (200), so a phone's offline queue can replay it."""
    settings = request.app.state.settings
    limit = settings.upload_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise DomainError("upload_too_large", f"The upload is {declared} bytes; the limit is "
                          f"{limit} bytes.", field="body", status=413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise DomainError("upload_too_large", f"The upload exceeds the limit of {limit} "
                              "bytes.", field="body", status=413)
        chunks.append(chunk)
    # the database work runs in the thread pool: a blocking write on the event loop
    # would stall every other request (and SQLite's lock holders) behind it
    row, created = await run_in_threadpool(
        do_store_attachment, session, actor, Path(settings.upload_dir), ref=ref, kind=kind,
        data=b"".join(chunks), content_type=request.headers.get("content-type"),
        max_bytes=limit, job_id=job_id)
    return JSONResponse(_read(row).model_dump(mode="json"),
                        status_code=201 if created else 200)


@router.get("/attachments/{ref}", response_model=AttachmentRead)
def read_attachment(ref: str, session: DB, actor: CurrentActor) -> AttachmentRead:
    return _read(access_attachment(session, actor, ref))


@router.get("/attachments/{ref}/content")
def attachment_content(ref: str, request: Request, session: DB,
                       actor: CurrentActor) -> FileResponse:
    row = access_attachment(session, actor, ref)
    path = Path(request.app.state.settings.upload_dir) / row.path
    if not path.is_file():
        raise DomainError("file_missing", f"The file for attachment {ref} is missing on the "
                          "server.", status=410)
    return FileResponse(path, media_type=row.content_type,
                        headers={"Cache-Control": "private, max-age=86400",
                                 "X-Content-Type-Options": "nosniff"})
