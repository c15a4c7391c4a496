"""The HTTP client of the protocol: one long-lived httpx client, bounded bodies, typed answers.

Every answer is validated with the models of `protocol.py`; anything else is a `BadResponse`, so a
malformed or hostile body never reaches the store.
"""

from __future__ import annotations

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

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


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
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=TIMEOUT,
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

    # --- plumbing --------------------------------------------------------------------------

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
        if response.status_code == 304 and allow_304:
            return NotModified(response.headers.get("ETag", ""))
        if response.status_code >= 400:
            raise _error_for(response, body)
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            raise BadResponse(
                f"Réponse du serveur invalide sur {path} : {exc.error_count()} erreur(s) de format.",
                status=response.status_code,
            ) from exc


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
        retry = response.headers.get("Retry-After", "")
        err.retry_after = float(retry) if retry.replace(".", "", 1).isdigit() else None
        return err
    return RequestRefused(message or f"Requête refusée ({status}).", status=status, code=code)
