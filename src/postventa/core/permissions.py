"""Roles as sets of permissions, checked in services (never only in views).

A permission is "<area>.<action>". API tokens additionally carry scopes "<area>:read|write";
a token call needs both the user's permission and the token's scope.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

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
        "tickets.view",
        "tickets.change",
        "tickets.manage",
        # Aftercare: "<area>.view" reads, ".change" works cases, ".manage" edits rules and settings.
        "warranties.view",
        "warranties.change",
        "warranties.manage",
        "claims.view",
        "claims.change",
        "returns.view",
        "returns.change",
        "returns.manage",
        "refunds.change",
        "repairs.view",
        "repairs.change",
        "repairs.manage",
        "plans.view",
        "plans.change",
        "maintenance.view",
        "maintenance.change",
        "maintenance.manage",
        "takeback.view",
        "takeback.change",
        "takeback.manage",
    }
)

_VIEW = {p for p in ALL_PERMISSIONS if p.endswith(".view")} - {"audit.view"}
# Agents work aftercare cases (claims, returns, repairs, plans, reminders, take-back); refunds
# move money, and rules (warranty terms, return policy, maintenance plans) are a supervisor's.
_AFTERCARE_WORK = {
    "warranties.change",
    "claims.change",
    "returns.change",
    "repairs.change",
    "plans.change",
    "maintenance.change",
    "takeback.change",
}
_AFTERCARE_MANAGE = {
    "warranties.manage",
    "returns.manage",
    "refunds.change",
    "repairs.manage",
    "maintenance.manage",
    "takeback.manage",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": ALL_PERMISSIONS,
    "supervisor": frozenset(
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
            "tickets.change",
            "tickets.manage",
            *_AFTERCARE_WORK,
            *_AFTERCARE_MANAGE,
        }
    ),
    "agent": frozenset(
        _VIEW - {"analytics.view"} | {"customers.change", "orders.change", "tickets.change", *_AFTERCARE_WORK}
    ),
    "analyst": frozenset(_VIEW | {"segments.change"}),
}

# API token scopes: area -> permissions that a read / write scope unlocks. "accounts" covers
# users, teams and skills (reading lists needs accounts:read even for users.manage).
SCOPE_AREAS = (
    "accounts",
    "customers",
    "catalog",
    "orders",
    "segments",
    "webhooks",
    "tickets",
    "warranties",
    "claims",
    "returns",
    "repairs",
    "plans",
    "maintenance",
    "takeback",
)
# Permission areas that share one token scope area.
_SCOPE_AREA_OF = {
    "users": "accounts",
    "teams": "accounts",
    "tokens": "accounts",
    "audit": "accounts",
    "refunds": "returns",
}


def permissions_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_PERMISSIONS
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def has_scope(user, scope: str) -> bool:
    """True for browser sessions; for API token calls, whether the token carries `scope`.

    A write scope implies the read scope of the same area.
    """
    scopes = getattr(user, "_api_scopes", None)
    if scopes is None:  # a browser session: the role decides alone
        return True
    area, _sep, mode = scope.partition(":")
    return scope in scopes or (mode == "read" and f"{area}:write" in scopes)


def can(user, permission: str, *, scope: str | None = None) -> bool:
    """Whether `user` holds `permission` and, on a token call, the matching scope.

    The scope defaults to "<area>:read" for ".view" permissions and "<area>:write" otherwise;
    pass `scope` when a read needs a management permission (e.g. listing users).
    """
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if permission not in permissions_of(user):
        return False
    if scope is None:
        area, action = permission.split(".", 1)
        area = _SCOPE_AREA_OF.get(area, area)
        scope = f"{area}:read" if action == "view" else f"{area}:write"
    return has_scope(user, scope)


def require(user, permission: str, *, scope: str | None = None) -> None:
    """Raise PermissionDenied unless `user` holds `permission` (and, for API tokens, its scope)."""
    if not can(user, permission, scope=scope):
        raise PermissionDenied(_("You do not have permission to do this."), extra={"permission": permission})


def require_scope(user, scope: str) -> None:
    """Raise PermissionDenied when a token call lacks `scope` (self-service actions need no role)."""
    if not has_scope(user, scope):
        raise PermissionDenied(_("This API token does not allow this action."), extra={"scope": scope})
