"""Routing (which team) and assignment (which agent) of new tickets.

Routing reads only the request and business labels (see conditions.py): never protected
attributes. Assignment honours availability ("available" only) and each agent's capacity
(open tickets assigned < User.capacity).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from postventa.helpdesk.automation.conditions import contains_word
from postventa.helpdesk.automation.facts import TicketFacts
from postventa.helpdesk.automation.models import AssignmentMode, RoutingRule, TeamAssignmentConfig
from postventa.helpdesk.models import UNSOLVED


def rule_matches(conditions: dict[str, Any], facts: TicketFacts) -> bool:
    ticket = facts.ticket
    if "channels" in conditions and ticket.channel not in conditions["channels"]:
        return False
    if "languages" in conditions and facts.language not in conditions["languages"]:
        return False
    if "categories" in conditions and not facts.categories & set(conditions["categories"]):
        return False
    if "products" in conditions and not facts.products & set(conditions["products"]):
        return False
    if "customer_tags" in conditions and not facts.customer_tags & set(conditions["customer_tags"]):
        return False
    if "keywords" in conditions and not contains_word(facts.text, conditions["keywords"]):
        return False
    if "segments" in conditions:
        from postventa.customers.models import Segment
        from postventa.customers.segments import segment_queryset

        segments = Segment.objects.filter(pk__in=[int(s) for s in conditions["segments"]])
        if not any(segment_queryset(s.definition).filter(pk=ticket.customer_id).exists() for s in segments):
            return False
    return True


def choose_team(facts: TicketFacts) -> RoutingRule | None:
    """The first active rule (by position) whose conditions all hold."""
    for rule in RoutingRule.objects.filter(active=True).select_related("team").order_by("position", "id"):
        if rule_matches(rule.conditions or {}, facts):
            return rule
    return None


def candidates(team_id: int) -> list[Any]:
    """Available, active team members under their capacity, each with `open_count`, by id."""
    from postventa.accounts.models import Availability, User
    from postventa.core.permissions import permissions_of

    users = (
        User.objects.filter(teams=team_id, is_active=True, availability=Availability.AVAILABLE)
        .annotate(open_count=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=UNSOLVED)))
        .prefetch_related("skills")
        .order_by("id")
    )
    return [u for u in users if u.open_count < u.capacity and "tickets.change" in permissions_of(u)]


def _skills_pick(people: list[Any], facts: TicketFacts) -> Any | None:
    # Every required skill must be held: the ticket's language, and each product line of the
    # linked order. Among those who qualify, the least loaded takes it.
    needed = {("language", facts.language)} | {("product_line", c) for c in facts.categories}
    qualified = [u for u in people if needed <= {(s.kind, s.code) for s in u.skills.all()}]
    return min(qualified, key=lambda u: (u.open_count, u.pk)) if qualified else None


def choose_agent(facts: TicketFacts, team_id: int) -> Any | None:
    """The agent a team's assignment mode picks for the ticket, or None (stays for claiming)."""
    config = TeamAssignmentConfig.objects.select_for_update().filter(team_id=team_id).first()
    if config is None or config.mode == AssignmentMode.MANUAL:
        return None
    people = candidates(team_id)
    if not people:
        return None
    if config.mode == AssignmentMode.LEAST_LOADED:
        return min(people, key=lambda u: (u.open_count, u.pk))
    if config.mode == AssignmentMode.SKILLS:
        return _skills_pick(people, facts)
    # Round robin: the next agent after the cursor, wrapping around; unavailable or full agents
    # are skipped without losing their place.
    cursor = config.cursor_user_id or 0
    chosen = next((u for u in people if u.pk > cursor), people[0])
    config.cursor_user_id = chosen.pk
    config.save(update_fields=["cursor_user_id", "updated_at"])
    return chosen
