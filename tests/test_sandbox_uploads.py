"""tus 1.0.0 uploads: creation, offsets, checksums, sniffing, limits, ownership, expiry."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.sandbox_client import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def _create(api, user="demo", length=None, **headers):
    length = len(PDF) if length is None else length
    meta = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {
            "filename": "p.pdf",
            "slot_id": "pj-demo-1-payslips",
            "sha256": hashlib.sha256(PDF).hexdigest(),
        }.items()
    )
    return api.http.post(
        "/sne/v1/uploads",
        headers={
            **api.h(user),
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(length),
            "Upload-Metadata": meta,
            **headers,
        },
    )


def _patch(api, location, body, offset, user="demo", **headers):
    return api.http.patch(
        location,
        content=body,
        headers={
            **api.h(user),
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            **headers,
        },
    )


def test_options_advertises_tus_without_authentication(api) -> None:
    r = api.http.options("/sne/v1/uploads")
    assert r.status_code == 204
    assert r.headers["tus-version"] == "1.0.0"
    assert set(r.headers["tus-extension"].split(",")) == {"creation", "checksum"}
    assert r.headers["tus-max-size"] == "10485760"


def test_every_other_request_needs_the_tus_version(api) -> None:
    r = api.http.post("/sne/v1/uploads", headers={**api.h("demo"), "Upload-Length": "10"})
    assert r.status_code == 412 and r.json()["error"]["code"] == "tus_version"
    r = _create(api, **{"Tus-Resumable": "0.2.2"})
    assert r.status_code == 412


def test_an_upload_resumes_from_the_servers_offset_with_chunk_checksums(api) -> None:
    r = _create(api)
    assert r.status_code == 201
    location = r.headers["location"]
    assert location.startswith("/sne/v1/uploads/")
    half = len(PDF) // 2
    digest = base64.b64encode(hashlib.sha256(PDF[:half]).digest()).decode()
    r = _patch(api, location, PDF[:half], 0, **{"Upload-Checksum": f"sha256 {digest}"})
    assert r.status_code == 204 and r.headers["upload-offset"] == str(half)
    head = api.http.head(location, headers={**api.h("demo"), "Tus-Resumable": "1.0.0"})
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (
        str(half),
        str(len(PDF)),
    )
    assert head.content == b""
    r = _patch(api, location, PDF[half:], 0)
    assert r.status_code == 409 and r.json()["error"]["code"] == "offset_mismatch"
    bad = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    r = _patch(api, location, PDF[half:], half, **{"Upload-Checksum": f"sha1 {bad}"})
    assert r.status_code == 460 and r.json()["error"]["code"] == "checksum_mismatch"
    r = _patch(api, location, PDF[half:] + b"extra", half)
    assert r.status_code == 413
    r = _patch(api, location, PDF[half:], half)
    assert r.status_code == 204 and r.headers["upload-offset"] == str(len(PDF))


@pytest.mark.parametrize("first", [PDF, PNG, JPEG])
def test_pdf_png_and_jpeg_are_accepted(api, first) -> None:
    location = _create(api, length=len(first)).headers["location"]
    assert _patch(api, location, first, 0).status_code == 204


def test_other_content_is_refused_by_its_bytes_not_its_name(api) -> None:
    location = _create(api, length=20).headers["location"]
    r = _patch(api, location, b"MZ\x90\x00 not a pdf....", 0)
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_file_type"
    head = api.http.head(location, headers={**api.h("demo"), "Tus-Resumable": "1.0.0"})
    assert head.headers["upload-offset"] == "0"  # chunk discarded


def test_limits_and_media_type(api) -> None:
    r = _create(api, length=10 * 1024 * 1024 + 1)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert _create(api, length=10 * 1024 * 1024).status_code == 201
    location = _create(api).headers["location"]
    r = api.http.patch(
        location,
        content=PDF,
        headers={
            **api.h("demo"),
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/pdf",
        },
    )
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"


def test_an_upload_belongs_to_its_creator(api) -> None:
    location = _create(api).headers["location"]
    head = api.http.head(location, headers={**api.h("complet"), "Tus-Resumable": "1.0.0"})
    assert head.status_code == 404
    assert _patch(api, location, PDF, 0, user="complet").status_code == 404


def test_unfinished_uploads_expire_after_a_day(api) -> None:
    location = _create(api).headers["location"]
    assert _patch(api, location, PDF[:100], 0).status_code == 204
    done = _create(api).headers["location"]
    assert _patch(api, done, PDF, 0).status_code == 204
    api.control("clock", {"advance_days": 2})
    r = _patch(api, location, PDF[100:], 100)
    assert r.status_code == 410 and r.json()["error"]["code"] == "upload_expired"
    head = api.http.head(done, headers={**api.h("demo"), "Tus-Resumable": "1.0.0"})
    assert head.status_code == 200
