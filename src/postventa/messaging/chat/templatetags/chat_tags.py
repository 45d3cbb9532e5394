"""{% chat_socket_url %}: where the console's agent.js opens its socket (the chat listener)."""

from django import template

from postventa.messaging.chat.snippets import socket_url

register = template.Library()


@register.simple_tag(takes_context=True)
def chat_socket_url(context) -> str:
    return socket_url(context.get("request"))
