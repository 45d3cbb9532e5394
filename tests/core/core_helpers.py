"""Shared helpers for tests/core: a real HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class HttpSink:
    """Answers every POST with `status` (a list is consumed one per request) and records it."""

    host: str
    port: int
    status: int | list[int] = 200
    requests: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hooks/postventa?src=test"

    def next_status(self) -> int:
        if isinstance(self.status, list):
            return self.status.pop(0) if len(self.status) > 1 else self.status[0]
        return self.status


@pytest.fixture
def http_sink():
    sink = HttpSink(host="127.0.0.1", port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            sink.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
            status = sink.next_status()
            answer = f'{{"ok": {str(status < 300).lower()}}}'.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
