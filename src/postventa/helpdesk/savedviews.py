"""Saved inbox views: personal ones for every agent, shared ones for supervisors (tickets.manage)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import NotFound, ValidationFailed
from postventa.core.permissions import can, require
from postventa.helpdesk.models import SavedView
from postventa.helpdesk.selectors import clean_filters

MAX_VIEWS_PER_USER = 50


def _name(value: str) -> str:
    name = " ".join((value or "").replace("\x00", "").split())[:80]
    if not name:
        raise ValidationFailed(_("Give the view a name."), code="name_missing")
    return name


def _filters(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationFailed(_("Filters must be an object."), code="bad_filters")
    return clean_filters(value)


def _get_own(acting_user, view_id: int) -> SavedView:
    view = SavedView.objects.filter(pk=view_id).first() if 0 < int(view_id) < 2**62 else None
    if view is None or view.user_id not in (None, acting_user.pk):
        raise NotFound(_("That view does not exist."))
    if view.user_id is None:
        require(acting_user, "tickets.manage")
    return view


@transaction.atomic
def saved_view_create(*, acting_user, name: str, filters: dict[str, Any], shared: bool = False) -> SavedView:
    require(acting_user, "tickets.view", scope="tickets:write")
    if shared:
        require(acting_user, "tickets.manage")
    elif SavedView.objects.filter(user=acting_user).count() >= MAX_VIEWS_PER_USER:
        raise ValidationFailed(_("You have too many saved views; delete one first."), code="too_many_views")
    view = SavedView.objects.create(
        user=None if shared else acting_user, name=_name(name), filters=_filters(filters)
    )
    if shared:
        audit.record(actor=acting_user, action="ticket_view.created", target=view)
    return view


@transaction.atomic
def saved_view_update(
    *, acting_user, view_id: int, name: str | None = None, filters: dict[str, Any] | None = None,
    position: int | None = None,
) -> SavedView:  # fmt: skip
    require(acting_user, "tickets.view", scope="tickets:write")
    view = _get_own(acting_user, view_id)
    if name is not None:
        view.name = _name(name)
    if filters is not None:
        view.filters = _filters(filters)
    if position is not None:
        if not 0 <= position <= 1000:
            raise ValidationFailed(_("The position must be between 0 and 1000."), code="bad_position")
        view.position = position
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, acting_user, view_id: int) -> None:
    require(acting_user, "tickets.view", scope="tickets:write")
    view = _get_own(acting_user, view_id)
    if view.user_id is None:
        audit.record(actor=acting_user, action="ticket_view.deleted", target=view)
    view.delete()


def can_share(user) -> bool:
    return can(user, "tickets.manage")
