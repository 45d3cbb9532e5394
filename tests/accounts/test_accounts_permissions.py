"""The role -> permission matrix, and how token scopes narrow it."""

from __future__ import annotations

import pytest

from postventa.core.errors import PermissionDenied
from postventa.core.permissions import ALL_PERMISSIONS, can, has_scope, permissions_of, require

# permission: (admin, supervisor, agent, analyst)
MATRIX = {
    "customers.view": (True, True, True, True),
    "customers.change": (True, True, True, False),
    "customers.erase": (True, True, False, False),
    "orders.change": (True, True, True, False),
    "orders.import": (True, True, False, False),
    "segments.change": (True, True, False, True),
    "users.manage": (True, False, False, False),
    "teams.manage": (True, True, False, False),
    "tokens.manage": (True, True, False, False),
    "webhooks.manage": (True, False, False, False),
    "audit.view": (True, False, False, False),
    "analytics.view": (True, True, False, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_role_matrix(make_user, permission):
    users = [make_user(f"u-{role}", role=role) for role in ("admin", "supervisor", "agent", "analyst")]
    assert tuple(can(u, permission) for u in users) == MATRIX[permission]


@pytest.mark.django_db
def test_admin_role_holds_every_permission_and_inactive_users_none(make_user):
    admin = make_user("boss", role="admin")
    assert permissions_of(admin) == ALL_PERMISSIONS
    admin.is_active = False
    assert permissions_of(admin) == frozenset()
    assert not can(admin, "customers.view")


@pytest.mark.django_db
def test_require_raises_permission_denied_with_the_permission(agent):
    with pytest.raises(PermissionDenied) as info:
        require(agent, "users.manage")
    assert info.value.extra == {"permission": "users.manage"}
    assert info.value.status == 403


@pytest.mark.django_db
def test_unknown_permission_is_a_programming_error(agent):
    with pytest.raises(ValueError):
        can(agent, "nonsense.do")


@pytest.mark.django_db
def test_token_scopes_narrow_the_role(admin_user):
    admin_user._api_scopes = frozenset({"customers:read", "accounts:write"})
    assert can(admin_user, "customers.view")
    assert not can(admin_user, "customers.change")  # needs customers:write
    assert not can(admin_user, "orders.view")
    # users/teams/tokens permissions share the "accounts" scope area; write implies read.
    assert can(admin_user, "users.manage")
    assert can(admin_user, "users.manage", scope="accounts:read")
    assert has_scope(admin_user, "accounts:read")
    admin_user._api_scopes = frozenset({"accounts:read"})
    assert not can(admin_user, "teams.manage")
    assert can(admin_user, "users.manage", scope="accounts:read")
