"""{% load sla %}{% sla_badge ticket %}: the ticket's SLA state as a coloured badge (inbox, ticket page)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from postventa.helpdesk.sla.badge import badge_for

register = template.Library()


@register.inclusion_tag("console/sla/_badge.html")
def sla_badge(ticket, now=None):
    # Reads only the ticket's own columns: safe in a list of a hundred tickets (no query each).
    return {"badge": badge_for(ticket, now or timezone.now()), "ticket": ticket}


@register.inclusion_tag("console/sla/_ticket_panel.html")
def sla_panel(ticket, now=None):
    """The ticket page's SLA box: each clock with its due time, pause and outcome (one query)."""
    from postventa.helpdesk.sla.selectors import clocks_for

    now = now or timezone.now()
    return {"clocks": clocks_for(ticket), "ticket": ticket, "now": now, "badge": badge_for(ticket, now)}
