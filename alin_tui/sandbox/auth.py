"""Who is calling: a user's bearer token, or the sandbox's admin token for the control routes."""

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from alin_tui.sandbox.errors import ApiError
from alin_tui.sandbox.store import SandboxStore


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_user(
    request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> str:
    """The caller's username from `Authorization: Bearer <token>`, else 401 `unauthorized`."""
    store: SandboxStore = request.app.state.store
    user = store.user_for_token(_bearer(authorization))
    if user is None:
        raise ApiError(401, "unauthorized", "Jeton absent, inconnu ou expiré : reconnectez-vous.")
    return user


def admin(
    request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> None:
    """The admin token; a user's token gets 403, anything else 401."""
    token = _bearer(authorization)
    if token and hmac.compare_digest(token, request.app.state.admin_token):
        return
    store: SandboxStore = request.app.state.store
    if store.user_for_token(token) is not None:
        raise ApiError(403, "forbidden", "Route réservée à l'administration du bac à sable.")
    raise ApiError(401, "unauthorized", "Jeton d'administration absent ou inconnu.")


User = Annotated[str, Depends(current_user)]
Admin = Annotated[None, Depends(admin)]
