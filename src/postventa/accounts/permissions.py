"""Roles as sets of permissions, checked in services (never only in views).

A permission is "<area>.<action>". API tokens additionally carry scopes "<area>:read|write";
a token call needs both the user's permission and the token's scope.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from postventa.accounts.models import Role
from postventa.core.errors import PermissionDenied

ALL_PERMISSIONS: frozenset[str] = frozenset(
    {
        "customers.view",
        "customers.change",
        "customers.merge",
        "customers.export",
        "customers.erase",
        "catalog.view",
        "catalog.change",
        "orders.view",
        "orders.change",
        "orders.import",
        "segments.change",
        "users.manage",
        "teams.manage",
        "tokens.manage",
        "webhooks.manage",
        "audit.view",
        "analytics.view",
    }
)

_VIEW = {p for p in ALL_PERMISSIONS if p.endswith(".view")} - {"audit.view"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    Role.SUPERVISOR: frozenset(
        _VIEW
        | {
            "customers.change",
            "customers.merge",
            "customers.export",
            "customers.erase",
            "catalog.change",
            "orders.change",
            "orders.import",
            "segments.change",
            "teams.manage",
            "tokens.manage",
        }
    ),
    Role.AGENT: frozenset(_VIEW - {"analytics.view"} | {"customers.change", "orders.change"}),
    Role.ANALYST: frozenset(_VIEW | {"segments.change"}),
}

# API token scopes: area -> permissions that a read / write scope unlocks.
SCOPE_AREAS = ("customers", "catalog", "orders", "segments", "webhooks")


def permissions_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_PERMISSIONS
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def can(user, permission: str) -> bool:
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if permission not in permissions_of(user):
        return False
    scopes = getattr(user, "_api_scopes", None)
    if scopes is None:  # a browser session: the role decides alone
        return True
    area, action = permission.split(".", 1)
    needed = f"{area}:read" if action == "view" else f"{area}:write"
    return needed in scopes or f"{area}:write" in scopes and action == "view"


def require(user, permission: str) -> None:
    """Raise PermissionDenied unless `user` holds `permission` (and, for API tokens, its scope)."""
    if not can(user, permission):
        raise PermissionDenied(_("You do not have permission to do this."), extra={"permission": permission})
