"""A local fake of Meta's WhatsApp Cloud API: a real HTTP server on 127.0.0.1.

It speaks the documented wire format: POST /{version}/{phone_number_id}/messages with a Bearer
token answers {"messages":[{"id":"wamid..."}]}; GET /{version}/{media_id} answers the media
description with a download URL; errors use {"error":{"message","type","code","fbtrace_id"}}.
Tests can make it refuse with 131047 (outside the 24 h window) or fail with a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "EAAG-test-token"
APP_SECRET = "app-secret-123"
VERIFY_TOKEN = "verify-me-please"
PHONE_NUMBER_ID = "106540352242922"


class FakeCloudApi:
    def __init__(self):
        self.requests: list[dict] = []
        self.fail_next: list[tuple[int, dict]] = []  # (status, error body) answered once each
        self.media: dict[str, tuple[bytes, str]] = {}
        self.uploads: list[bytes] = []  # raw multipart bodies of POST /media
        self.fail_after_ok = 0  # let this many messages through before answering fail_next
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def sent(self) -> list[dict]:
        return [r["json"] for r in self.requests if r["method"] == "POST" and r["path"].endswith("/messages")]

    def refuse_next(self, code: int = 131047, status: int = 400, message: str = "Re-engagement message"):
        self.fail_next.append(
            (status, {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Axyz"}})
        )

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                                 "code": 190, "fbtrace_id": "Aauth"}})  # fmt: skip
                    return False
                return True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.endswith("/media"):
                    fake.requests.append({"method": "POST", "path": self.path, "json": None,
                                          "auth": self.headers.get("Authorization")})  # fmt: skip
                    if not self._authorised():
                        return
                    if b'name="messaging_product"' not in raw or b'name="file"' not in raw:
                        return self._answer(400, {"error": {"message": "(#100) Param file is required", "code": 100}})
                    fake.uploads.append(raw)
                    return self._answer(200, {"id": f"media-{len(fake.uploads)}"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                fake.requests.append({"method": "POST", "path": self.path, "json": body,
                                      "auth": self.headers.get("Authorization")})  # fmt: skip
                if not self._authorised():
                    return
                parts = self.path.strip("/").split("/")
                if len(parts) != 3 or parts[2] != "messages" or parts[1] != PHONE_NUMBER_ID:
                    return self._answer(404, {"error": {"message": "Unknown path", "code": 100, "type": "GraphMethodException"}})
                if fake.fail_next and fake.fail_after_ok <= 0:
                    status, err = fake.fail_next.pop(0)
                    return self._answer(status, err)
                if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp" or not body.get("to"):
                    return self._answer(400, {"error": {"message": "(#100) Invalid parameter", "code": 100, "type": "OAuthException"}})
                fake.fail_after_ok -= 1
                wamid = "wamid." + uuid.uuid4().hex
                self._answer(200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                   "messages": [{"id": wamid}]})  # fmt: skip

            def do_GET(self):
                fake.requests.append({"method": "GET", "path": self.path, "auth": self.headers.get("Authorization")})
                if not self._authorised():
                    return
                parts = self.path.strip("/").split("/")
                if parts[0] == "download" and parts[1] in fake.media:
                    content, mime = fake.media[parts[1]]
                    return self._answer(200, content, content_type=mime)
                if len(parts) == 2 and parts[1] in fake.media:
                    content, mime = fake.media[parts[1]]
                    return self._answer(200, {"messaging_product": "whatsapp", "url": f"{fake.base_url}/download/{parts[1]}",
                                              "mime_type": mime, "sha256": hashlib.sha256(content).hexdigest(),
                                              "file_size": len(content), "id": parts[1]})  # fmt: skip
                self._answer(404, {"error": {"message": "Unsupported get request.", "code": 100, "type": "GraphMethodException"}})

        return Handler


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification(*, messages=(), statuses=(), wa_id="34600111222", name="Lucía Pérez", number_id=PHONE_NUMBER_ID) -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "34910000000", "phone_number_id": number_id},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]}


def text_message(body: str, *, wamid: str | None = None, wa_id="34600111222", timestamp: int | None = None) -> dict:
    import time

    return {"from": wa_id, "id": wamid or "wamid." + uuid.uuid4().hex, "timestamp": str(timestamp or int(time.time())),
            "type": "text", "text": {"body": body}}  # fmt: skip


