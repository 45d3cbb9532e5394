"""Reads for the settings pages and the API: users, teams, skills, tokens, audit log, lockouts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from postventa.accounts.models import ApiToken, Skill, Team, User
from postventa.core.models import AuditEntry
from postventa.core.permissions import can


def user_list(*, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    qs = User.objects.prefetch_related(
        Prefetch("teams", queryset=Team.objects.only("id", "name")),
        Prefetch("skills", queryset=Skill.objects.only("id", "name", "kind")),
    )
    q = q.replace("\x00", "")
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
        )
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username")


def team_list() -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("members", distinct=True)).order_by("name")


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.annotate(agent_count=Count("agents", distinct=True)).order_by("kind", "name")


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Admins (users.manage) see every token; everyone else only their own."""
    qs = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if can(user, "users.manage"):
        return qs
    return qs.filter(user=user)


def audit_entries(
    *,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit rows filtered for the log page; paginate with keyset_page (by id: append-only rows)."""
    qs = AuditEntry.objects.all()
    if actor:
        qs = qs.filter(actor_label__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs


def audit_filter_choices() -> dict[str, list[str]]:
    """Distinct actions and target types, for the filter drop-downs (two small queries)."""
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    types = (
        AuditEntry.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
    )
    return {"actions": list(actions), "target_types": list(types.distinct())}


def current_lockouts() -> list:
    """django-axes attempts that are at or past the failure limit and still inside the cool-off."""
    from axes.models import AccessAttempt

    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff:
        qs = qs.filter(attempt_time__gte=timezone.now() - timedelta(hours=float(cooloff)))
    return list(qs.order_by("-attempt_time"))
