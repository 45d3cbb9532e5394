"""REST endpoints of this app (mounted in postventa.api at /api/v1/accounts)."""

from __future__ import annotations

from django.conf import settings
from ninja import Query, Router, Status

from postventa.accounts import selectors, services
from postventa.accounts.models import User
from postventa.accounts.schemas import AvailabilityIn, MeOut, TeamIn, TeamOut, TeamPage, UserPage
from postventa.core.pagination import keyset_page
from postventa.core.permissions import permissions_of, require, require_scope

router = Router(tags=["accounts"])


def _me(user: User) -> dict:
    scopes = getattr(user, "_api_scopes", None)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "role": user.role,
        "language": user.language,
        "time_zone": user.time_zone,
        "availability": user.availability,
        "permissions": sorted(permissions_of(user)),
        "scopes": sorted(scopes) if scopes is not None else None,
        "token_id": getattr(user, "_api_token_id", None),
    }


@router.get("/me", response=MeOut, summary="Who am I: role, permissions and token scopes")
def me(request):
    return _me(request.user)


@router.post(
    "/me/availability", response=MeOut, summary="Set my availability (available, busy, away, offline)"
)
def set_my_availability(request, payload: AvailabilityIn):
    require_scope(request.user, "accounts:write")
    services.user_set_availability(acting_user=request.user, availability=payload.availability)
    return _me(request.user)


def _user_out(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "language": user.language,
        "availability": user.availability,
        "capacity": user.capacity,
        "teams": list(user.teams.all()),
        "skills": list(user.skills.all()),
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


@router.get("/users", response=UserPage, summary="Staff users (needs users.manage and accounts:read)")
def list_users(
    request,
    cursor: str | None = None,
    page_size: int = Query(settings.API_PAGE_SIZE),
    role: str = "",
    q: str = "",
):
    require(request.user, "users.manage", scope="accounts:read")
    page = keyset_page(selectors.user_list(q=q[:100], role=role[:20]), cursor=cursor, page_size=page_size)
    return {"items": [_user_out(u) for u in page.items], "next_cursor": page.next_cursor}


@router.get("/teams", response=TeamPage, summary="Teams (any staff user; tokens need accounts:read)")
def list_teams(request, cursor: str | None = None, page_size: int = Query(settings.API_PAGE_SIZE)):
    require_scope(request.user, "accounts:read")
    page = keyset_page(selectors.team_list(), cursor=cursor, page_size=page_size)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/teams", response={201: TeamOut}, summary="Create a team (needs teams.manage and accounts:write)"
)
def create_team(request, payload: TeamIn):
    team = services.team_create(
        acting_user=request.user, name=payload.name, description=payload.description, email=payload.email
    )
    return Status(201, team)
