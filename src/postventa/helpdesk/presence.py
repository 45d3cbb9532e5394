"""Collision detection: who else is viewing or replying to a ticket, kept in the shared cache.

Each open workspace reports every few seconds; an entry lives 30 s, so a closed tab disappears
on its own. One cache key per (ticket, agent) plus a small index of agent ids per ticket: a race
on the index loses at most one report, which the next poll puts back.
"""

from __future__ import annotations

import time

from django.core.cache import cache

TTL_SECONDS = 30
STATES = ("viewing", "replying")


def _key(ticket_id: int, user_id: int) -> str:
    return f"helpdesk:presence:{ticket_id}:{user_id}"


def _index(ticket_id: int) -> str:
    return f"helpdesk:presence:{ticket_id}:users"


def presence_touch(*, ticket_id: int, user, state: str) -> None:
    """Record that `user` is on the ticket, viewing or replying."""
    state = state if state in STATES else "viewing"
    cache.set(
        _key(ticket_id, user.pk),
        {"user_id": user.pk, "name": user.get_full_name() or user.get_username(), "state": state, "at": time.time()},
        timeout=TTL_SECONDS,
    )
    users = set(cache.get(_index(ticket_id)) or ())
    if user.pk not in users:
        users.add(user.pk)
        cache.set(_index(ticket_id), sorted(users)[-50:], timeout=3600)


def presence_leave(*, ticket_id: int, user) -> None:
    cache.delete(_key(ticket_id, user.pk))


def presence_others(*, ticket_id: int, user) -> list[dict]:
    """Everyone else on the ticket right now, replying first, then by name."""
    users = [u for u in (cache.get(_index(ticket_id)) or ()) if u != user.pk]
    if not users:
        return []
    found = cache.get_many([_key(ticket_id, u) for u in users])
    now = time.time()
    entries = [e for e in found.values() if now - e.get("at", 0) <= TTL_SECONDS]
    return sorted(entries, key=lambda e: (e["state"] != "replying", e["name"]))
