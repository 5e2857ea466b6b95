"""Routes: upload a CSV/XLSX import, download a CSV export."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from crewboard.api.deps import DB, Dispatcher, Office
from crewboard.errors import DomainError
from crewboard.imports.export import export_csv
from crewboard.imports.headers import Kind, parse_overrides
from crewboard.imports.readers import read_table
from crewboard.imports.runner import finish_dry_run, run_import

router = APIRouter(tags=["imports"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@router.post("/imports/{kind}")
def upload_import(kind: Kind, file: UploadFile, session: DB, actor: Dispatcher,
                  dry_run: bool = False,
                  mapping: Annotated[list[str] | None, Query(
                      alias="map", description='"Their Header=our_field", repeatable')] = None
                  ) -> dict[str, Any]:
    """Import every row or none: a bad row answers 422 ``import_rejected`` with the report."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("file_too_large", f"The file is larger than "
                          f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it.", field="file",
                          status=413)
    table = read_table(data, file.filename)
    report = run_import(session, actor, kind, table, overrides=parse_overrides(mapping or []),
                        dry_run=dry_run)
    finish_dry_run(session, report)
    return report.to_dict()


@router.get("/exports/{kind}.csv")
def download_export(kind: Kind, session: DB, actor: Office,
                    day: Annotated[date | None, Query(alias="date")] = None) -> Response:
    """CSV with the headers the import reads; jobs can be limited to a company-local day."""
    suffix = f"-{day.isoformat()}" if day and kind is Kind.jobs else ""
    body = "\ufeff" + export_csv(session, actor, kind, day)  # the BOM tells Excel it is UTF-8
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{kind.value}{suffix}.csv"'})
