"""The embed snippet of a widget: one script tag for the shop's pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

from postventa.messaging.chat.models import WidgetConfig


def socket_url(request=None) -> str:
    """Where browsers open chat sockets: CHAT_SOCKET_URL if set, else this host on CHAT_PORT."""
    explicit = getattr(settings, "CHAT_SOCKET_URL", "")
    if explicit:
        return explicit.rstrip("/")
    base = urlsplit(request.build_absolute_uri("/") if request is not None else settings.BASE_URL)
    scheme = "wss" if base.scheme == "https" else "ws"
    return f"{scheme}://{base.hostname}:{settings.CHAT_PORT}"


def script_url(request=None) -> str:
    path = static("postventa/chat/widget.js")
    if path.startswith("http"):
        return path
    origin = request.build_absolute_uri("/").rstrip("/") if request is not None else settings.BASE_URL
    return f"{origin}{path}"


def snippet(widget: WidgetConfig, request=None) -> str:
    return format_html(
        '<script src="{}" data-widget="{}" data-socket="{}" async></script>',
        script_url(request),
        widget.key,
        socket_url(request),
    )
