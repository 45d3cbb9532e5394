"""The embedded channel layer: a reply sent by another OS process reaches a socket held here."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time

from chattools import ORIGIN, receive_type, run, visitor_socket

# What the WSGI process does when an agent replies over HTTP: receivers._send -> async_to_sync(group_send).
SENDER = textwrap.dedent(
    """
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "postventa.settings"
    django.setup()
    from django.conf import settings
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "postventa.messaging.chat.layers.SQLiteChannelLayer", "CONFIG": {"path": sys.argv[1]}}}
    from postventa.messaging.chat.receivers import _send
    _send(sys.argv[2], {"type": "chat.message", "message": {
        "id": 999, "ticket": int(sys.argv[3]), "text": "from pid %d" % os.getpid(), "from": "agent",
        "author": "Alex", "at": "2026-01-01T00:00:00+00:00"}})
    print(os.getpid())
    """
)


def test_group_send_from_another_process_reaches_the_socket(widget, available_agent, layer_path):
    async def body():
        comm = visitor_socket(widget.key)
        await comm.connect()
        await comm.send_json_to({"type": "start", "lang": "en"})
        await receive_type(comm, "session")
        await comm.send_json_to({"type": "identify", "name": "Lucía", "email": "lucia@example.com"})
        await receive_type(comm, "identified")
        await comm.send_json_to({"type": "message", "text": "hello"})
        first = await receive_type(comm, "message")
        group = f"chat.ticket.{first['ticket']}"
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SENDER, layer_path, group, str(first["ticket"]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
        )  # fmt: skip
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()[-2000:]
        pushed = await receive_type(comm, "message", timeout=5)
        latency = time.monotonic() - started
        await comm.disconnect()
        return int(out.decode().split()[-1]), pushed, latency

    pid, pushed, _latency = run(body)
    assert pid != os.getpid()
    assert pushed["text"] == f"from pid {pid}" and pushed["from"] == "agent"


def test_layer_basics_across_instances(tmp_path):
    """Two layer objects on one file behave like two processes: send/receive, groups, expiry."""
    from postventa.messaging.chat.layers import SQLiteChannelLayer

    path = str(tmp_path / "l.sqlite3")

    async def body():
        a = SQLiteChannelLayer(path=path, poll_interval=0.01, expiry=1)
        b = SQLiteChannelLayer(path=path, poll_interval=0.01)
        channel = await a.new_channel()
        await b.send(channel, {"type": "x", "n": 1})
        got = await asyncio.wait_for(a.receive(channel), 2)
        await a.group_add("g", channel)
        await b.group_send("g", {"type": "y"})
        grouped = await asyncio.wait_for(a.receive(channel), 2)
        await a.group_discard("g", channel)
        await b.group_send("g", {"type": "z"})
        await b.send("plain.channel", {"type": "direct"})
        direct = await asyncio.wait_for(a.receive("plain.channel"), 2)
        try:
            await asyncio.wait_for(a.receive(channel), 0.3)
            leaked = True
        except TimeoutError:
            leaked = False
        # An expired message is never delivered.
        await a.send("old.channel", {"type": "stale"})
        await asyncio.sleep(1.1)
        await b.send("old.channel", {"type": "fresh"})
        fresh = await asyncio.wait_for(b.receive("old.channel"), 2)
        await a.close()
        await b.close()
        return got, grouped, direct, leaked, fresh

    got, grouped, direct, leaked, fresh = run(body)
    assert got == {"type": "x", "n": 1} and grouped == {"type": "y"} and direct == {"type": "direct"}
    assert leaked is False
    assert fresh == {"type": "fresh"}


def test_origin_helper():
    from postventa.messaging.chat.models import origin_of

    assert origin_of("HTTPS://Shop.Example.com:8443/p?q=1") == "https://shop.example.com:8443"
    assert origin_of(ORIGIN + "/") == ORIGIN
    assert origin_of("javascript:alert(1)") == ""
    assert origin_of("null") == ""
