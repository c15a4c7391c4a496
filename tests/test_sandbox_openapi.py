"""The OpenAPI document is complete, and the server keeps to it: a bounded schemathesis run over
every operation, with auth, against the real server on loopback. `ALIN_SCHEMATHESIS_EXAMPLES`
raises the number of examples (see README: the longer run)."""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
# tus chunks: raw bytes as they are.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

EXAMPLES = int(os.environ.get("ALIN_SCHEMATHESIS_EXAMPLES", "12"))


def test_openapi_lists_every_route_of_the_protocol(sandbox) -> None:
    doc = httpx.get(f"{sandbox.url}/openapi.json").json()
    paths = doc["paths"]
    expected = {
        ("get", "/health"),
        ("post", "/auth/token"),
        ("get", "/sne/v1/sync/pull"),
        ("post", "/sne/v1/sync/push"),
        ("get", "/alin/v1/sync/pull"),
        ("post", "/alin/v1/sync/push"),
        ("options", "/sne/v1/uploads"),
        ("post", "/sne/v1/uploads"),
        ("head", "/sne/v1/uploads/{upload_id}"),
        ("patch", "/sne/v1/uploads/{upload_id}"),
        ("post", "/sandbox/v1/reset"),
        ("post", "/sandbox/v1/clock"),
        ("post", "/sandbox/v1/documents/{slot_id}/review"),
        ("post", "/sandbox/v1/demand/edit"),
        ("post", "/sandbox/v1/demand/create"),
        ("post", "/sandbox/v1/account/claim"),
        ("post", "/sandbox/v1/applications/{application_id}/advance"),
        ("post", "/sandbox/v1/offers"),
        ("get", "/sandbox/v1/stats"),
    }
    found = {(m, path) for path, ops in paths.items() for m in ops}
    assert expected <= found, expected - found
    schemes = doc["components"]["securitySchemes"]
    assert {"bearer", "admin"} <= set(schemes)
    push = paths["/sne/v1/sync/push"]["post"]
    assert push["security"] == [{"bearer": []}]
    assert {"409", "413", "422"} <= set(push["responses"])


@pytest.fixture
def api_schema(sandbox):
    return schemathesis.openapi.from_url(f"{sandbox.url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def tokens(sandbox) -> dict[str, str]:
    user = httpx.post(
        f"{sandbox.url}/auth/token", json={"username": "demo", "password": "demo"}
    ).json()["token"]
    return {"user": user, "admin": "admin-test"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_no_server_error_and_every_answer_fits_the_schema(case, tokens) -> None:
    token = tokens["admin"] if case.path.startswith("/sandbox/") else tokens["user"]
    if case.path.startswith("/sne/v1/uploads") and case.method != "OPTIONS":
        case.headers = {**(case.headers or {}), "Tus-Resumable": "1.0.0"}
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        # Found by a schemathesis run: metadata whose one key has no value is valid tus.
        ("POST", "/sne/v1/uploads", {"Upload-Length": "4", "Upload-Metadata": "0V"}),
        ("POST", "/sne/v1/uploads", {"Upload-Length": "0"}),
    ],
)
def test_a_created_upload_answers_with_no_body_as_documented(
    api_schema, tokens, method, path, headers
) -> None:
    case = api_schema[path][method].Case(headers={**headers, "Tus-Resumable": "1.0.0"})
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['user']}"}, checks=CHECKS
    )
    assert response.status_code == 201
    assert response.content == b""
    (location,) = response.headers["location"]
    head = api_schema["/sne/v1/uploads/{upload_id}"]["HEAD"].Case(
        path_parameters={"upload_id": location.rsplit("/", 1)[1]},
        headers={"Tus-Resumable": "1.0.0"},
    )
    answer = head.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['user']}"}, checks=CHECKS
    )
    assert answer.status_code == 200
    assert answer.headers["upload-offset"] == ["0"]
