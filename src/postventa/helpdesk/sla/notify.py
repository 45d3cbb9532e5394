"""Emails to staff about SLA warnings and breaches (staff are not customers: plain Django mail)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from postventa.helpdesk.sla.models import Metric, TicketSla

log = logging.getLogger(__name__)


def recipients(ticket, policy, *, kind: str) -> list:
    """Who hears about it: for a warning the assignee first; else the policy's people, else the
    supervisors of the ticket's team, else every supervisor."""
    from postventa.accounts.models import User

    active = User.objects.filter(is_active=True).exclude(email="")
    if kind == "warning" and ticket.assignee_id:
        found = list(active.filter(pk=ticket.assignee_id))
        if found:
            return found
    if policy is not None:
        chosen = list(active.filter(pk__in=policy.notify_users.values("pk")))
        if chosen:
            return chosen
    supervisors = active.filter(role="supervisor")
    if ticket.team_id:
        in_team = list(supervisors.filter(teams=ticket.team_id))
        if in_team:
            return in_team
    return list(supervisors)


def _ticket_url(ticket) -> str:
    from postventa.helpdesk.services import ticket_link

    link = ticket_link(ticket)
    return f"{settings.BASE_URL}{link}" if link else ""


def send_once(payload: dict[str, Any], *, kind: str) -> int:
    """Send the warning/breach email of one clock cycle at most once. Returns emails sent."""
    from postventa.helpdesk.models import Ticket

    mark = "breach_sent_at" if kind == "breach" else "warning_sent_at"
    row = TicketSla.objects.select_related("policy").filter(pk=payload.get("sla_clock_id")).first()
    if row is None or row.cycle != payload.get("cycle", row.cycle):
        return 0
    # Claimed before sending: a crash after this line loses one email rather than repeating it.
    if TicketSla.objects.filter(pk=row.pk, **{f"{mark}__isnull": True}).update(**{mark: timezone.now()}) != 1:
        return 0
    ticket = Ticket.objects.select_related("team", "assignee").filter(pk=row.ticket_id).first()
    if ticket is None:
        return 0
    sent = 0
    for user in recipients(ticket, row.policy, kind=kind):
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            context = {
                "user": user,
                "ticket": ticket,
                "clock": row,
                "metric": Metric(row.metric).label,
                "url": _ticket_url(ticket),
                "actions": payload.get("actions") or {},
            }
            subject = " ".join(render_to_string(f"helpdesk_sla/email/{kind}-subject.txt", context).split())
            body = render_to_string(f"helpdesk_sla/email/{kind}-body.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
        message.extra_headers["Auto-Submitted"] = "auto-generated"
        message.send()
        sent += 1
    return sent
