"""The claim state machine, as configuration: which status may follow which.

    submitted -> in_review -> approved -> remedy_in_progress -> resolved -> closed
                          \\-> rejected -> closed
    remedy_in_progress -> approved   (the remedy failed: choose another, e.g. a second-tier one)

Every move goes through services._move(), which refuses anything not listed here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.aftercare.claims.models import ClaimStatus as S
from postventa.core.errors import Conflict

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.REMEDY_IN_PROGRESS}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.REMEDY_IN_PROGRESS: frozenset({S.RESOLVED, S.APPROVED}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# The event emitted when a claim enters each status.
EVENT_FOR = {
    S.SUBMITTED: "claim.submitted",
    S.IN_REVIEW: "claim.in_review",
    S.APPROVED: "claim.approved",
    S.REJECTED: "claim.rejected",
    S.RESOLVED: "claim.resolved",
    S.CLOSED: "claim.closed",
}


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def check(from_status: str, to_status: str) -> None:
    """Raise Conflict (409) with a sentence when `to_status` may not follow `from_status`."""
    if to_status not in S.values:
        raise Conflict(
            _("“%(status)s” is not a claim status.") % {"status": str(to_status)[:40]}, code="unknown_status"
        )
    if not allowed(from_status, to_status):
        raise Conflict(
            _("A claim that is “%(from)s” cannot become “%(to)s”.")
            % {"from": S(from_status).label, "to": S(to_status).label},
            code="illegal_transition",
        )


def next_statuses(status: str) -> list[str]:
    order = list(S.values)
    return sorted(TRANSITIONS.get(status, frozenset()), key=order.index)
