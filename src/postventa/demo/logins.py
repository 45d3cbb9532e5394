"""The demo accounts printed by `postventa serve` (only those that exist in this database)."""

from __future__ import annotations

DEMO_PASSWORD_NOTE = "demo accounts are created by `postventa demo`"

DEMO_USERS = [
    ("admin", "postventa-admin", "admin"),
    ("supervisor", "postventa-super", "supervisor"),
    ("agente", "postventa-agente", "agent"),
    ("analista", "postventa-analista", "analyst"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    from postventa.accounts.models import User

    existing = set(
        User.objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).values_list("username", flat=True)
    )
    return [row for row in DEMO_USERS if row[0] in existing]
