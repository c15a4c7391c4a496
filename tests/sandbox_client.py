"""A tiny helper over httpx for the sandbox tests: tokens per user, push, pull, control."""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

import httpx

PDF = b"%PDF-1.4\n" + b"0123456789abcdef" * 64 + b"\n%%EOF\n"


class Api:
    def __init__(self, base_url: str, admin_token: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.admin = {"Authorization": f"Bearer {admin_token}"}
        self._tokens: dict[str, str] = {}
        self._ids: dict[tuple[str, str, str], itertools.count] = {}

    def h(self, user: str) -> dict[str, str]:
        if user not in self._tokens:
            r = self.http.post("/auth/token", json={"username": user, "password": user})
            r.raise_for_status()
            self._tokens[user] = r.json()["token"]
        return {"Authorization": f"Bearer {self._tokens[user]}"}

    def push(
        self, user: str, service: str, mutations: list[dict[str, Any]], client: str = "c-test"
    ) -> httpx.Response:
        return self.http.post(
            f"/{service}/v1/sync/push",
            headers=self.h(user),
            json={"client_id": client, "mutations": mutations},
        )

    def one(
        self,
        user: str,
        service: str,
        name: str,
        args: dict[str, Any] | None = None,
        client: str = "c-test",
        **extra: Any,
    ) -> dict[str, Any]:
        """Push one mutation with the next id of this (user, service, client); its result."""
        key = (user, service, client)
        if key not in self._ids:
            self._ids[key] = itertools.count(self.last_id(user, service, client) + 1)
        mutation = {"id": next(self._ids[key]), "name": name, "args": args or {}, **extra}
        r = self.push(user, service, [mutation], client)
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def last_id(self, user: str, service: str, client: str) -> int:
        r = self.push(user, service, [], client)
        return r.json()["last_mutation_id"]

    def pull_all(self, user: str, service: str, limit: int = 1000) -> dict[str, dict]:
        out: dict[str, dict] = {}
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            body = self.http.get(
                f"/{service}/v1/sync/pull", params=params, headers=self.h(user)
            ).json()
            for c in body["changes"]:
                out[f"{c['type']}:{c['id']}"] = c
            cursor = body["cursor"]
            if not body["has_more"]:
                return out

    def entity(self, user: str, service: str, type_: str, id_: str) -> dict[str, Any]:
        return self.pull_all(user, service)[f"{type_}:{id_}"]["value"]

    def control(self, path: str, body: Any = None, method: str = "POST") -> httpx.Response:
        return self.http.request(method, f"/sandbox/v1/{path}", headers=self.admin, json=body)

    def upload(
        self,
        user: str,
        data: bytes = PDF,
        slot_id: str = "x",
        *,
        finish: bool = True,
        sha: str | None = None,
    ) -> str:
        meta = ",".join(
            f"{k} {base64.b64encode(v.encode()).decode()}"
            for k, v in {
                "filename": "piece.pdf",
                "slot_id": slot_id,
                "sha256": sha or hashlib.sha256(data).hexdigest(),
            }.items()
        )
        r = self.http.post(
            "/sne/v1/uploads",
            headers={
                **self.h(user),
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(len(data)),
                "Upload-Metadata": meta,
            },
        )
        assert r.status_code == 201, r.text
        location = r.headers["location"]
        body = data if finish else data[: len(data) // 2]
        r = self.http.patch(
            location,
            content=body,
            headers={
                **self.h(user),
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert r.status_code == 204, r.text
        return location.rsplit("/", 1)[1]
