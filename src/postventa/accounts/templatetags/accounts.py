"""Template helpers for account pages."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def wait_minutes(value) -> str:
    """A cool-off timedelta as "15 minutes" (django-axes passes it to the locked-out page)."""
    if not isinstance(value, timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
