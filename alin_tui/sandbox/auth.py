"""Who is calling: a user's bearer token, or the sandbox's admin token for the control routes."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from alin_tui.sandbox.errors import ApiError
from alin_tui.sandbox.store import SandboxStore

# Declared in the OpenAPI document as security schemes; the errors stay ours (401 JSON).
_user_scheme = HTTPBearer(
    auto_error=False, scheme_name="bearer", description="Jeton d'utilisateur (POST /auth/token)"
)
_admin_scheme = HTTPBearer(
    auto_error=False, scheme_name="admin", description="Jeton d'administration (alin-tui serve)"
)
Credentials = HTTPAuthorizationCredentials | None


def _bearer(credentials: Credentials) -> str:
    return credentials.credentials.strip() if credentials is not None else ""


def current_user(
    request: Request, authorization: Annotated[Credentials, Depends(_user_scheme)] = None
) -> str:
    """The caller's username from `Authorization: Bearer <token>`, else 401 `unauthorized`."""
    store: SandboxStore = request.app.state.store
    user = store.user_for_token(_bearer(authorization))
    if user is None:
        raise ApiError(401, "unauthorized", "Jeton absent, inconnu ou expiré : reconnectez-vous.")
    return user


def admin(
    request: Request, authorization: Annotated[Credentials, Depends(_admin_scheme)] = None
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
