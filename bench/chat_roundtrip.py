"""Live chat round trip on loopback: p50/p95/p99 through the real chat listener (granian ASGI).

    .venv/bin/python bench/chat_roundtrip.py [--replies 300] [--visitor-messages 90]

Starts `granian --interface asgi postventa.asgi:application` on a free port against the bench
database (var/bench/bench.sqlite3 unless DATABASE_URL is set), opens a visitor socket and an
agent socket (real console session cookie) and times three paths (target p95 <= 50 ms):
- visitor -> agent: the visitor's message is stored as a ticket message and reaches the agent;
- agent -> visitor (socket): the agent's reply (helpdesk reply service) reaches the visitor;
- agent -> visitor (HTTP path): the reply is written in THIS process, as the WSGI console would,
  and crosses processes through the embedded SQLite channel layer (or Redis when REDIS_URL is set).
Visitor messages are rate limited (20 a minute per chat, 100 per address), so that phase is small.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, bench_env, load_note, migrate_quietly, setup_django, summary_ms, table  # noqa: E402

ORIGIN = "http://127.0.0.1:8000"


class WS:
    """The smallest WebSocket client that works: text frames, client masking, no extensions."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, path: str, headers: dict[str, str]) -> WS:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]  # fmt: skip
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"handshake refused: {status[:200]!r}")
        return cls(reader, writer)

    async def send(self, obj: dict) -> None:
        data = json.dumps(obj).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    async def recv(self) -> dict:
        while True:
            head = await self.reader.readexactly(2)
            opcode, n = head[0] & 0x0F, head[1] & 0x7F
            if n == 126:
                n = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            payload = await self.reader.readexactly(n)
            if opcode == 0x8:
                raise ConnectionError("socket closed by the server")
            if opcode == 0x1:
                return json.loads(payload)

    async def recv_type(self, wanted: str, pred=None, timeout: float = 5.0) -> dict:
        async def loop():
            while True:
                frame = await self.recv()
                if frame.get("type") == wanted and (pred is None or pred(frame)):
                    return frame

        return await asyncio.wait_for(loop(), timeout)

    def close(self) -> None:
        self.writer.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare():
    """A widget, an available agent with a console session: (widget key, session cookie, agent)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from postventa.messaging.chat.models import WidgetConfig

    widget, _ = WidgetConfig.objects.get_or_create(
        name="Bench widget", defaults={"allowed_origins": [ORIGIN]}
    )
    user_model = get_user_model()
    agent = user_model.objects.filter(username="bench.chat").first()
    if agent is None:
        agent = user_model.objects.create_user(username="bench.chat", password="x-bench-x", role="agent")
    user_model.objects.filter(pk=agent.pk).update(availability="available")
    client = Client()
    client.force_login(agent)
    return widget.key, client.cookies["sessionid"].value, agent


async def visitor(port: int, key: str, n: int) -> tuple[WS, dict]:
    ws = await WS.open(port, f"/ws/chat/{key}/", {"Origin": ORIGIN})
    await ws.send({"type": "start", "lang": "en"})
    await ws.recv_type("session")
    await ws.send({"type": "identify", "name": "Bench Visitor", "email": f"bench.visitor{n}@example.com"})
    await ws.recv_type("identified")
    await ws.send({"type": "message", "text": "hello"})
    first = await ws.recv_type("message")
    return ws, first


async def run(
    port: int, key: str, cookie: str, agent, replies: int, visitor_messages: int
) -> dict[str, list[float]]:
    from asgiref.sync import sync_to_async

    from postventa.helpdesk.models import Ticket
    from postventa.helpdesk.services import reply

    results: dict[str, list[float]] = {"visitor -> agent": [], "agent -> visitor (socket)": [],
                                       "agent -> visitor (HTTP path, cross-process)": []}  # fmt: skip
    agent_ws = await WS.open(port, "/ws/agent/", {"Origin": ORIGIN, "Cookie": f"sessionid={cookie}"})
    stamp = int(time.time())
    vis, first = await visitor(port, key, stamp)
    ticket_id = first["ticket"]
    await agent_ws.send({"type": "join", "ticket": ticket_id})
    await agent_ws.recv_type("joined")

    sent = 0
    session_no = 0
    while sent < visitor_messages:
        if sent and sent % 15 == 0:  # a new chat every 15 messages: the per-chat limit is 20 a minute
            vis.close()
            session_no += 1
            vis, first = await visitor(port, key, stamp * 100 + session_no)
            ticket_id = first["ticket"]
            await agent_ws.send({"type": "join", "ticket": ticket_id})
            await agent_ws.recv_type("joined")
        text = f"v{sent}"
        t0 = time.perf_counter()
        await vis.send({"type": "message", "text": text})
        await agent_ws.recv_type("message", lambda f, t=text: f.get("text") == t)
        results["visitor -> agent"].append(time.perf_counter() - t0)
        sent += 1

    for i in range(replies):
        text = f"a{i}"
        t0 = time.perf_counter()
        await agent_ws.send({"type": "reply", "ticket": ticket_id, "text": text})
        await vis.recv_type("message", lambda f, t=text: f.get("text") == t)
        results["agent -> visitor (socket)"].append(time.perf_counter() - t0)

    ticket = await sync_to_async(Ticket.objects.get)(pk=ticket_id)
    for i in range(replies):
        text = f"h{i}"
        t0 = time.perf_counter()
        await sync_to_async(reply)(ticket=ticket, acting_user=agent, body=text, status=None)
        await vis.recv_type("message", lambda f, t=text: f.get("text") == t)
        results["agent -> visitor (HTTP path, cross-process)"].append(time.perf_counter() - t0)
    vis.close()
    agent_ws.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--visitor-messages", type=int, default=90)
    args = parser.parse_args()

    setup_django()
    migrate_quietly()
    key, cookie, agent = prepare()
    port = free_port()
    env = bench_env()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--no-access-log", "--log-level", "warning", "postventa.asgi:application"],
        env=env, cwd=str(ROOT),
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        results = asyncio.run(run(port, key, cookie, agent, args.replies, args.visitor_messages))
    finally:
        server.terminate()
        server.wait(10)

    from django.conf import settings

    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    rows = []
    for name, samples in results.items():
        s = summary_ms(samples)
        rows.append([name, len(samples), f"{s['p50']:.1f}", f"{s['p95']:.1f}", f"{s['p99']:.1f}"])
    print(f"Chat round trip on loopback (granian ASGI, 1 worker; layer {layer}; {load_note()})")
    print(table(["path", "n", "p50 ms", "p95 ms", "p99 ms"], rows))
    print("target: p95 <= 50 ms")


if __name__ == "__main__":
    main()
