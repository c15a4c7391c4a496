"""The sandbox's HTTP application: `create_app` assembles the routers (service, sync, uploads,
control), the middlewares (gzip both ways, OPTIONS without a token) and the JSON error handlers.

Every route but /health, /openapi.json, /auth/token and OPTIONS needs a bearer token. Errors are
always `{"error": {"code", "message", …}}`, never HTML nor a traceback.
"""

import contextlib
import logging
import os
import re
import zlib

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from alin_tui.sandbox.errors import ERRORS, ApiError, error_response
from alin_tui.sandbox.store import SandboxStore

log = logging.getLogger("alin_tui.sandbox")

MAX_REQUEST_BYTES = 11 * 1024 * 1024  # decompressed; uploads are at most 10 MiB a file

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


class AnswerOptions:
    """OPTIONS needs no token: it says which methods a route takes (read from the OpenAPI
    document, the one description of the routes). Routes with their own OPTIONS (tus) answer
    themselves; unknown paths get 404, other methods go on untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "OPTIONS"
            or scope["path"].startswith("/sne/v1/uploads")
        ):
            return await self.app(scope, receive, send)
        methods = {"OPTIONS"}
        for pattern, verbs in _route_table(scope["app"]):
            if pattern.fullmatch(scope["path"]):
                methods |= verbs
        if methods == {"OPTIONS"}:
            response = error_response(404, "not_found", "Route inconnue.")
        else:
            response = Response(status_code=204, headers={"Allow": ", ".join(sorted(methods))})
        await response(scope, receive, send)


class GzipRequestBodies:
    """Accepts `Content-Encoding: gzip` request bodies (bounded once decompressed)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = [(k, v) for k, v in scope["headers"]]
        encoding = next((v for k, v in headers if k == b"content-encoding"), b"").lower()
        if encoding not in (b"gzip", b"x-gzip"):
            return await self.app(scope, receive, send)
        body = bytearray()
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_REQUEST_BYTES:
                break
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = inflater.decompress(bytes(body), MAX_REQUEST_BYTES + 1)
        except zlib.error:
            response = error_response(400, "invalid_request", "Corps gzip illisible.")
            return await response(scope, receive, send)
        if len(data) > MAX_REQUEST_BYTES or inflater.unconsumed_tail:
            code = "push_too_large" if scope["path"].endswith("/sync/push") else "too_large"
            response = error_response(413, code, "Corps de requête trop volumineux.")
            return await response(scope, receive, send)
        headers = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(data)).encode()))
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


WORKER_THREADS = int(os.environ.get("ALIN_SANDBOX_THREADS", "8"))


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI):
    """Fewer worker threads than anyio's 40: SQLite writes are serialised anyway, and fewer
    threads fighting for the GIL keep the writer's turn short (measured: see the load bench)."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(store: SandboxStore, *, admin_token: str, max_applications: int = 3) -> FastAPI:
    from alin_tui.sandbox import control, service, sync, uploads

    app = FastAPI(
        title="alin-tui sandbox",
        version="1",
        description="Bac à sable du fichier national de la demande (/sne/v1) et d'AL-in "
        "(/alin/v1), avec leurs règles, pour les démonstrations, la formation et les tests. "
        "Protocole : push (écritures idempotentes par identifiant de mutation), pull (curseur "
        "opaque, ETag), envois reprenables tus 1.0.0, routes de contrôle /sandbox/v1.",
        docs_url=None,
        redoc_url=None,
        responses={400: ERRORS[400], 422: ERRORS[422], 500: ERRORS[500]},
        lifespan=_lifespan,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1025)  # bodies over 1 KiB
    app.add_middleware(GzipRequestBodies)
    app.add_middleware(AnswerOptions)
    app.state.store = store
    from alin_tui.sandbox import limits

    store.login_failures = limits.login_failures()  # guessing is slowed down, per sandbox
    store.unknown_numbers = limits.unknown_numbers()
    app.state.admin_token = admin_token
    app.state.max_applications = max_applications

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = {404: "Route inconnue.", 405: "Méthode non permise sur cette route."}.get(
            exc.status_code, str(exc.detail)
        )
        return error_response(exc.status_code, code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(tuple(e.get("loc", ())) == ("query", "limit") for e in errors):
            return error_response(400, "invalid_request", "limit doit être un entier ≥ 1.")
        if any(e.get("type") in ("json_invalid", "json_type") for e in errors):
            return error_response(400, "invalid_request", "Corps JSON mal formé.")
        detail = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:5]
        )
        return error_response(422, "invalid_request", f"Requête invalide : {detail}")

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> Response:
        log.exception("internal error", exc_info=exc)
        return error_response(500, "internal", "Erreur interne du bac à sable.")

    for module in (service, sync, uploads, control):
        app.include_router(module.router)
    return app


def _route_table(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    table = getattr(app.state, "route_table", None)
    if table is None:
        table = [
            (re.compile(re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(path))), {m.upper() for m in ops})
            for path, ops in app.openapi()["paths"].items()
        ]
        app.state.route_table = table
    return table
