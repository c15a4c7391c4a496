"""Resumable uploads, tus 1.0.0 core + creation + checksum, under /sne/v1/uploads.

Bytes are sniffed on the request that brings the first ones (PDF, JPEG or PNG only); each chunk
may carry a checksum; unfinished uploads expire after 24 h of sandbox time.
"""

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from alin_tui.sandbox.auth import User
from alin_tui.sandbox.errors import ERRORS, ApiError
from alin_tui.sandbox.store import SandboxStore, rfc3339

TUS_VERSION = "1.0.0"
MAX_SIZE = 10 * 1024 * 1024
EXPIRY = dt.timedelta(hours=24)
MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}


def tus_version(tus_resumable: Annotated[str | None, Header()] = None) -> None:
    if tus_resumable != TUS_VERSION:
        raise ApiError(
            412,
            "tus_version",
            "En-tête Tus-Resumable: 1.0.0 attendu.",
            headers={"Tus-Version": TUS_VERSION},
        )


Tus = Annotated[None, Depends(tus_version)]

router = APIRouter(prefix="/sne/v1/uploads", tags=["sne", "uploads"])


def _store(request: Request) -> SandboxStore:
    return request.app.state.store


@router.options("", status_code=204, summary="Capacités tus du serveur (sans authentification)")
@router.options("/{upload_id}", status_code=204, include_in_schema=False)
def options() -> Response:
    return Response(
        status_code=204,
        headers={
            **TUS_HEADERS,
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation,checksum",
            "Tus-Max-Size": str(MAX_SIZE),
            "Tus-Checksum-Algorithm": "sha1,sha256",
        },
    )


def parse_metadata(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            out[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ApiError(400, "invalid_request", f"Upload-Metadata illisible ({key}).") from exc
    return out


def _no_body(description: str, *headers: str) -> dict:
    """An answer with no body (tus): documented with its headers and no content, so that the
    schema does not promise JSON the server never sends."""
    return {
        "description": description,
        "content": {},
        "headers": {name: {"schema": {"type": "string"}} for name in headers},
    }


@router.post(
    "",
    status_code=201,
    response_class=Response,
    summary="Crée un envoi (Upload-Length, Upload-Metadata)",
    responses={
        201: _no_body("Envoi créé", "Location", "Upload-Offset", "Tus-Resumable"),
        400: ERRORS[400],
        401: ERRORS[401],
        412: ERRORS[412],
        413: ERRORS[413],
    },
)
def create_upload(
    _: Tus,
    user: User,
    request: Request,
    upload_length: Annotated[str | None, Header()] = None,
    upload_metadata: Annotated[str | None, Header()] = None,
) -> Response:
    try:
        length = int(upload_length or "")
    except ValueError:
        length = -1
    if length < 0:
        raise ApiError(400, "invalid_request", "Upload-Length (entier ≥ 0) est obligatoire.")
    if length > MAX_SIZE:
        raise ApiError(413, "too_large", "Fichier trop volumineux : 10 Mio au plus.")
    meta = parse_metadata(upload_metadata or "")
    sha = meta.get("sha256", "")
    if sha and not _SHA256.match(sha):
        raise ApiError(
            400,
            "invalid_request",
            "sha256 : l'empreinte du fichier en hexadécimal minuscule (64 signes).",
        )
    store = _store(request)
    upload_id = secrets.token_hex(16)
    with store.write() as conn:
        conn.execute(
            "INSERT INTO uploads (id, owner, slot_id, filename, sha256, length, offset, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (
                upload_id,
                user,
                meta.get("slot_id", "")[:128],
                meta.get("filename", "")[:255],
                sha,
                length,
                rfc3339(store.server_time()),
            ),
        )
    return Response(
        status_code=201,
        headers={**TUS_HEADERS, "Location": f"/sne/v1/uploads/{upload_id}", "Upload-Offset": "0"},
    )


def _upload(store: SandboxStore, conn, user: str, upload_id: str) -> tuple[int, int]:
    row = conn.execute(
        "SELECT owner, length, offset, created_at FROM uploads WHERE id = ?", (upload_id,)
    ).fetchone()
    if row is None or row[0] != user:
        raise ApiError(404, "not_found", "Envoi inconnu.", headers=TUS_HEADERS)
    created = dt.datetime.fromisoformat(row[3].replace("Z", "+00:00"))
    if row[2] < row[1] and store.server_time() - created > EXPIRY:
        raise ApiError(
            410,
            "upload_expired",
            "Envoi inachevé expiré (24 h) : recommencez.",
            headers=TUS_HEADERS,
        )
    return int(row[1]), int(row[2])


@router.head(
    "/{upload_id}",
    status_code=200,
    response_class=Response,
    summary="Position d'un envoi (Upload-Offset)",
    responses={
        200: _no_body("Position de l'envoi", "Upload-Offset", "Upload-Length", "Tus-Resumable"),
        401: ERRORS[401],
        404: ERRORS[404],
        410: ERRORS[410],
        412: ERRORS[412],
    },
)
def head_upload(_: Tus, user: User, upload_id: str, request: Request) -> Response:
    store = _store(request)
    length, offset = _upload(store, store.conn, user, upload_id)
    return Response(
        status_code=200,
        headers={
            **TUS_HEADERS,
            "Upload-Offset": str(offset),
            "Upload-Length": str(length),
            "Cache-Control": "no-store",
        },
    )


@router.patch(
    "/{upload_id}",
    status_code=204,
    summary="Ajoute un morceau à l'offset courant",
    responses={
        400: ERRORS[400],
        401: ERRORS[401],
        404: ERRORS[404],
        409: ERRORS[409],
        410: ERRORS[410],
        412: ERRORS[412],
        413: ERRORS[413],
        415: ERRORS[415],
        460: ERRORS[460],
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/offset+octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        }
    },
)
async def patch_upload(
    _: Tus,
    user: User,
    upload_id: str,
    request: Request,
    content_type: Annotated[str | None, Header()] = None,
    upload_offset: Annotated[str | None, Header()] = None,
    upload_checksum: Annotated[str | None, Header()] = None,
) -> Response:
    if (content_type or "").split(";")[0].strip().lower() != "application/offset+octet-stream":
        raise ApiError(
            415, "unsupported_media_type", "Content-Type: application/offset+octet-stream attendu."
        )
    try:
        offset = int(upload_offset or "")
    except ValueError:
        offset = -1
    if offset < 0:
        raise ApiError(400, "invalid_request", "Upload-Offset (entier ≥ 0) est obligatoire.")
    body = await request.body()
    expected = _checksum(upload_checksum) if upload_checksum else None
    return await run_in_threadpool(
        _append, _store(request), user, upload_id, offset, body, expected
    )


def _checksum(header: str) -> tuple[str, bytes]:
    algorithm, _, encoded = header.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in ("sha1", "sha256"):
        raise ApiError(
            400, "invalid_request", f"Algorithme de contrôle non pris en charge : {algorithm[:20]}."
        )
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise ApiError(400, "invalid_request", "Upload-Checksum illisible.") from exc


def _append(
    store: SandboxStore,
    user: str,
    upload_id: str,
    offset: int,
    body: bytes,
    expected: tuple[str, bytes] | None,
) -> Response:
    with store.write() as conn:
        length, current = _upload(store, conn, user, upload_id)
        if offset != current:
            raise ApiError(
                409,
                "offset_mismatch",
                f"Offset attendu : {current}.",
                headers={**TUS_HEADERS, "Upload-Offset": str(current)},
            )
        if current + len(body) > length:
            raise ApiError(413, "too_large", "Octets au-delà de Upload-Length.")
        if expected is not None:
            algorithm, digest = expected
            if hashlib.new(algorithm, body).digest() != digest:
                raise ApiError(
                    460,
                    "checksum_mismatch",
                    "Somme de contrôle du morceau incorrecte : morceau ignoré.",
                    headers=TUS_HEADERS,
                )
        if current == 0 and body and not _sniff_ok(body):
            raise ApiError(
                415, "unsupported_file_type", "Seuls les fichiers PDF, JPEG et PNG sont acceptés."
            )
        if body:
            conn.execute(
                "INSERT INTO upload_chunks (upload_id, offset, data) VALUES (?, ?, ?)",
                (upload_id, current, body),
            )
            conn.execute(
                "UPDATE uploads SET offset = ? WHERE id = ?", (current + len(body), upload_id)
            )
    return Response(
        status_code=204, headers={**TUS_HEADERS, "Upload-Offset": str(current + len(body))}
    )


def _sniff_ok(first: bytes) -> bool:
    """The first bytes are those of a PDF, JPEG or PNG (or the start of such a signature)."""
    return any(first.startswith(m) or m.startswith(first) for m in MAGIC)
