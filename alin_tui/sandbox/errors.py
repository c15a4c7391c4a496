"""Errors of the sandbox: one JSON shape, `{"error": {"code", "message", …extra}}`."""

from typing import Any

from fastapi.responses import JSONResponse

from alin_tui import protocol as p


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers, self.extra = headers, extra


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers
    )


def _doc(text: str) -> dict[str, Any]:
    return {"model": p.ErrorBody, "description": text}


ERRORS: dict[int, dict[str, Any]] = {
    400: _doc("Corps ou paramètre mal formé (invalid_request)"),
    401: _doc(
        "Jeton absent, inconnu ou expiré (unauthorized) ; identifiants refusés "
        "(invalid_credentials)"
    ),
    403: _doc("Jeton d'utilisateur sur une route d'administration (forbidden)"),
    404: _doc("Inconnu (not_found)"),
    409: _doc(
        "Conflit d'état (out_of_order, offset_mismatch, not_advanceable, dossier_incomplete, "
        "not_examined)"
    ),
    410: _doc("Disparu (reset, upload_expired)"),
    412: _doc("Version tus absente ou autre que 1.0.0 (tus_version)"),
    413: _doc("Trop volumineux (push_too_large, too_large)"),
    415: _doc("Type de contenu refusé (unsupported_media_type, unsupported_file_type)"),
    422: _doc("JSON valide mais de forme incorrecte (invalid_request)"),
    429: _doc("Trop d'essais manqués (rate_limited) : attendre Retry-After secondes"),
    460: _doc("Somme de contrôle du morceau incorrecte (checksum_mismatch)"),
    500: _doc("Erreur interne (internal) : jamais attendue"),
}
