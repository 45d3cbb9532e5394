"""ASGI entry point, for WebSockets only (live chat). HTTP is served by WSGI: it is faster here.

Visitors' sockets check their Origin against the widget's allowed sites (in the consumer);
agents' sockets need the console session cookie and an Origin of this site's hosts.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postventa.settings")
django_asgi = get_asgi_application()  # sets Django up before the consumers import models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from postventa.messaging.chat import consumers  # noqa: E402


async def not_here(scope, receive, send):
    """Plain HTTP on the chat port: 404 (pages and the API are on the WSGI listener)."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Not found: this port serves chat WebSockets only.\n"})


async def lifespan(scope, receive, send):
    """Nothing to start or stop; answering keeps the server from logging a lifespan error."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": not_here,
        "lifespan": lifespan,
        "websocket": URLRouter(
            [
                path("ws/chat/<str:widget_key>/", consumers.VisitorConsumer.as_asgi()),
                path(
                    "ws/agent/",
                    AllowedHostsOriginValidator(AuthMiddlewareStack(consumers.AgentConsumer.as_asgi())),
                ),
            ]
        ),
    }
)
