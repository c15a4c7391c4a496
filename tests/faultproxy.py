"""A TCP fault proxy on loopback, between a real client and the real sandbox.

Modes (changeable while running): `pass`; `drop_responses` (the request reaches the server, which
applies it, and the answer is thrown away: the connection closes); `reset` (connections are reset
at once); `stall` (bytes are held, nothing moves); `cut:N` (the answer is cut after N bytes).
`latency` (seconds each way) and `bandwidth` (bytes/s) shape the link.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.mode = "pass"
        self.latency = 0.0
        self.bandwidth: float | None = None
        self.requests = 0
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                continue
            if self.mode == "reset":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        sent = 0
        try:
            while not self._stop.is_set():
                data = src.recv(65536)
                if not data:
                    break
                if upstream:
                    self.requests += 1
                while self.mode == "stall" and not self._stop.is_set():
                    time.sleep(0.05)
                if self.latency:
                    time.sleep(self.latency)
                if not upstream and self.mode == "drop_responses":
                    break  # the server answered; the client never hears it
                if not upstream and self.mode.startswith("cut:"):
                    limit = int(self.mode.split(":")[1])
                    data = data[: max(0, limit - sent)]
                    if not data:
                        break
                if self.bandwidth:
                    time.sleep(len(data) / self.bandwidth)
                dst.sendall(data)
                sent += len(data)
                if not upstream and self.mode.startswith("cut:") and sent >= limit:
                    break
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
