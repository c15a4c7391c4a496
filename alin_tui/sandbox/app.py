"""The sandbox's HTTP surface (FastAPI): health, auth, pull and push for both services, resumable
uploads, control routes; JSON errors only.

Every route but /health, /openapi.json, /auth/token and OPTIONS needs a bearer token. Errors are
always `{"error": {"code", "message", …}}`, never HTML nor a traceback.
"""

import contextlib
import json
import logging
import os
import re
import signal
import zlib
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from alin_tui import protocol as p
from alin_tui.sandbox.auth import User
from alin_tui.sandbox.errors import ERRORS, ApiError, error_response
from alin_tui.sandbox.rules import Ctx, apply_mutation, ensure_date_rules
from alin_tui.sandbox.store import Cursor, SandboxStore, rfc3339

log = logging.getLogger("alin_tui.sandbox")

MAX_PUSH_MUTATIONS = 100
MAX_PUSH_BYTES = 256 * 1024
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
    from alin_tui.sandbox.control import router as control_router
    from alin_tui.sandbox.uploads import router as uploads_router

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
        responses={401: ERRORS[401], 400: ERRORS[400], 422: ERRORS[422]},
    )
    def token(body: p.TokenRequest) -> dict[str, Any]:
        if not store.check_password(body.username, body.password):
            raise ApiError(401, "invalid_credentials", "Identifiant ou mot de passe incorrect.")
        tok, expires = store.issue_token(body.username)
        return {"token": tok, "expires_at": rfc3339(expires)}

    def make_pull(service: str):
        def pull(
            user: User,
            cursor: Annotated[str | None, Query(max_length=512)] = None,
            limit: Annotated[
                str | None,
                Query(pattern=r"^[0-9]{1,9}$", description="entier ≥ 1, défaut 500, 1000 au plus"),
            ] = None,
            if_none_match: Annotated[str | None, Header()] = None,
        ) -> Any:
            size = _parse_limit(limit)
            decoded = None
            if cursor is not None:
                decoded = store.decode_cursor(cursor)
                if decoded is None or decoded.service != service:
                    raise ApiError(410, "reset", "Curseur inconnu : reprenez depuis le début.")
            ensure_date_rules(store)
            page = pull_page(store, service, user, decoded, size)
            etag = f'"{page["cursor"]}"'
            if (
                cursor is not None
                and if_none_match == f'"{cursor}"'
                and page["cursor"] == cursor
                and not page["changes"]
            ):
                return Response(status_code=304, headers={"ETag": etag})
            # Built from validated storage: sent as is (the response model documents it).
            return JSONResponse(page, headers={"ETag": etag})

        pull.__name__ = f"pull_{service}"
        return pull

    def make_push(service: str):
        async def push(user: User, body: p.PushRequest, request: Request) -> Any:
            raw = await request.body()
            if len(body.mutations) > MAX_PUSH_MUTATIONS or len(raw) > MAX_PUSH_BYTES:
                raise ApiError(
                    413,
                    "push_too_large",
                    f"Au plus {MAX_PUSH_MUTATIONS} mutations et 256 Kio par envoi.",
                )
            answer = await run_in_threadpool(
                push_batch, store, service, user, body, request.app.state.max_applications
            )
            return JSONResponse(answer)

        push.__name__ = f"push_{service}"
        return push

    for service in ("sne", "alin"):
        app.get(
            f"/{service}/v1/sync/pull",
            response_model=p.PullResponse,
            response_model_exclude_none=True,
            tags=[service],
            summary=f"Changements visibles sur {service} depuis un curseur",
            responses={
                304: {"description": "Rien de nouveau depuis ce curseur"},
                400: ERRORS[400],
                401: ERRORS[401],
                410: {"model": p.ErrorBody, "description": "Curseur inconnu (reset)"},
            },
        )(make_pull(service))
        app.post(
            f"/{service}/v1/sync/push",
            response_model=p.PushResponse,
            response_model_exclude_none=True,
            tags=[service],
            summary=f"Mutations de {service}, appliquées une seule fois chacune",
            responses={
                400: ERRORS[400],
                401: ERRORS[401],
                409: ERRORS[409],
                413: ERRORS[413],
                422: ERRORS[422],
            },
        )(make_push(service))

    app.include_router(uploads_router)
    app.include_router(control_router)

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


def _fault(point: str) -> None:
    """Fault injection for the crash tests: `ALIN_SANDBOX_FAULT=<point>` kills the process."""
    if os.environ.get("ALIN_SANDBOX_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def push_batch(
    store: SandboxStore, service: str, user: str, body: p.PushRequest, max_applications: int
) -> dict[str, Any]:
    """Check the whole push, then apply each mutation in its own transaction with the counter."""
    today = ensure_date_rules(store)
    key = (service, user, body.client_id)
    row = store.conn.execute(
        "SELECT last_id FROM counters WHERE service = ? AND username = ? AND client_id = ?", key
    ).fetchone()
    last = row[0] if row else 0
    mutations = body.mutations
    if mutations:
        first = mutations[0].id
        consecutive = all(m.id == first + i for i, m in enumerate(mutations))
        if not consecutive or first > last + 1:
            raise ApiError(
                409,
                "out_of_order",
                f"Mutations attendues à partir de {last + 1}, consécutives.",
                expected=last + 1,
            )
    results = []
    for m in mutations:
        # A replay needs no write: counters only grow, so a stored result is final.
        if m.id <= last:
            stored = store.conn.execute(
                "SELECT result FROM results WHERE service = ? AND username = ? "
                "AND client_id = ? AND mutation_id = ?",
                (*key, m.id),
            ).fetchone()
            if stored is not None:
                results.append(json.loads(stored[0]))
                continue
        with store.write() as conn:
            row = conn.execute(
                "SELECT last_id FROM counters WHERE service = ? AND username = ? AND client_id = ?",
                key,
            ).fetchone()
            current = row[0] if row else 0
            if m.id <= current:
                stored = conn.execute(
                    "SELECT result FROM results WHERE service = ? AND username = ? "
                    "AND client_id = ? AND mutation_id = ?",
                    (*key, m.id),
                ).fetchone()
                if stored is not None:
                    results.append(json.loads(stored[0]))
                continue
            if m.id != current + 1:
                raise ApiError(
                    409, "out_of_order", "Mutations reçues dans le désordre.", expected=current + 1
                )
            ctx = Ctx(store, conn, user, today, max_applications)
            result = apply_mutation(ctx, service, m.id, m.name, m.args, m.base_version)
            conn.execute(
                "INSERT INTO results (service, username, client_id, mutation_id, result) "
                "VALUES (?, ?, ?, ?, ?)",
                (*key, m.id, json.dumps(result, ensure_ascii=False)),
            )
            conn.execute(
                "INSERT INTO counters (service, username, client_id, last_id, seq) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (service, username, client_id) "
                "DO UPDATE SET last_id = excluded.last_id, seq = excluded.seq",
                (*key, m.id, store.next_seq(conn)),
            )
            results.append(result)
    row = store.conn.execute(
        "SELECT last_id FROM counters WHERE service = ? AND username = ? AND client_id = ?", key
    ).fetchone()
    _fault("kill_after_push")
    return {"last_mutation_id": row[0] if row else 0, "results": results}


_PAGE_SQL = """
SELECT seq, type, id, version, deleted, value FROM (
    SELECT seq, type, id, version, deleted, value FROM entities
     WHERE service = :service AND owner = :user AND seq > :after AND seq <= :until
    UNION ALL
    SELECT seq, type, id, version, deleted, value FROM entities
     WHERE service = :service AND owner IS NULL AND seq > :after AND seq <= :until
    UNION ALL
    SELECT seq, type, id, version, deleted, value FROM history
     WHERE service = :service AND (owner = :user OR owner IS NULL)
       AND seq > :after AND seq <= :until AND superseded_by > :until
) {live} ORDER BY seq LIMIT :limit
"""


def pull_page(
    store: SandboxStore, service: str, user: str, cursor: Cursor | None, limit: int
) -> dict[str, Any]:
    """One page of the snapshot at the chain's upper bound, read in one read transaction: a
    chain of pages returns each entity at most once, as it was when the chain started."""
    conn = store.conn
    conn.execute("BEGIN")
    try:
        today = store.today().isoformat()
        server_time = rfc3339(store.server_time())
        after = cursor.seq if cursor else 0
        until = cursor.until if cursor and cursor.until else None
        if until is None:
            until = max(
                conn.execute(
                    "SELECT coalesce(max(seq), 0) FROM entities WHERE service = ? AND owner = ?",
                    (service, user),
                ).fetchone()[0],
                conn.execute(
                    "SELECT coalesce(max(seq), 0) FROM entities WHERE service = ? "
                    "AND owner IS NULL",
                    (service,),
                ).fetchone()[0],
            )
        sql = _PAGE_SQL.format(live="" if cursor else "WHERE deleted = 0")
        rows = conn.execute(
            sql,
            {"service": service, "user": user, "after": after, "until": until, "limit": limit + 1},
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
        next_cursor = Cursor(service, max(after, until, counter_seq), 0, today)
    return {
        "cursor": store.encode_cursor(next_cursor),
        "has_more": has_more,
        "server_time": server_time,
        "today": today,
        "last_mutation_ids": {c[0]: c[1] for c in counters},
        "changes": changes,
    }
