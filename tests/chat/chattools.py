"""Socket helpers for the chat tests."""

from __future__ import annotations

import json

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

ORIGIN = "https://shop.example.com"


class WebsocketCommunicator(ApplicationCommunicator):
    """Channels' test communicator, minus its package import of daphne (not installed here)."""

    def __init__(self, application, path: str, headers=None):
        self.scope = {"type": "websocket", "path": path, "query_string": b"", "headers": headers or [],
                      "subprotocols": [], "client": ("127.0.0.1", 50000)}  # fmt: skip
        super().__init__(application, self.scope)

    async def connect(self, timeout: float = 2):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_from(self, timeout: float = 2) -> str:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return response["text"]

    async def disconnect(self, code: int = 1000, timeout: float = 2) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def visitor_socket(widget_key: str, origin: str = ORIGIN):

    from postventa.asgi import application

    headers = [(b"origin", origin.encode()), (b"user-agent", b"pytest")] if origin else []
    return WebsocketCommunicator(application, f"/ws/chat/{widget_key}/", headers=headers)


def session_cookie(user) -> str:
    """A real console session for `user` (call outside the async body)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def agent_socket(cookie: str):
    """An agent socket carrying a console session cookie (AuthMiddlewareStack reads it)."""
    from postventa.asgi import application

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", f"sessionid={cookie}".encode())]
    return WebsocketCommunicator(application, "/ws/agent/", headers=headers)


async def receive_type(comm, wanted: str, timeout: float = 3.0) -> dict:
    """The next frame of type `wanted`, skipping others (pongs, typing, list updates)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"no {wanted!r} frame within {timeout}s")
        frame = json.loads(await comm.receive_from(timeout=left))
        if frame.get("type") == wanted:
            return frame


def run(coro_fn):
    """Run an async test body the way Channels runs consumers (database calls in the main thread)."""
    return async_to_sync(coro_fn)()
