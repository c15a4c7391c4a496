"""The sandbox's HTTP surface (FastAPI): health, auth, pull for both services, JSON errors.

Every route but /health, /openapi.json and /auth/token needs a bearer token. Errors are always
`{"error": {"code", "message"}}`, never HTML nor a traceback.
"""

import json
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from alin_tui import protocol as p
from alin_tui.sandbox.store import Cursor, SandboxStore, rfc3339

log = logging.getLogger("alin_tui.sandbox")

_STATUS_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": p.ErrorBody, "description": "Jeton absent, inconnu ou expiré"},
    422: {"model": p.ErrorBody, "description": "Requête mal formée"},
}


def current_user(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The caller's username from `Authorization: Bearer <token>`, else 401 `unauthorized`."""
    scheme, _, token = (authorization or "").partition(" ")
    store: SandboxStore = request.app.state.store
    user = store.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiError(401, "unauthorized", "Jeton absent, inconnu ou expiré : reconnectez-vous.")
    return user


User = Annotated[str, Depends(current_user)]


def create_app(store: SandboxStore, *, admin_token: str) -> FastAPI:
    app = FastAPI(
        title="alin-tui sandbox",
        version="1",
        description="Bac à sable du fichier national de la demande (/sne/v1) et d'AL-in "
        "(/alin/v1), avec leurs règles, pour les démonstrations, la formation et les tests.",
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.state.store = store
    app.state.admin_token = admin_token

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "invalid_request", "Corps JSON mal formé.")
        detail = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:5]
        )
        return error_response(422, "invalid_request", f"Requête invalide : {detail}")

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return error_response(500, "internal", "Erreur interne du bac à sable.")

    @app.get("/health", response_model=p.Health, tags=["service"])
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "server_time": rfc3339(store.server_time()),
            "today": store.today().isoformat(),
        }

    @app.post(
        "/auth/token",
        response_model=p.TokenResponse,
        tags=["service"],
        responses={401: ERRORS[401], 422: ERRORS[422]},
    )
    def token(body: p.TokenRequest) -> dict[str, Any]:
        if not store.check_password(body.username, body.password):
            raise ApiError(401, "invalid_credentials", "Identifiant ou mot de passe incorrect.")
        tok, expires = store.issue_token(body.username)
        return {"token": tok, "expires_at": rfc3339(expires)}

    def make_pull(service: str):
        def pull(
            user: User,
            response: Response,
            cursor: Annotated[str | None, Query(max_length=512)] = None,
            limit: Annotated[str | None, Query(description="1..1000, défaut 500")] = None,
            if_none_match: Annotated[str | None, Header()] = None,
        ) -> Any:
            size = _parse_limit(limit)
            decoded = None
            if cursor is not None:
                decoded = store.decode_cursor(cursor)
                if decoded is None or decoded.service != service:
                    raise ApiError(410, "reset", "Curseur inconnu : reprenez depuis le début.")
            page = pull_page(store, service, user, decoded, size)
            etag = f'"{page["cursor"]}"'
            if (
                cursor is not None
                and if_none_match == f'"{cursor}"'
                and page["cursor"] == cursor
                and not page["changes"]
            ):
                return Response(status_code=304, headers={"ETag": etag})
            response.headers["ETag"] = etag
            return page

        pull.__name__ = f"pull_{service}"
        return pull

    for service in ("sne", "alin"):
        app.get(
            f"/{service}/v1/sync/pull",
            response_model=p.PullResponse,
            response_model_exclude_none=True,
            tags=[service],
            summary=f"Changements visibles sur {service} depuis un curseur",
            responses={
                304: {"description": "Rien de nouveau"},
                401: ERRORS[401],
                410: {"model": p.ErrorBody, "description": "Curseur inconnu (reset)"},
            },
        )(make_pull(service))

    return app


def _parse_limit(limit: str | None) -> int:
    if limit is None:
        return 500
    try:
        value = int(limit)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(400, "invalid_request", "limit doit être un entier ≥ 1.")
    return min(value, 1000)


def pull_page(
    store: SandboxStore, service: str, user: str, cursor: Cursor | None, limit: int
) -> dict[str, Any]:
    """One page from one consistent read snapshot (a single read transaction)."""
    conn = store.conn
    conn.execute("BEGIN")
    try:
        today = store.today().isoformat()
        server_time = rfc3339(store.server_time())
        after = cursor.seq if cursor else 0
        until = cursor.until if cursor and cursor.until else None
        if until is None:
            until = int(
                conn.execute(
                    "SELECT coalesce(max(seq), 0) FROM entities WHERE service = ? "
                    "AND (owner = ? OR owner IS NULL)",
                    (service, user),
                ).fetchone()[0]
            )
        live_only = "" if cursor else "AND deleted = 0"
        rows = conn.execute(
            "SELECT seq, type, id, version, deleted, value FROM entities WHERE service = ? "
            f"AND (owner = ? OR owner IS NULL) AND seq > ? AND seq <= ? {live_only} "
            "ORDER BY seq LIMIT ?",
            (service, user, after, until, limit + 1),
        ).fetchall()
        counters = conn.execute(
            "SELECT client_id, last_id, seq FROM counters WHERE service = ? AND username = ?",
            (service, user),
        ).fetchall()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = []
    for _seq, type_, id_, version, deleted, value in rows:
        change: dict[str, Any] = {
            "op": "del" if deleted else "put",
            "type": type_,
            "id": id_,
            "version": version,
        }
        if not deleted:
            change["value"] = json.loads(value)
        changes.append(change)
    counter_seq = max((c[2] for c in counters), default=0)
    if has_more:
        next_cursor = Cursor(service, rows[-1][0], until, today)
    else:
        last = max(after, until, counter_seq)
        next_cursor = Cursor(service, last, 0, today)
    return {
        "cursor": store.encode_cursor(next_cursor),
        "has_more": has_more,
        "server_time": server_time,
        "today": today,
        "last_mutation_ids": {c[0]: c[1] for c in counters},
        "changes": changes,
    }
