"""The sandbox's sync routes, pull and push for both services, over the functions that serve
them: `pull_page` (one page of a consistent snapshot) and `push_batch` (each mutation once, in
order, with its counter)."""

import json
import os
import signal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from alin_tui import protocol as p
from alin_tui.sandbox.auth import User
from alin_tui.sandbox.errors import ERRORS, ApiError
from alin_tui.sandbox.rules import RULES, Ctx, Rule, apply_mutation, ensure_date_rules
from alin_tui.sandbox.store import Cursor, SandboxStore, rfc3339

MAX_PUSH_MUTATIONS = 100
MAX_PUSH_BYTES = 256 * 1024

router = APIRouter()


def _tries_a_number(name: str) -> bool:
    return RULES.get(name, _NO_RULE).tries_a_number


_NO_RULE = Rule(handler=lambda ctx, args, base: {})


def _store(request: Request) -> SandboxStore:
    return request.app.state.store


def make_pull(service: str):
    def pull(
        request: Request,
        user: User,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
        limit: Annotated[
            str | None,
            Query(pattern=r"^[0-9]{1,9}$", description="entier ≥ 1, défaut 500, 1000 au plus"),
        ] = None,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Any:
        store = _store(request)
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
            push_batch, _store(request), service, user, body, request.app.state.max_applications
        )
        return JSONResponse(answer)

    push.__name__ = f"push_{service}"
    return push


for service in ("sne", "alin"):
    router.get(
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
    router.post(
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
            429: ERRORS[429],
        },
    )(make_push(service))


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
    if any(_tries_a_number(m.name) and m.id > last for m in mutations):
        wait = store.unknown_numbers.wait(user)
        if wait is not None:  # trying number after number: nothing of this push is applied
            raise ApiError(
                429,
                "rate_limited",
                f"Trop de numéros inconnus essayés : réessayez dans {wait} s.",
                headers={"Retry-After": str(wait)},
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
            if _tries_a_number(m.name) and result.get("code") == "nur_unknown":
                store.unknown_numbers.failed(user)
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
