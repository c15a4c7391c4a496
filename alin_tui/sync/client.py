"""The HTTP client of the protocol: one long-lived httpx client, bounded bodies, typed answers.

Every answer is validated with the models of `protocol.py`; anything else is a `BadResponse`, so a
malformed or hostile body never reaches the store.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from alin_tui import protocol as p

MAX_BODY_BYTES = 16 * 1024 * 1024  # decompressed; a pull page of 1000 offers is well under 1 MiB
# Sized for slow links: a page of offers over a weak mobile link can take many seconds.
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)

M = TypeVar("M", bound=BaseModel)


class SyncError(Exception):
    """Base of what the client reports; `message` is a sentence for people (French)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code
        self.extra = extra or {}


class Offline(SyncError):
    """The server could not be reached (DNS, refused, timeout, cut connection)."""


class Unauthorized(SyncError):
    """401: the token is missing, unknown or expired, or the credentials are wrong."""


class CursorReset(SyncError):
    """410 `reset`: pull again from no cursor, keep pending mutations."""


class ServerError(SyncError):
    """5xx or 429 (with `retry_after` seconds when the server said)."""

    retry_after: float | None = None


class BadResponse(SyncError):
    """The answer is not what the protocol promises (malformed, wrong types, too large)."""


class RequestRefused(SyncError):
    """Another 4xx: the request itself was refused."""


@dataclass(frozen=True)
class NotModified:
    etag: str


class Client:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        override = os.environ.get("ALIN_HTTP_TIMEOUT")  # seconds; for tests and odd links
        # Certificates are checked unless the settings said otherwise (and warned).
        verify = os.environ.get("ALIN_TLS_VERIFY", "true").strip().lower() not in (
            "0",
            "false",
            "no",
            "off",
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            verify=verify,
            timeout=httpx.Timeout(float(override)) if override else TIMEOUT,
            transport=transport,
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
                "User-Agent": "alin-tui",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- calls -----------------------------------------------------------------------------

    def health(self) -> p.Health:
        return self._call("GET", "/health", p.Health, auth=False)

    def login(self, username: str, password: str) -> p.TokenResponse:
        answer = self._call(
            "POST",
            "/auth/token",
            p.TokenResponse,
            auth=False,
            json={"username": username, "password": password},
        )
        self.token = answer.token
        return answer

    def pull(
        self, service: str, cursor: str | None, *, limit: int = 500, etag: str | None = None
    ) -> p.PullResponse | NotModified:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        headers = {"If-None-Match": etag} if etag else {}
        return self._call(
            "GET",
            f"/{service}/v1/sync/pull",
            p.PullResponse,
            params=params,
            headers=headers,
            allow_304=True,
        )

    def push(self, service: str, client_id: str, mutations: list[dict[str, Any]]) -> p.PushResponse:
        body = json.dumps(
            {"client_id": client_id, "mutations": mutations}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json"}
        if len(body) > 1024:  # slow links: the server takes gzip request bodies
            body = gzip.compress(body, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
        answer = self._call(
            "POST", f"/{service}/v1/sync/push", p.PushResponse, content=body, headers=headers
        )
        sent = [m["id"] for m in mutations]
        if [r.id for r in answer.results] != sent:
            raise BadResponse("Réponse du serveur incohérente : résultats d'autres mutations.")
        return answer

    # --- uploads (tus 1.0.0) ---------------------------------------------------------------

    def upload_create(self, length: int, metadata: dict[str, str]) -> str:
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in metadata.items())
        response = self._raw(
            "POST",
            "/sne/v1/uploads",
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(length),
                "Upload-Metadata": meta,
            },
        )
        location = response.headers.get("Location", "")
        if response.status_code != 201 or not location.startswith("/sne/v1/uploads/"):
            raise BadResponse("Création d'envoi : réponse inattendue du serveur.")
        return location

    def upload_offset(self, location: str) -> int:
        response = self._raw("HEAD", location, headers={"Tus-Resumable": "1.0.0"})
        return _int_header(response, "Upload-Offset")

    def upload_chunk(self, location: str, offset: int, chunk: bytes) -> int:
        digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
        response = self._raw(
            "PATCH",
            location,
            content=chunk,
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                "Upload-Checksum": f"sha256 {digest}",
            },
        )
        return _int_header(response, "Upload-Offset")

    # --- plumbing --------------------------------------------------------------------------

    def _raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call whose answer is headers (tus): errors raised as for JSON calls."""
        response, _ = self._send(method, path, auth=True, allow_304=False, **kwargs)
        return response

    def _send(
        self, method: str, path: str, *, auth: bool, allow_304: bool, **kwargs: Any
    ) -> tuple[httpx.Response, bytes]:
        """One request: the token, a bounded body, transport failures as `Offline`, HTTP
        errors as typed `SyncError`s."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if auth:
            if not self.token:
                raise Unauthorized("Pas de jeton : connectez-vous (alin-tui login).", status=401)
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            with self._http.stream(method, path, headers=headers, **kwargs) as response:
                body = _read_bounded(response)
        except httpx.TransportError as exc:
            raise Offline(f"Serveur injoignable ({type(exc).__name__}).") from exc
        if response.status_code >= 400:
            raise _error_for(response, body)
        return response, body

    def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        auth: bool = True,
        allow_304: bool = False,
        **kwargs: Any,
    ) -> Any:
        response, body = self._send(method, path, auth=auth, allow_304=allow_304, **kwargs)
        if response.status_code == 304 and allow_304:
            return NotModified(response.headers.get("ETag", ""))
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            raise BadResponse(
                f"Réponse du serveur invalide sur {path} : {exc.error_count()} erreur(s) de format.",
                status=response.status_code,
            ) from exc


def _int_header(response: httpx.Response, name: str) -> int:
    try:
        value = int(response.headers.get(name, ""))
    except ValueError:
        value = -1
    if value < 0:
        raise BadResponse(f"En-tête {name} absent ou invalide dans la réponse du serveur.")
    return value


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from `Retry-After` (delta-seconds or HTTP date), capped at one hour."""
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return max(0.0, min(seconds, 3600.0))


def _read_bounded(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadResponse(
                "Réponse du serveur trop volumineuse : ignorée.", status=response.status_code
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _error_for(response: httpx.Response, body: bytes) -> SyncError:
    status = response.status_code
    try:
        detail = p.ErrorBody.model_validate_json(body).error
        code, message = detail.code, detail.message
    except ValidationError:
        code, message = None, ""
    if status == 401:
        return Unauthorized(message or "Authentification refusée.", status=status, code=code)
    if status == 410 and code == "reset":
        return CursorReset(message or "Curseur périmé.", status=status, code=code)
    if status >= 500 or status == 429:
        err = ServerError(
            f"Le serveur a répondu {status}" + (f" : {message}" if message else "."),
            status=status,
            code=code,
        )
        err.retry_after = retry_after(response)
        return err
    extra: dict[str, Any] = {}
    try:
        raw = json.loads(body).get("error", {})
        extra = {k: v for k, v in raw.items() if k not in ("code", "message")}
    except (ValueError, AttributeError):
        pass
    return RequestRefused(
        message or f"Requête refusée ({status}).", status=status, code=code, extra=extra
    )
