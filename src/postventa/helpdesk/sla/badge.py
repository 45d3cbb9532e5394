"""What an SLA badge says about a ticket, from the ticket's own SLA columns only (no query)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils.translation import gettext as _

PAUSED = ("pending", "on_hold")
DONE = ("solved", "closed")
WARN_WITHIN = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Badge:
    state: str  # "due", "soon", "breached", "paused", "met", "missed"
    tone: str  # a css badge tone: ok, warn, danger, info or ""
    text: str
    due_at: dt.datetime | None = None
    metric: str = ""


def duration_text(delta: dt.timedelta) -> str:
    """ "2h 10m", "3d 4h", "5m": compact, for the inbox."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": mins}
    return _("%(m)sm") % {"m": mins}


def _next_due(ticket) -> tuple[str, dt.datetime] | None:
    candidates = []
    if ticket.first_response_at is None and ticket.first_response_due_at:
        candidates.append(("first_response", ticket.first_response_due_at))
    if ticket.next_response_due_at:
        candidates.append(("next_response", ticket.next_response_due_at))
    if ticket.resolution_due_at:
        candidates.append(("resolution", ticket.resolution_due_at))
    return min(candidates, key=lambda c: c[1]) if candidates else None


def badge_for(ticket, now: dt.datetime, *, warn_within: dt.timedelta = WARN_WITHIN) -> Badge | None:
    """None when no policy applies to the ticket."""
    if not getattr(ticket, "sla_policy_id", None):
        return None
    breached = bool(ticket.sla_first_response_breached or ticket.sla_resolution_breached)
    if ticket.status in DONE:
        return Badge("missed", "danger", _("SLA missed")) if breached else Badge("met", "ok", _("SLA met"))
    if ticket.status in PAUSED:
        return Badge("paused", "", _("paused"))
    nearest = _next_due(ticket)
    if nearest is None:
        return Badge("breached", "danger", _("breached")) if breached else None
    metric, due = nearest
    # Overdue running clock: breached. A target missed earlier but already answered shows in the
    # ticket's SLA panel; the badge points at what is due next.
    if due <= now:
        return Badge("breached", "danger", _("breached"), due, metric)
    text = _("due in %(time)s") % {"time": duration_text(due - now)}
    return Badge(
        "soon" if due - now <= warn_within else "due",
        "warn" if due - now <= warn_within else "info",
        text,
        due,
        metric,
    )
