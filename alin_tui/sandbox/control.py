"""Sandbox control (`/sandbox/v1/…`, admin token): reset, clock, document review, national-side
edits, the situations of the April 2021 notice, application advances, offers, stats."""

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from alin_tui import protocol as p
from alin_tui.domain import applying
from alin_tui.domain.completeness import assess
from alin_tui.domain.documents import parse_pay_period, payslips_valid_until
from alin_tui.domain.entities import Slot
from alin_tui.sandbox.auth import Admin
from alin_tui.sandbox.errors import ERRORS, ApiError
from alin_tui.sandbox.rules import (
    apply_date_rules,
    claim_account,
    create_demand,
    ensure_date_rules,
    put_demand,
    radiate,
)
from alin_tui.sandbox.store import Entity, SandboxStore

router = APIRouter(
    prefix="/sandbox/v1",
    tags=["sandbox"],
    responses={401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResetRequest(_Strict):
    seed: int | None = None


class ResetResponse(BaseModel):
    today: dt.date
    seed: int


class ClockRequest(_Strict):
    advance_days: int = Field(ge=0, le=3650)


class ClockResponse(BaseModel):
    today: dt.date


class ReviewRequest(_Strict):
    state: Literal["accepted", "rejected", "expired", "missing", "received"]
    reason: Annotated[str, Field(max_length=500)] | None = None
    valid_until: dt.date | None = None
    # Payslips: the month of the latest slip, `YYYY-MM`; their validity runs from it.
    pay_period: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None


class EntityResponse(BaseModel):
    id: str
    version: int
    value: dict[str, Any]


class DemandEditRequest(_Strict):
    username: str
    fields: dict[str, Any]


class UsernameRequest(_Strict):
    username: str


class AdvanceRequest(_Strict):
    to: str | None = None


class DecideRequest(_Strict):
    """The landlord's commission (CALEOL) on an examined application: `attribution` (accepted,
    rank 1), `rank` with `rank` 2 or 3 (stays examined, ranked), `non_attribution` (refused),
    `inadmissible` (refused, and the demand radiated: RADIRR). `rank` goes with `rank` only."""

    decision: Literal["attribution", "rank", "non_attribution", "inadmissible"]
    rank: Annotated[int, Field(ge=2, le=3, strict=True)] | None = Field(
        default=None, description="2 ou 3, avec la décision « rank » seulement"
    )

    @model_validator(mode="after")
    def _rank_goes_with_rank(self) -> "DecideRequest":
        if self.decision == "rank" and self.rank is None:
            raise ValueError("la décision « rank » demande un rang (2 ou 3)")
        if self.decision != "rank" and self.rank is not None:
            raise ValueError("seule la décision « rank » prend un rang")
        return self


class ApplicationResponse(BaseModel):
    id: str
    offer_id: str
    status: str
    rank: int | None = None
    created_at: str | None = None


class OfferRequest(_Strict):
    # Checked by the route itself (so that a 422 names the field, in words); documented as the
    # offer it must be.
    fields: Annotated[
        dict[str, Any],
        WithJsonSchema(
            {
                **p.OfferValue.model_json_schema(),
                "title": "OfferFields",
                "additionalProperties": True,
            }
        ),
    ]


class StatsApplication(BaseModel):
    username: str
    offer_id: str
    count: int


class StatsResponse(BaseModel):
    mutations: dict[str, int]
    applications: list[StatsApplication]


def _store(request: Request) -> SandboxStore:
    return request.app.state.store


def _application(store: SandboxStore, conn, application_id: str) -> Entity:
    """The application a control route acts on, or 404."""
    app = store.get(conn, "application", application_id)
    if app is None or app.deleted:
        raise ApiError(404, "not_found", "Cette candidature n'existe pas.")
    return app


def _view(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "version": e.version, "value": e.value}


def _known_user(store: SandboxStore, username: str) -> None:
    if not store.user_exists(username):
        raise ApiError(404, "not_found", f"Utilisateur inconnu : {username}.")


@router.post("/reset", response_model=ResetResponse, summary="Reconstruit les données")
def reset(
    _: Admin, request: Request, body: Annotated[ResetRequest | None, Body()] = None
) -> dict[str, Any]:
    from alin_tui.sandbox.seed import seed

    store = _store(request)
    seed_value = (
        body.seed if body and body.seed is not None else int(request.app.state.default_seed)
    )
    start = dt.date.fromisoformat(store.meta("start_day") or dt.date.today().isoformat())
    seed(store, seed=seed_value, offers=int(store.meta("offers") or 0), start_day=start)
    store.login_failures.clear()  # a fresh demo: nobody is held back by earlier guesses
    store.unknown_numbers.clear()
    return {"today": store.today(), "seed": seed_value}


@router.post("/clock", response_model=ClockResponse, summary="Avance l'horloge du bac à sable")
def clock(_: Admin, body: ClockRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    with store.write() as conn:
        shift = int(store.meta("shift_days", "0") or 0) + body.advance_days
        store.set_meta("shift_days", shift, conn)
        apply_date_rules(store, conn, store.today())
    return {"today": store.today()}


@router.post(
    "/documents/{slot_id}/review",
    response_model=EntityResponse,
    responses={404: ERRORS[404]},
    summary="Acceptation ou refus d'une pièce",
)
def review(_: Admin, slot_id: str, body: ReviewRequest, request: Request) -> dict[str, Any]:
    if body.state == "rejected" and not (body.reason or "").strip():
        raise ApiError(422, "invalid_request", "Un refus doit donner un motif (reason).")
    store = _store(request)
    ensure_date_rules(store)
    with store.write() as conn:
        slot = store.get(conn, "document", slot_id)
        if slot is None or slot.deleted:
            raise ApiError(404, "not_found", f"Pièce inconnue : {slot_id}.")
        value = {
            **slot.value,
            "state": body.state,
            "reason": body.reason if body.state == "rejected" else None,
        }
        if body.pay_period is not None and slot.value.get("kind") == "payslips":
            period = parse_pay_period(body.pay_period)
            value["pay_period"] = body.pay_period
            value["valid_until"] = payslips_valid_until(period).isoformat()
        if body.valid_until is not None:
            value["valid_until"] = body.valid_until.isoformat()
        elif body.state == "missing":
            value["valid_until"] = None
        store.update(conn, slot, value)
        return _view(store.get(conn, "document", slot_id))


@router.post(
    "/demand/edit",
    response_model=EntityResponse,
    responses={404: ERRORS[404]},
    summary="Modification faite sur le fichier national, hors de l'application",
)
def demand_edit(_: Admin, body: DemandEditRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    _known_user(store, body.username)
    forbidden = {"nur", "version"} & set(body.fields)
    if forbidden:
        raise ApiError(
            422, "invalid_request", "Le numéro unique et la version ne se modifient pas."
        )
    ensure_date_rules(store)
    with store.write() as conn:
        demand = store.get(conn, "demand", f"dem-{body.username}")
        if demand is None:
            raise ApiError(404, "not_found", f"{body.username} n'a pas de demande.")
        merged = {**demand.value, **body.fields}
        try:
            p.DemandValue.model_validate(merged)
        except ValidationError as exc:
            raise ApiError(
                422, "invalid_request", f"Champs invalides : {exc.error_count()} erreur(s)."
            ) from exc
        unknown = set(body.fields) - set(p.DemandValue.model_fields)
        if unknown:
            raise ApiError(422, "invalid_request", f"Champs inconnus : {sorted(unknown)}.")
        put_demand(store, conn, demand, merged)
        return _view(store.get(conn, "demand", demand.id))


@router.post(
    "/demand/create",
    response_model=EntityResponse,
    responses={404: ERRORS[404]},
    summary="Situation 1 : demande créée sur le fichier national",
)
def demand_create(_: Admin, body: UsernameRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    _known_user(store, body.username)
    today = ensure_date_rules(store)
    with store.write() as conn:
        demand = store.get(conn, "demand", f"dem-{body.username}")
        if demand is not None and demand.value.get("status") == "active":
            raise ApiError(422, "invalid_request", "Cet utilisateur a déjà une demande active.")
        return _view(create_demand(store, conn, body.username, today))


@router.post(
    "/account/claim",
    response_model=EntityResponse,
    responses={404: ERRORS[404]},
    summary="Situation 2 : compte national créé pour le numéro obtenu sur AL-in",
)
def account_claim(_: Admin, body: UsernameRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    _known_user(store, body.username)
    today = ensure_date_rules(store)
    with store.write() as conn:
        existing = store.get(conn, "demand", f"dem-{body.username}")
        if existing is not None:
            raise ApiError(422, "invalid_request", "Ce compte national existe déjà.")
        demand = claim_account(store, conn, body.username, today)
        if demand is None:
            raise ApiError(
                422, "invalid_request", "Aucun numéro obtenu sur AL-in pour cet utilisateur."
            )
        return _view(demand)


NEXT = {"submitted": "transmitted", "transmitted": "examined", "examined": "accepted"}


@router.post(
    "/applications/{application_id}/advance",
    response_model=ApplicationResponse,
    responses={404: ERRORS[404], 409: ERRORS[409]},
    summary="Fait avancer une candidature (ou la refuse)",
)
def advance(
    _: Admin,
    application_id: str,
    request: Request,
    body: Annotated[AdvanceRequest | None, Body()] = None,
) -> dict[str, Any]:
    store = _store(request)
    today = ensure_date_rules(store)
    with store.write() as conn:
        app = _application(store, conn, application_id)
        status = app.value.get("status")
        if status not in applying.OPEN_STATUSES:
            raise ApiError(409, "not_advanceable", f"Statut final : {status}.")
        target = body.to if body and body.to else NEXT[status]
        if target not in (NEXT[status], "refused"):
            raise ApiError(
                422,
                "invalid_request",
                f"De {status}, seuls {NEXT[status]} ou refused sont possibles.",
            )
        if target == "transmitted":
            slots = [
                Slot.from_value(e.id, e.value) for e in store.owned(conn, app.owner, "document")
            ]
            result = assess(slots, today)
            if not result.complete:
                raise ApiError(
                    409,
                    "dossier_incomplete",
                    "Dossier incomplet : la candidature ne peut pas être transmise.",
                    missing=result.missing_slot_ids,
                )
        store.update(conn, app, {**app.value, "status": target})
        fresh = store.get(conn, "application", app.id)
        return {"id": fresh.id, **fresh.value}


DECISIONS = {
    "attribution": "accepted",
    "rank": "examined",
    "non_attribution": "refused",
    "inadmissible": "refused",
}


@router.post(
    "/applications/{application_id}/decide",
    response_model=ApplicationResponse,
    responses={404: ERRORS[404], 409: ERRORS[409]},
    summary="Décision de la commission d'attribution (CALEOL) sur une candidature examinée",
)
def decide(_: Admin, application_id: str, body: DecideRequest, request: Request) -> dict[str, Any]:
    store = _store(request)
    today = ensure_date_rules(store)
    with store.write() as conn:
        app = _application(store, conn, application_id)
        status = app.value.get("status")
        if status != "examined":
            raise ApiError(
                409,
                "not_examined",
                f"La commission ne décide que d'une candidature examinée (celle-ci : {status}).",
            )
        rank = {"attribution": 1, "rank": body.rank}.get(body.decision)
        store.update(conn, app, {**app.value, "status": DECISIONS[body.decision], "rank": rank})
        if body.decision == "inadmissible":
            demand = store.get(conn, "demand", f"dem-{app.owner}")
            if demand is not None and demand.value.get("status") == "active":
                radiate(store, conn, demand, "RADIRR", today)
        fresh = store.get(conn, "application", app.id)
        return {"id": fresh.id, **fresh.value}


_OFFER_TEXT = ("reference", "residence_title", "address", "commune", "postal_code", "department")
_OFFER_INTEGERS = ("floor", "rent_cents", "charges_cents")
_OFFER_REASONS = {
    "literal_error": "valeur non admise",
    "enum": "valeur non admise",
    "string_too_long": "texte trop long",
    "greater_than": "hors des bornes",
    "greater_than_equal": "hors des bornes",
    "less_than": "hors des bornes",
    "less_than_equal": "hors des bornes",
    "finite_number": "hors des bornes",
}


def _bad_offer(field: str, why: str) -> ApiError:
    return ApiError(422, "invalid_request", f"Offre invalide : « {field} » {why}.", field=field)


def _offer_value(fields: dict[str, Any]) -> dict[str, Any]:
    """The offer to store: every field of the entity but `lift` and `published_on` required, the
    first missing or wrong one named (PROTOCOL §6); text stored verbatim."""
    for name, info in p.OfferValue.model_fields.items():
        if info.is_required() and name not in fields:
            raise _bad_offer(name, "est obligatoire")
    for name in _OFFER_TEXT:
        if not isinstance(fields[name], str):
            raise _bad_offer(name, "doit être un texte")
    for name in _OFFER_INTEGERS:
        if isinstance(fields[name], bool) or not isinstance(fields[name], int):
            raise _bad_offer(name, "doit être un nombre entier")
    if isinstance(fields["surface_m2"], bool) or not isinstance(fields["surface_m2"], int | float):
        raise _bad_offer("surface_m2", "doit être un nombre")
    if "lift" in fields and not isinstance(fields["lift"], bool):
        raise _bad_offer("lift", "doit être true ou false")
    for name in ("available_on", "closes_on", "published_on"):
        if name in fields and fields[name] is not None and not isinstance(fields[name], str):
            raise _bad_offer(name, "doit être une date AAAA-MM-JJ")
    try:
        value = p.OfferValue.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "fields"
        why = _OFFER_REASONS.get(first.get("type", ""), "")
        if name in ("available_on", "closes_on", "published_on"):
            why = "doit être une date AAAA-MM-JJ"
        elif first.get("type") in ("literal_error", "enum"):
            allowed = p.OfferValue.model_json_schema()["properties"][name].get("enum", [])
            why = f"{why} (admises : {', '.join(map(str, allowed))})"
        raise _bad_offer(name, f": {why or 'valeur invalide'}") from exc
    stored = value.model_dump(mode="json")
    for key in ("reference", "residence_title", "address", "commune"):
        stored[key] = fields[key]  # verbatim, as the landlord typed it
    return stored


@router.post(
    "/offers",
    response_model=EntityResponse,
    status_code=201,
    responses={200: {"model": EntityResponse, "description": "Offre remplacée"}},
    summary="Crée une offre, ou remplace celle de même référence",
)
def offers(_: Admin, body: OfferRequest, request: Request, response: Response) -> dict[str, Any]:
    stored = _offer_value(dict(body.fields))
    store = _store(request)
    ensure_date_rules(store)
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM entities WHERE type = 'offer' AND deleted = 0 "
            "AND json_extract(value, '$.reference') = ?",
            (stored["reference"],),
        ).fetchone()
        if row:
            offer_id = row[0]
            response.status_code = 200
        else:
            number = int(store.meta("offer_seq", "0") or 0) + 1
            store.set_meta("offer_seq", number, conn)
            offer_id = f"of-x{number:06d}"
        store.put(conn, type_="offer", id_=offer_id, service="alin", owner=None, value=stored)
        return _view(store.get(conn, "offer", offer_id))


@router.get("/stats", response_model=StatsResponse, summary="Compteurs depuis le dernier reset")
def stats(_: Admin, request: Request) -> dict[str, Any]:
    conn = _store(request).conn
    return {
        "mutations": dict(conn.execute("SELECT name, count FROM stats_mutations").fetchall()),
        "applications": [
            {"username": u, "offer_id": o, "count": c}
            for u, o, c in conn.execute(
                "SELECT username, offer_id, count FROM stats_applications ORDER BY 1, 2"
            )
        ],
    }
