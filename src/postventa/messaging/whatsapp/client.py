"""The Cloud API over HTTP: send a message, fetch a media file. One error type for every failure.

Production talks to https://graph.facebook.com; the base URL comes from the account (an admin
setting), so tests point it at a local server speaking the same wire format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from postventa.messaging.whatsapp.models import WhatsAppAccount

TIMEOUT = (5, 20)  # (connect, read) seconds
# Meta's "Re-engagement message": more than 24 h since the customer's last message.
REENGAGEMENT_CODE = 131047


class CloudApiError(Exception):
    """The API refused or could not be reached. `retryable` when trying later may help."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.code = str(code or "")
        self.status = status
        self.retryable = retryable


@dataclass
class Media:
    content: bytes
    mime_type: str


def _headers(account: WhatsAppAccount) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.access_token}"}


def _error_from(response: requests.Response) -> CloudApiError:
    try:
        err = response.json().get("error") or {}
    except (ValueError, AttributeError):
        err = {}
    if not isinstance(err, dict):
        err = {}
    code = err.get("code", "")
    message = str(err.get("message") or response.reason or "HTTP error")[:1000]
    details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
    if details:
        message = f"{message}: {details}"[:1000]
    # 5xx and throttling (429, code 4/80007/130429) are worth another try; other 4xx are final.
    retryable = response.status_code >= 500 or response.status_code == 429 or code in (4, 80007, 130429)
    return CloudApiError(message, code=str(code), status=response.status_code, retryable=retryable)


def send(account: WhatsAppAccount, payload: dict[str, Any]) -> str:
    """POST /{phone_number_id}/messages; returns the wamid of the accepted message."""
    url = f"{account.api_root}/{account.phone_number_id}/messages"
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", **payload}
    try:
        response = requests.post(url, json=body, headers=_headers(account), timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise CloudApiError(f"Could not reach the WhatsApp API: {exc}"[:1000], retryable=True) from exc
    if response.status_code >= 400:
        raise _error_from(response)
    try:
        return str(response.json()["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CloudApiError("The WhatsApp API answered without a message id.", retryable=True) from exc


def text_payload(to: str, body: str) -> dict[str, Any]:
    return {"to": to, "type": "text", "text": {"preview_url": False, "body": body[:4096]}}


def media_kind(content_type: str) -> str:
    """The Cloud API message type for a file: images, audio and video play inline; the rest are documents."""
    if content_type in ("image/jpeg", "image/png"):
        return "image"
    if content_type.startswith("audio/"):
        return "audio"
    if content_type.startswith("video/"):
        return "video"
    return "document"


def media_payload(to: str, kind: str, media_id: str, *, filename: str = "") -> dict[str, Any]:
    part: dict[str, Any] = {"id": media_id}
    if kind == "document" and filename:
        part["filename"] = filename[:240]
    return {"to": to, "type": kind, kind: part}


def upload_media(account: WhatsAppAccount, *, filename: str, content_type: str, content: bytes) -> str:
    """POST /{phone_number_id}/media (multipart); returns the media id to send."""
    url = f"{account.api_root}/{account.phone_number_id}/media"
    try:
        response = requests.post(
            url,
            data={"messaging_product": "whatsapp", "type": content_type},
            files={"file": (filename, content, content_type)},
            headers=_headers(account),
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise CloudApiError(f"Could not reach the WhatsApp API: {exc}"[:1000], retryable=True) from exc
    if response.status_code >= 400:
        raise _error_from(response)
    try:
        return str(response.json()["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise CloudApiError("The WhatsApp API answered without a media id.", retryable=True) from exc


def template_payload(to: str, name: str, language: str, params: list[str]) -> dict[str, Any]:
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if params:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}
        ]
    return {"to": to, "type": "template", "template": template}


def fetch_media(account: WhatsAppAccount, media_id: str, *, max_bytes: int) -> Media:
    """GET /{media-id} for its URL, then the file itself (with the token), at most `max_bytes`."""
    try:
        meta = requests.get(f"{account.api_root}/{media_id}", headers=_headers(account), timeout=TIMEOUT)
        if meta.status_code >= 400:
            raise _error_from(meta)
        info = meta.json()
        url = info["url"]
        declared = int(info.get("file_size") or 0)
        if declared > max_bytes:
            raise CloudApiError(f"The file is too large ({declared} bytes).", code="too_large")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise CloudApiError("The media URL is not valid.", code="bad_url")
        with requests.get(url, headers=_headers(account), timeout=TIMEOUT, stream=True) as response:
            if response.status_code >= 400:
                raise _error_from(response)
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise CloudApiError(f"The file is larger than {max_bytes} bytes.", code="too_large")
                chunks.append(chunk)
            mime = info.get("mime_type") or response.headers.get("Content-Type", "")
            return Media(content=b"".join(chunks), mime_type=str(mime))
    except requests.RequestException as exc:
        raise CloudApiError(f"Could not download the media: {exc}"[:1000], retryable=True) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CloudApiError("The media description is not valid.", code="bad_media") from exc
