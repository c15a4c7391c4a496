"""Load benchmark of the sandbox: N concurrent clients pushing and pulling on loopback.

    python benchmarks/load.py [--clients 50] [--seconds 20] [--offers 5000]

Starts `alin-tui serve` in its own process on a free port, runs the clients for a bounded time,
then prints measured requests/s and latency percentiles, and checks through
GET /sandbox/v1/stats that no mutation was lost or applied twice (every client also resends its
last push once in a while, as a client whose answer was lost would). Exit 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

USERS = ["complet", "demo", "renouvellement", "foyer-03", "foyer-04", "foyer-05"]
ADMIN = "bench-admin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.ok = Counter()  # mutation name -> ok results seen by clients (first delivery only)
        self.created: Counter = Counter()  # (user, offer) -> ok creations seen


async def client(n: int, base: str, offers: list[str], deadline: float, t: Tally) -> None:
    user = USERS[n % len(USERS)]
    rng = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.post("/auth/token", json={"username": user, "password": user})
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        cursors: dict[str, str | None] = {"sne": None, "alin": None}
        next_id = 1
        last_push = None
        open_apps: list[str] = []
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.45:
                service = rng.choice(["sne", "alin"])
                params = {"limit": 500}
                if cursors[service]:
                    params["cursor"] = cursors[service]
                start = time.perf_counter()
                r = await http.get(f"/{service}/v1/sync/pull", params=params, headers=headers)
                t.latency["pull"].append(time.perf_counter() - start)
                if r.status_code != 200:
                    t.errors.append(f"pull {r.status_code} {r.text[:100]}")
                    continue
                cursors[service] = r.json()["cursor"]
                continue
            if roll < 0.55 and last_push is not None:
                # duplicate delivery of the last push: same answer, nothing applied again
                body, expected = last_push
                start = time.perf_counter()
                r = await http.post("/alin/v1/sync/push", json=body, headers=headers)
                t.latency["push-replay"].append(time.perf_counter() - start)
                if r.status_code != 200 or r.json()["results"] != expected:
                    t.errors.append(f"replay differs: {r.status_code} {r.text[:100]}")
                continue
            if open_apps and rng.random() < 0.5:
                mutation = {
                    "name": "application.withdraw",
                    "args": {"application_id": open_apps.pop()},
                }
            elif rng.random() < 0.5:
                mutation = {"name": "application.create", "args": {"offer_id": rng.choice(offers)}}
            else:
                mutation = {"name": "situation.refresh", "args": {}}
            body = {"client_id": f"bench-{n}", "mutations": [{"id": next_id, **mutation}]}
            start = time.perf_counter()
            r = await http.post("/alin/v1/sync/push", json=body, headers=headers)
            t.latency["push"].append(time.perf_counter() - start)
            if r.status_code != 200:
                t.errors.append(f"push {r.status_code} {r.text[:100]}")
                continue
            answer = r.json()
            result = answer["results"][0]
            if answer["last_mutation_id"] != next_id:
                t.errors.append(f"counter {answer['last_mutation_id']} != {next_id}")
            next_id += 1
            last_push = (body, answer["results"])
            if result["status"] == "ok":
                t.ok[mutation["name"]] += 1
                if mutation["name"] == "application.create":
                    open_apps.append(result["server_value"]["id"])
                    t.created[(user, mutation["args"]["offer_id"])] += 1


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


async def run(args: argparse.Namespace) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alin_tui",
                "serve",
                "--port",
                str(port),
                "--db",
                str(Path(tmp) / "bench.db"),
                "--offers",
                str(args.offers),
                "--admin-token",
                ADMIN,
                "--max-applications",
                "1000",
            ],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "ALIN_DATA_DIR": tmp},
        )
        try:
            for _ in range(400):
                try:
                    httpx.get(f"{base}/health")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            token = httpx.post(
                f"{base}/auth/token", json={"username": "complet", "password": "complet"}
            ).json()
            pulled = httpx.get(
                f"{base}/alin/v1/sync/pull",
                params={"limit": 1000},
                headers={"Authorization": f"Bearer {token['token']}"},
            ).json()
            offers = [
                c["id"]
                for c in pulled["changes"]
                if c["type"] == "offer" and c["value"]["status"] == "open"
            ]
            tally = Tally()
            started = time.monotonic()
            deadline = started + args.seconds
            await asyncio.gather(
                *(client(i, base, offers, deadline, tally) for i in range(args.clients))
            )
            elapsed = time.monotonic() - started
            stats = httpx.get(
                f"{base}/sandbox/v1/stats", headers={"Authorization": f"Bearer {ADMIN}"}
            ).json()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    total = sum(len(v) for v in tally.latency.values())
    print(f"clients {args.clients}, {elapsed:.1f} s, offers {args.offers}")
    print(f"requests {total}, {total / elapsed:.0f} requests/s")
    for kind, values in sorted(tally.latency.items()):
        print(
            f"  {kind:<12} n={len(values):>6}  p50 {pct(values, 0.5):6.1f} ms  "
            f"p95 {pct(values, 0.95):6.1f} ms  p99 {pct(values, 0.99):6.1f} ms  "
            f"mean {statistics.fmean(values) * 1000:6.1f} ms"
        )
    problems = list(tally.errors)
    for name, count in tally.ok.items():
        if stats["mutations"].get(name, 0) != count:
            problems.append(
                f"{name}: server counted {stats['mutations'].get(name, 0)}, clients saw {count} ok"
            )
    server_created = {(a["username"], a["offer_id"]): a["count"] for a in stats["applications"]}
    if server_created != dict(tally.created):
        problems.append("application creations differ between server and clients")
    if any(c != 1 for c in server_created.values()):
        problems.append("an application was created twice for one (user, offer)")
    print(f"mutations ok: {dict(tally.ok)}; server: {stats['mutations']}")
    print(f"errors: {len(problems)}")
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--offers", type=int, default=5000)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
