"""The sandbox's service routes: health (no token) and login."""

from typing import Any

from fastapi import APIRouter, Request

from alin_tui import protocol as p
from alin_tui.sandbox.errors import ERRORS, ApiError
from alin_tui.sandbox.store import SandboxStore, rfc3339

router = APIRouter(tags=["service"])


def _store(request: Request) -> SandboxStore:
    return request.app.state.store


@router.get("/health", response_model=p.Health)
def health(request: Request) -> dict[str, Any]:
    store = _store(request)
    return {
        "status": "ok",
        "server_time": rfc3339(store.server_time()),
        "today": store.today().isoformat(),
    }


@router.post(
    "/auth/token",
    response_model=p.TokenResponse,
    responses={401: ERRORS[401], 400: ERRORS[400], 422: ERRORS[422], 429: ERRORS[429]},
)
def token(body: p.TokenRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    wait = store.login_failures.wait(body.username)
    if wait is not None:  # guessing passwords: slowed down, even for the right one
        raise ApiError(
            429,
            "rate_limited",
            f"Trop d'essais de mot de passe : réessayez dans {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    if not store.check_password(body.username, body.password):
        store.login_failures.failed(body.username)
        raise ApiError(401, "invalid_credentials", "Identifiant ou mot de passe incorrect.")
    store.login_failures.forget(body.username)  # the right password: earlier slips forgotten
    tok, expires = store.issue_token(body.username)
    return {"token": tok, "expires_at": rfc3339(expires)}
