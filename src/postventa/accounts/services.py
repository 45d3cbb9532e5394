"""Every write on staff users, teams, skills and lockouts. Each one is audited (old -> new)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from postventa.accounts.models import Availability, Role, Skill, Team, User
from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.permissions import require

LANGUAGES = ("es", "en")
_USER_FIELDS = ("first_name", "last_name", "email", "role", "language", "time_zone", "capacity", "is_active")


def _plain(value: str | None, field: str) -> str:
    """Strip a text input; refuse NUL characters, which PostgreSQL cannot store."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(
            _("The text contains characters that are not allowed."), extra={"field": field}
        )
    return value


def _clean_password(password: str, user: User | None = None) -> str:
    if not password:
        raise ValidationFailed(_("Enter a password."), extra={"field": "password"})
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(str(m) for m in exc.messages), extra={"field": "password"})
    return password


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role: %(role)s") % {"role": role}, extra={"field": "role"})
    return role


def _clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed(
            _("Unknown language: %(language)s") % {"language": language}, extra={"field": "language"}
        )
    return language


def _clean_time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(_("Unknown time zone: %(tz)s") % {"tz": name}, extra={"field": "time_zone"})
    return name


def _clean_email(email: str) -> str:
    email = _plain(email, "email")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid email address."), extra={"field": "email"})
    return email


def _ids(model, ids: Iterable[int] | None, label: str) -> list[int]:
    try:
        wanted = sorted({int(i) for i in (ids or [])})
    except (TypeError, ValueError):
        wanted = [-1]
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = ", ".join(str(i) for i in wanted if i not in found)
    if missing:
        message = _("Unknown teams: %(ids)s") if label == "teams" else _("Unknown skills: %(ids)s")
        raise ValidationFailed(message % {"ids": missing}, extra={"field": label})
    return wanted


def _user_state(user: User) -> dict:
    state = audit.snapshot(user, _USER_FIELDS)
    state["teams"] = sorted(t.name for t in user.teams.all())
    state["skills"] = sorted(s.name for s in user.skills.all())
    return state


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    password: str,
    email: str = "",
    role: str = Role.AGENT,
    first_name: str = "",
    last_name: str = "",
    language: str = "es",
    time_zone: str = "Europe/Madrid",
    team_ids: Iterable[int] | None = None,
    skill_ids: Iterable[int] | None = None,
) -> User:
    """Create a staff user with an initial password. `acting_user=None` only from the CLI."""
    if acting_user is not None:
        require(acting_user, "users.manage")
    username = _plain(username, "username")
    if not username:
        raise ValidationFailed(_("Enter a username."), extra={"field": "username"})
    try:
        User.username_validator(username)
    except DjangoValidationError:
        raise ValidationFailed(
            _("A username may contain only letters, digits and @ . + - _ characters."),
            extra={"field": "username"},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("The username %(username)s is taken.") % {"username": username}, extra={"field": "username"}
        )
    role = _clean_role(role)
    user = User(
        username=username,
        email=_clean_email(email),
        role=role,
        first_name=_plain(first_name, "first_name")[:150],
        last_name=_plain(last_name, "last_name")[:150],
        language=_clean_language(language),
        time_zone=_clean_time_zone(time_zone),
        # Admins may open Django's admin site too; the role decides everything else.
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN and acting_user is None,
    )
    _clean_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(
            _("The username %(username)s is taken.") % {"username": username}, extra={"field": "username"}
        )
    user.teams.set(_ids(Team, team_ids, "teams"))
    user.skills.set(_ids(Skill, skill_ids, "skills"))
    after = _user_state(user)
    audit.record(
        actor=acting_user or "cli",
        action="user.created",
        target=user,
        changes={k: [None, v] for k, v in after.items() if v not in ("", [], None)},
    )
    return user


def _get_user(user_id: int, *, lock: bool = True) -> User:
    qs = User.objects.select_for_update() if lock else User.objects
    try:
        return qs.get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That user does not exist."))


@transaction.atomic
def user_update(
    *,
    acting_user: User,
    user_id: int,
    role: str | None = None,
    team_ids: Iterable[int] | None = None,
    skill_ids: Iterable[int] | None = None,
    is_active: bool | None = None,
    language: str | None = None,
    time_zone: str | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    capacity: int | None = None,
) -> User:
    """Change a user's role, teams, skills, active flag or details (None leaves a field as it is)."""
    require(acting_user, "users.manage")
    user = _get_user(user_id)
    before = _user_state(user)
    if role is not None:
        role = _clean_role(role)
        if user.pk == acting_user.pk and role != Role.ADMIN and user.role == Role.ADMIN:
            raise Conflict(_("You cannot remove your own administrator role."))
        user.role = role
    if is_active is not None:
        if user.pk == acting_user.pk and not is_active:
            raise Conflict(_("You cannot deactivate your own account."))
        user.is_active = bool(is_active)
    if language is not None:
        user.language = _clean_language(language)
    if time_zone is not None:
        user.time_zone = _clean_time_zone(time_zone)
    if email is not None:
        user.email = _clean_email(email)
    if first_name is not None:
        user.first_name = _plain(first_name, "first_name")[:150]
    if last_name is not None:
        user.last_name = _plain(last_name, "last_name")[:150]
    if capacity is not None:
        if not 0 <= int(capacity) <= 1000:
            raise ValidationFailed(_("Capacity must be between 0 and 1000."), extra={"field": "capacity"})
        user.capacity = int(capacity)
    user.is_staff = user.role == Role.ADMIN or user.is_superuser
    user.save()
    if team_ids is not None:
        user.teams.set(_ids(Team, team_ids, "teams"))
    if skill_ids is not None:
        user.skills.set(_ids(Skill, skill_ids, "skills"))
    changes = audit.diff(before, _user_state(user))
    if changes:
        audit.record(actor=acting_user, action="user.updated", target=user, changes=changes)
    return user


@transaction.atomic
def user_deactivate(*, acting_user: User, user_id: int) -> User:
    """Stop a user from signing in and revoke their API tokens (rows are kept for the history)."""
    from django.utils import timezone

    require(acting_user, "users.manage")
    user = _get_user(user_id)
    if user.pk == acting_user.pk:
        raise Conflict(_("You cannot deactivate your own account."))
    if user.is_active:
        user.is_active = False
        user.availability = Availability.OFFLINE
        user.save(update_fields=["is_active", "availability"])
        revoked = user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            actor=acting_user,
            action="user.deactivated",
            target=user,
            changes={"is_active": [True, False], "tokens_revoked": [0, revoked]},
        )
    return user


@transaction.atomic
def user_set_availability(*, acting_user: User, availability: str, user_id: int | None = None) -> User:
    """Agents set their own status; changing someone else's needs users.manage."""
    if availability not in Availability.values:
        raise ValidationFailed(_("Unknown availability: %(value)s") % {"value": availability})
    if user_id is None or int(user_id) == acting_user.pk:
        user = _get_user(acting_user.pk)
    else:
        require(acting_user, "users.manage")
        user = _get_user(user_id)
    old = user.availability
    if old != availability:
        user.availability = availability
        user.save(update_fields=["availability"])
        audit.record(
            actor=acting_user,
            action="user.availability",
            target=user,
            changes={"availability": [old, availability]},
        )
    acting_user.availability = user.availability if user.pk == acting_user.pk else acting_user.availability
    return user


@transaction.atomic
def user_set_password(
    *, acting_user: User, password: str, user_id: int | None = None, current_password: str | None = None
) -> User:
    """Set a password: your own (with the current one) or someone else's (users.manage)."""
    own = user_id is None or int(user_id) == acting_user.pk
    if not own:
        require(acting_user, "users.manage")
    user = _get_user(acting_user.pk if own else user_id)
    if own and not user.check_password(current_password or ""):
        raise ValidationFailed(
            _("Your current password is not correct."), extra={"field": "current_password"}
        )
    _clean_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The hash itself never goes into the audit log.
    audit.record(
        actor=acting_user, action="user.password_set", target=user, changes={"password": ["***", "***"]}
    )
    return user


@transaction.atomic
def user_set_preferences(*, acting_user: User, language: str, time_zone: str) -> User:
    """A user's own language and time zone (shown dates and the UI language follow them)."""
    user = _get_user(acting_user.pk)
    before = audit.snapshot(user, ("language", "time_zone"))
    user.language = _clean_language(language)
    user.time_zone = _clean_time_zone(time_zone)
    user.save(update_fields=["language", "time_zone"])
    changes = audit.diff(before, audit.snapshot(user, ("language", "time_zone")))
    if changes:
        audit.record(actor=acting_user, action="user.preferences", target=user, changes=changes)
    acting_user.language, acting_user.time_zone = user.language, user.time_zone
    return user


# --- Teams and skills -------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = _plain(name, "name")
    if not name:
        raise ValidationFailed(_("Enter a name."), extra={"field": "name"})
    if len(name) > 120:
        raise ValidationFailed(_("Keep the name under 120 characters."), extra={"field": "name"})
    return name


@transaction.atomic
def team_create(*, acting_user: User, name: str, description: str = "", email: str = "") -> Team:
    require(acting_user, "teams.manage")
    name = _clean_name(name)
    if Team.objects.filter(name__iexact=name).exists():
        raise Conflict(_("A team called %(name)s already exists.") % {"name": name}, extra={"field": "name"})
    team = Team.objects.create(
        name=name, description=_plain(description, "description"), email=_clean_email(email)
    )
    audit.record(
        actor=acting_user,
        action="team.created",
        target=team,
        changes={"name": [None, name], "email": [None, team.email]},
    )
    return team


@transaction.atomic
def team_update(
    *, acting_user: User, team_id: int, name: str, description: str = "", email: str = ""
) -> Team:
    require(acting_user, "teams.manage")
    try:
        team = Team.objects.select_for_update().get(pk=team_id)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That team does not exist."))
    name = _clean_name(name)
    if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
        raise Conflict(_("A team called %(name)s already exists.") % {"name": name}, extra={"field": "name"})
    fields = ("name", "description", "email")
    before = audit.snapshot(team, fields)
    team.name, team.description, team.email = name, _plain(description, "description"), _clean_email(email)
    team.save()
    changes = audit.diff(before, audit.snapshot(team, fields))
    if changes:
        audit.record(actor=acting_user, action="team.updated", target=team, changes=changes)
    return team


@transaction.atomic
def team_delete(*, acting_user: User, team_id: int) -> None:
    require(acting_user, "teams.manage")
    try:
        team = Team.objects.get(pk=team_id)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That team does not exist."))
    audit.record(actor=acting_user, action="team.deleted", target=team, changes={"name": [team.name, None]})
    team.delete()


def _clean_skill(kind: str, code: str, name: str) -> tuple[str, str, str]:
    from django.utils.text import slugify

    if kind not in Skill.Kind.values:
        raise ValidationFailed(_("Unknown skill kind: %(kind)s") % {"kind": kind}, extra={"field": "kind"})
    name = _clean_name(name)
    code = slugify((code or "").strip() or name)[:60]
    if not code:
        raise ValidationFailed(_("Enter a code made of letters, digits or hyphens."), extra={"field": "code"})
    return kind, code, name


@transaction.atomic
def skill_create(*, acting_user: User, kind: str, name: str, code: str = "") -> Skill:
    require(acting_user, "teams.manage")
    kind, code, name = _clean_skill(kind, code, name)
    if Skill.objects.filter(kind=kind, code=code).exists():
        raise Conflict(
            _("A skill with the code %(code)s already exists.") % {"code": code}, extra={"field": "code"}
        )
    skill = Skill.objects.create(kind=kind, code=code, name=name)
    audit.record(
        actor=acting_user,
        action="skill.created",
        target=skill,
        changes={"kind": [None, kind], "code": [None, code], "name": [None, name]},
    )
    return skill


@transaction.atomic
def skill_update(*, acting_user: User, skill_id: int, kind: str, name: str, code: str = "") -> Skill:
    require(acting_user, "teams.manage")
    try:
        skill = Skill.objects.select_for_update().get(pk=skill_id)
    except (Skill.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That skill does not exist."))
    kind, code, name = _clean_skill(kind, code, name)
    if Skill.objects.filter(kind=kind, code=code).exclude(pk=skill.pk).exists():
        raise Conflict(
            _("A skill with the code %(code)s already exists.") % {"code": code}, extra={"field": "code"}
        )
    fields = ("kind", "code", "name")
    before = audit.snapshot(skill, fields)
    skill.kind, skill.code, skill.name = kind, code, name
    skill.save()
    changes = audit.diff(before, audit.snapshot(skill, fields))
    if changes:
        audit.record(actor=acting_user, action="skill.updated", target=skill, changes=changes)
    return skill


@transaction.atomic
def skill_delete(*, acting_user: User, skill_id: int) -> None:
    require(acting_user, "teams.manage")
    try:
        skill = Skill.objects.get(pk=skill_id)
    except (Skill.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That skill does not exist."))
    audit.record(
        actor=acting_user, action="skill.deleted", target=skill, changes={"name": [skill.name, None]}
    )
    skill.delete()


# --- Sign-in lockouts (django-axes) --------------------------------------------------------------------


@transaction.atomic
def lockout_reset(*, acting_user: User, attempt_id: int) -> None:
    """Unlock one username + address pair that django-axes locked after repeated failures."""
    from axes.models import AccessAttempt

    require(acting_user, "users.manage")
    try:
        attempt = AccessAttempt.objects.get(pk=attempt_id)
    except (AccessAttempt.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("That lockout no longer exists."))
    audit.record(
        actor=acting_user,
        action="lockout.reset",
        target_type="axes.accessattempt",
        target_id=str(attempt.pk),
        target_repr=f"{attempt.username} @ {attempt.ip_address}",
        changes={"failures": [attempt.failures_since_start, 0]},
    )
    attempt.delete()
