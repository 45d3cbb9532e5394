"""The chat's WebSocket consumers: the visitor's widget and the agents' console.

Both speak JSON objects with a "type". Groups on the channel layer:
- chat.ticket.<id>: everyone in one conversation (the visitor's sockets, agents who joined);
- chat.session.<id>: one visitor's sockets (before the first message there is no ticket yet);
- chat.agents: every agent socket (the live chats list refreshes on its events).
Messages reach these groups from `publish` (a signal on the ticket message, after commit), so a
reply written over HTTP in another process arrives exactly like one written on a socket.
"""

from __future__ import annotations

import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _
from django.utils.translation import override

from postventa.core.errors import ApplicationError

log = logging.getLogger(__name__)

AGENTS_GROUP = "chat.agents"
MAX_FRAME = 16_000  # characters: a chat message is at most 4,000
TYPING_EVERY = 1.0  # seconds between two typing signals passed on


def ticket_group(ticket_id: int) -> str:
    return f"chat.ticket.{ticket_id}"


def session_group(session_id: int) -> str:
    return f"chat.session.{session_id}"


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _client_ip(scope) -> str:
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    """/ws/chat/<widget_key>/: the widget on the shop's site."""

    widget = None
    session = None
    language = "es"
    last_typing = 0.0

    async def connect(self):
        from postventa.messaging.chat import services

        key = self.scope["url_route"]["kwargs"].get("widget_key", "")
        try:
            self.widget = await database_sync_to_async(services.widget_by_key)(key)
        except ApplicationError:
            await self.close(code=4404)
            return
        if not self.widget.origin_allowed(_header(self.scope, b"origin")):
            log.info("chat: refused origin %r for widget %s", _header(self.scope, b"origin"), self.widget.pk)
            await self.close(code=4403)
            return
        await self.accept()

    async def disconnect(self, code):
        from postventa.messaging.chat import services

        if self.session is not None:
            await database_sync_to_async(services.session_seen)(session_id=self.session.pk, connected=-1)
            await self.channel_layer.group_discard(session_group(self.session.pk), self.channel_name)
            if self.session.ticket_id:
                await self.channel_layer.group_discard(
                    ticket_group(self.session.ticket_id), self.channel_name
                )
        forget = getattr(self.channel_layer, "forget", None)
        if forget:
            forget(self.channel_name)

    async def send_error(self, exc_or_text, code: str = "error"):
        detail = getattr(exc_or_text, "message", None) or str(exc_or_text)
        await self.send_json(
            {"type": "error", "code": getattr(exc_or_text, "code", code) or code, "detail": detail}
        )

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_error(_("Send a JSON object."), "bad_request")
            return
        kind = content.get("type")
        handler = {
            "start": self.on_start, "identify": self.on_identify, "message": self.on_message,
            "typing": self.on_typing, "ping": self.on_ping, "offline": self.on_offline,
        }.get(kind)  # fmt: skip
        if handler is None:
            await self.send_error(_("Unknown message type."), "bad_request")
            return
        if kind not in ("start", "offline") and self.session is None:
            await self.send_error(_("Start the chat first."), "not_started")
            return
        with override(self.language):
            try:
                await handler(content)
            except ApplicationError as exc:
                await self.send_error(exc)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if len(text_data or bytes_data or "") > MAX_FRAME:
            await self.send_error(_("The message is too long."), "body_too_long")
            return
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:  # not JSON
            await self.send_error(_("Send a JSON object."), "bad_request")

    # -- visitor actions -------------------------------------------------------------------------

    async def on_start(self, content):
        if self.session is not None:
            return
        # Every start may create a session row: a script opening sockets in a loop is stopped here.
        await database_sync_to_async(self._rate_limit)("chat-start", _client_ip(self.scope), 30, 60)
        self.language = "en" if str(content.get("lang") or "").lower().startswith("en") else "es"
        state = await database_sync_to_async(self._start)(content)
        await self.channel_layer.group_add(session_group(self.session.pk), self.channel_name)
        if self.session.ticket_id:
            await self.channel_layer.group_add(ticket_group(self.session.ticket_id), self.channel_name)
        await self.send_json(state)

    def _start(self, content) -> dict:
        from postventa.messaging.chat import selectors, services

        token = str(content.get("token") or "")[:100]
        self.session, token = services.session_start(
            widget=self.widget, token=token, page_url=str(content.get("page") or "")[:500],
            user_agent=_header(self.scope, b"user-agent"), language=self.language,
        )  # fmt: skip
        customer = self.session.customer
        return {
            "type": "session",
            "token": token,
            "online": selectors.widget_online(self.widget),
            "offline_form": self.widget.offline_form_enabled,
            "greeting": self.widget.greeting(self.language),
            "colour": self.widget.colour,
            "identified": customer is not None,
            "name": customer.display_name if customer else "",
            "history": selectors.history(self.session),
        }

    async def on_identify(self, content):
        from postventa.messaging.chat import services

        self.session = await database_sync_to_async(services.session_identify)(
            session=self.session, name=str(content.get("name") or ""), email=str(content.get("email") or "")
        )
        await self.send_json({"type": "identified", "name": self.session.customer.display_name})

    async def on_message(self, content):
        await database_sync_to_async(self._rate_limit)("chat-message", f"{self.session.pk}", 20, 60)
        had_ticket = self.session.ticket_id
        message = await database_sync_to_async(self._message)(str(content.get("text") or ""))
        # Like the widget (lastTyping = 0 on send): typing after a message is a new signal, passed on
        # even within TYPING_EVERY of the one before it (messages have their own rate limit).
        self.last_typing = 0.0
        if not had_ticket:
            await self.channel_layer.group_add(ticket_group(self.session.ticket_id), self.channel_name)
            # The first message was published before this socket joined the ticket's group.
            from postventa.messaging.chat.selectors import message_payload

            await self.send_json({"type": "message", **message_payload(message), "ref": content.get("ref")})
        else:
            await self.send_json({"type": "sent", "id": message.pk, "ref": content.get("ref")})

    def _message(self, text):
        from postventa.messaging.chat import services

        return services.visitor_message(session=self.session, text=text)

    def _rate_limit(self, scope: str, identity: str, limit: int, window: int) -> None:
        from postventa.core.ratelimit import hit

        hit(scope, identity, limit=limit, window_seconds=window)
        hit(f"{scope}-ip", _client_ip(self.scope), limit=limit * 5, window_seconds=window)

    async def on_typing(self, content):
        if not self.session.ticket_id:
            return  # no conversation yet: nobody to tell, and nothing to count against the throttle
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY:
            return  # the widget sends one every 2 s; more is noise for every agent in the group
        self.last_typing = now
        await self.channel_layer.group_send(
            ticket_group(self.session.ticket_id),
            {
                "type": "chat.typing",
                "from": "visitor",
                "ticket": self.session.ticket_id,
                "sender": self.channel_name,
            },
        )

    async def on_ping(self, content):
        from postventa.messaging.chat import services

        await database_sync_to_async(services.session_seen)(session_id=self.session.pk)
        await self.send_json({"type": "pong"})

    async def on_offline(self, content):
        from postventa.messaging.chat import services

        if str(content.get("website") or ""):
            # The honeypot field: a bot filled it. Answer as if it worked, keep nothing.
            await self.send_json({"type": "offline_sent"})
            return
        await database_sync_to_async(self._rate_limit)("chat-offline", _client_ip(self.scope), 5, 600)
        await database_sync_to_async(services.offline_message)(
            widget=self.widget, name=str(content.get("name") or ""), email=str(content.get("email") or ""),
            text=str(content.get("text") or ""), language=self.language, page_url=str(content.get("page") or ""),
        )  # fmt: skip
        await self.send_json({"type": "offline_sent"})

    # -- group events ----------------------------------------------------------------------------

    async def chat_message(self, event):
        if event["message"].get("internal"):
            return
        await self.send_json({"type": "message", **event["message"]})

    async def chat_typing(self, event):
        if event.get("from") == "agent":
            await self.send_json({"type": "typing", "from": "agent", "name": event.get("name", "")})

    async def chat_session(self, event):
        pass  # agents' list updates: not for visitors


class AgentConsumer(AsyncJsonWebsocketConsumer):
    """/ws/agent/: a signed-in agent's console (session cookie, via AuthMiddlewareStack)."""

    user = None

    async def connect(self):
        user = self.scope.get("user")
        allowed = await database_sync_to_async(self._allowed)(user)
        if not allowed:
            await self.close(code=4401)
            return
        self.user = user
        self.joined: set[int] = set()
        await self.channel_layer.group_add(AGENTS_GROUP, self.channel_name)
        await self.accept()

    @staticmethod
    def _allowed(user) -> bool:
        from postventa.core.permissions import can

        return bool(user and user.is_authenticated and user.is_active and can(user, "tickets.view"))

    async def disconnect(self, code):
        if self.user is None:
            return
        await self.channel_layer.group_discard(AGENTS_GROUP, self.channel_name)
        for ticket_id in self.joined:
            await self.channel_layer.group_discard(ticket_group(ticket_id), self.channel_name)
        forget = getattr(self.channel_layer, "forget", None)
        if forget:
            forget(self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {
            "join": self.on_join,
            "leave": self.on_leave,
            "typing": self.on_typing,
            "reply": self.on_reply,
        }.get(kind)
        if handler is None:
            await self.send_json(
                {"type": "error", "code": "bad_request", "detail": _("Unknown message type.")}
            )
            return
        try:
            ticket_id = int(content.get("ticket"))
        except (TypeError, ValueError):
            await self.send_json({"type": "error", "code": "bad_request", "detail": _("Which ticket?")})
            return
        try:
            await handler(ticket_id, content)
        except ApplicationError as exc:
            await self.send_json(
                {"type": "error", "code": exc.code or "error", "detail": exc.message, "ticket": ticket_id}
            )

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:
            await self.send_json({"type": "error", "code": "bad_request", "detail": _("Send a JSON object.")})

    def _ticket(self, ticket_id: int, *, change: bool = False):
        from postventa.core.errors import NotFound
        from postventa.helpdesk import access
        from postventa.helpdesk.models import Ticket

        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None:
            raise NotFound(_("That ticket does not exist."))
        (access.require_change if change else access.require_view)(self.user, ticket)
        return ticket

    def _join(self, ticket_id: int) -> dict:
        from postventa.messaging.chat import selectors, services
        from postventa.messaging.chat.models import ChatSession

        ticket = self._ticket(ticket_id)
        session = ChatSession.objects.filter(ticket=ticket).order_by("-last_seen_at").first()
        if session is not None and session.is_open:
            services.mark_read(session_id=session.pk)
        return {
            "type": "joined",
            "ticket": ticket.pk,
            "live": bool(session and not services.session_left(session)),
            "history": selectors.history(session) if session else [],
        }

    async def on_join(self, ticket_id, content):
        state = await database_sync_to_async(self._join)(ticket_id)
        await self.channel_layer.group_add(ticket_group(ticket_id), self.channel_name)
        self.joined.add(ticket_id)
        await self.send_json(state)

    async def on_leave(self, ticket_id, content):
        self.joined.discard(ticket_id)
        await self.channel_layer.group_discard(ticket_group(ticket_id), self.channel_name)

    async def on_typing(self, ticket_id, content):
        if ticket_id not in self.joined:
            return
        await self.channel_layer.group_send(
            ticket_group(ticket_id),
            {"type": "chat.typing", "from": "agent", "ticket": ticket_id, "sender": self.channel_name,
             "name": self.user.first_name or self.user.get_username()},
        )  # fmt: skip

    def _reply(self, ticket_id: int, text: str):
        from postventa.helpdesk.services import reply

        ticket = self._ticket(ticket_id, change=True)
        return reply(ticket=ticket, acting_user=self.user, body=text, status=None)

    async def on_reply(self, ticket_id, content):
        text = str(content.get("text") or "")[:4000]
        message = await database_sync_to_async(self._reply)(ticket_id, text)
        await self.send_json(
            {"type": "sent", "id": message.pk, "ticket": ticket_id, "ref": content.get("ref")}
        )

    async def chat_message(self, event):
        await self.send_json({"type": "message", **event["message"]})

    async def chat_typing(self, event):
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "from": event.get("from"), "ticket": event.get("ticket"),
                                  "name": event.get("name", "")})  # fmt: skip

    async def chat_session(self, event):
        await self.send_json({"type": "session", **event.get("session", {})})
