"""Who may see and act on which ticket.

Agents see the tickets of their teams, tickets with no team, and tickets assigned to them.
Supervisors, admins (tickets.manage) and read-only analysts see every ticket. Token calls also
need the tickets:read / tickets:write scope (checked by `require`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from postventa.core.errors import NotFound
from postventa.core.permissions import can, require
from postventa.helpdesk.models import Ticket


def sees_all(user) -> bool:
    if user is None:
        return True  # the system itself (channels, tasks)
    if getattr(user, "is_superuser", False):
        return True
    if can(user, "tickets.manage", scope="tickets:read"):
        return True
    # Analysts read everything and change nothing.
    return can(user, "tickets.view") and not can(user, "tickets.change", scope="tickets:read")


def visible_q(user) -> Q:
    """The filter that limits tickets to those `user` may see (empty Q when all)."""
    if sees_all(user):
        return Q()
    from postventa.accounts.models import Team

    return (
        Q(team__isnull=True)
        | Q(team__in=Team.objects.filter(members=user).values("pk"))
        | Q(assignee_id=user.pk)
    )


def visible_tickets(user, qs: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """Tickets `user` may see; PermissionDenied without tickets.view."""
    if user is not None:
        require(user, "tickets.view")
    qs = Ticket.objects.all() if qs is None else qs
    return qs.filter(visible_q(user))


def can_see(user, ticket: Ticket) -> bool:
    if user is None or sees_all(user):
        return True
    if ticket.team_id is None or ticket.assignee_id == user.pk:
        return True
    return user.teams.filter(pk=ticket.team_id).exists()


def require_view(user, ticket: Ticket) -> None:
    """NotFound (not 403) for tickets outside the user's reach: their existence is not disclosed."""
    if user is None:
        return
    require(user, "tickets.view")
    if not can_see(user, ticket):
        raise NotFound(_("That ticket does not exist."))


def require_change(user, ticket: Ticket) -> None:
    if user is None:
        return
    require_view(user, ticket)
    require(user, "tickets.change")
