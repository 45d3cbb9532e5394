"""Template helpers shared by the console and the portal."""

from __future__ import annotations

from django import template

from postventa.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="EUR"):
    return format_money(amount, currency or "EUR")


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
