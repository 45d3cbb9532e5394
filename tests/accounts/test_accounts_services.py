"""User, team and skill services: rules, permission checks and audit rows with old -> new."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postventa.accounts import services
from postventa.accounts.models import ApiToken, Skill, Team, User
from postventa.accounts.tokens import token_create
from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry


@pytest.mark.django_db
def test_user_create_and_update_write_audit_old_to_new(admin_user):
    returns = services.team_create(acting_user=admin_user, name="Returns")
    spanish = services.skill_create(acting_user=admin_user, kind="language", name="Spanish", code="es")
    user = services.user_create(
        acting_user=admin_user,
        username="maria",
        password="a-long-enough-pass",
        email="maria@example.com",
        role="agent",
        team_ids=[returns.pk],
    )
    assert user.check_password("a-long-enough-pass")
    created = AuditEntry.objects.get(action="user.created")
    assert created.actor == admin_user
    assert created.changes["role"] == [None, "agent"]
    assert created.changes["teams"] == [None, ["Returns"]]

    services.user_update(
        acting_user=admin_user, user_id=user.pk, role="supervisor", skill_ids=[spanish.pk], language="en"
    )
    user.refresh_from_db()
    assert (user.role, user.language) == ("supervisor", "en")
    assert list(user.skills.values_list("code", flat=True)) == ["es"]
    entry = AuditEntry.objects.get(action="user.updated")
    assert entry.changes == {
        "role": ["agent", "supervisor"],
        "language": ["es", "en"],
        "skills": [[], ["Spanish"]],
    }
    assert entry.target_type == "accounts.user" and entry.target_id == str(user.pk)

    # Nothing changed: no audit row.
    services.user_update(acting_user=admin_user, user_id=user.pk, role="supervisor")
    assert AuditEntry.objects.filter(action="user.updated").count() == 1


@pytest.mark.django_db
def test_user_services_check_permission_and_validate(admin_user, supervisor):
    with pytest.raises(PermissionDenied):
        services.user_create(acting_user=supervisor, username="x", password="a-long-enough-pass")
    with pytest.raises(ValidationFailed):
        services.user_create(acting_user=admin_user, username="x", password="short")
    with pytest.raises(ValidationFailed):
        services.user_create(acting_user=admin_user, username="bad name!", password="a-long-enough-pass")
    with pytest.raises(Conflict):
        services.user_create(
            acting_user=admin_user, username="SARA.SUPERVISOR", password="a-long-enough-pass"
        )
    with pytest.raises(ValidationFailed):
        services.user_update(acting_user=admin_user, user_id=supervisor.pk, role="god")
    with pytest.raises(ValidationFailed):
        services.user_update(acting_user=admin_user, user_id=supervisor.pk, team_ids=[9999])
    with pytest.raises(Conflict):
        services.user_update(acting_user=admin_user, user_id=admin_user.pk, is_active=False)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_deactivate_revokes_tokens_and_blocks_the_api(client, admin_user, supervisor):
    _, secret = token_create(acting_user=supervisor, owner=supervisor, name="t", scopes=["accounts:read"])
    services.user_deactivate(acting_user=admin_user, user_id=supervisor.pk)
    supervisor.refresh_from_db()
    assert not supervisor.is_active
    assert ApiToken.objects.get(user=supervisor).revoked_at is not None
    assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.changes == {"is_active": [True, False], "tokens_revoked": [0, 1]}


@pytest.mark.django_db
def test_availability_agents_set_their_own(agent, supervisor, admin_user):
    services.user_set_availability(acting_user=agent, availability="busy")
    agent.refresh_from_db()
    assert agent.availability == "busy"
    assert AuditEntry.objects.get(action="user.availability").changes == {"availability": ["offline", "busy"]}
    with pytest.raises(PermissionDenied):
        services.user_set_availability(acting_user=supervisor, availability="away", user_id=agent.pk)
    services.user_set_availability(acting_user=admin_user, availability="away", user_id=agent.pk)
    agent.refresh_from_db()
    assert agent.availability == "away"
    with pytest.raises(ValidationFailed):
        services.user_set_availability(acting_user=agent, availability="sleeping")


@pytest.mark.django_db
def test_password_set_own_needs_current_and_is_audited_without_hash(agent, admin_user):
    with pytest.raises(ValidationFailed):
        services.user_set_password(acting_user=agent, password="new-long-password", current_password="wrong")
    services.user_set_password(
        acting_user=agent, password="new-long-password", current_password="correct-horse-battery"
    )
    agent.refresh_from_db()
    assert agent.check_password("new-long-password")
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.changes == {"password": ["***", "***"]}
    services.user_set_password(acting_user=admin_user, user_id=agent.pk, password="admin-chosen-pass")
    agent.refresh_from_db()
    assert agent.check_password("admin-chosen-pass")


@pytest.mark.django_db
def test_team_and_skill_crud_is_audited(supervisor, agent):
    team = services.team_create(acting_user=supervisor, name="Repairs", email="repairs@example.com")
    services.team_update(
        acting_user=supervisor, team_id=team.pk, name="Repairs & spares", email="repairs@example.com"
    )
    assert AuditEntry.objects.get(action="team.updated").changes == {"name": ["Repairs", "Repairs & spares"]}
    with pytest.raises(Conflict):
        services.team_create(acting_user=supervisor, name="repairs & SPARES")
    with pytest.raises(PermissionDenied):
        services.team_create(acting_user=agent, name="Nope")
    skill = services.skill_create(acting_user=supervisor, kind="product_line", name="Washing machines")
    assert skill.code == "washing-machines"
    services.skill_update(
        acting_user=supervisor, skill_id=skill.pk, kind="product_line", name="Washers", code=""
    )
    assert AuditEntry.objects.get(action="skill.updated").changes == {
        "code": ["washing-machines", "washers"],
        "name": ["Washing machines", "Washers"],
    }
    services.team_delete(acting_user=supervisor, team_id=team.pk)
    services.skill_delete(acting_user=supervisor, skill_id=skill.pk)
    assert not Team.objects.exists() and not Skill.objects.exists()
    assert AuditEntry.objects.filter(action__in=["team.deleted", "skill.deleted"]).count() == 2


@pytest.mark.django_db
def test_createadmin_command(monkeypatch):
    out = io.StringIO()
    call_command("createadmin", "root", "root@example.com", "--password", "a-long-enough-pass", stdout=out)
    user = User.objects.get(username="root")
    assert (user.role, user.is_superuser, user.is_staff, user.email) == (
        "admin",
        True,
        True,
        "root@example.com",
    )
    assert "root" in out.getvalue()
    assert AuditEntry.objects.get(action="user.created").actor_label == "cli"

    monkeypatch.setenv("POSTVENTA_ADMIN_PASSWORD", "env-long-password")
    call_command("createadmin", "root2", "r2@example.com", "--no-input", stdout=out)
    assert User.objects.get(username="root2").check_password("env-long-password")

    monkeypatch.delenv("POSTVENTA_ADMIN_PASSWORD")
    with pytest.raises(CommandError, match="POSTVENTA_ADMIN_PASSWORD"):
        call_command("createadmin", "root3", "r3@example.com", "--no-input")
    with pytest.raises(CommandError, match="root"):  # "is taken", in the active language
        call_command("createadmin", "root", "x@example.com", "--password", "a-long-enough-pass")
    with pytest.raises(CommandError):
        call_command("createadmin", "root4", "not-an-email", "--password", "a-long-enough-pass")
    with pytest.raises(CommandError):
        call_command("createadmin", "root5", "r5@example.com", "--password", "123")
    assert not User.objects.filter(username__in=["root3", "root4", "root5"]).exists()


@pytest.mark.django_db
def test_createadmin_through_the_cli_exits_non_zero(tmp_path):
    """The real `postventa createadmin` entry point, in a subprocess against a scratch database."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SQLITE_PATH=str(tmp_path / "cli.sqlite3"), POSTVENTA_ADMIN_PASSWORD="")
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "postventa", "createadmin", "boss", "boss@example.com", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "POSTVENTA_ADMIN_PASSWORD" in run.stderr


@pytest.mark.django_db
def test_spanish_messages_come_from_the_accounts_catalog(client, admin_user):
    from django.utils import translation

    from postventa.accounts.models import Role

    with translation.override("es"):
        assert str(Role.AGENT.label) == "Agente"
        with pytest.raises(ValidationFailed) as info:
            services.user_update(acting_user=admin_user, user_id=admin_user.pk, team_ids=[424242])
        assert info.value.message == "Equipos desconocidos: 424242"
        # A long (wrapped) entry of the catalog comes out once, whole.
        assert translation.gettext(
            "That code is not correct. Check the time on your phone and try again."
        ) == ("El código no es correcto. Comprueba la hora de tu teléfono e inténtalo de nuevo.")
    client.force_login(admin_user)
    response = client.post(
        "/api/v1/accounts/teams",
        {"name": " "},
        content_type="application/json",
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Introduce un nombre.",
        "code": "validation_failed",
        "extra": {"field": "name"},
    }


@pytest.mark.django_db
def test_nul_characters_are_refused_not_a_server_error(client, admin_user):
    with pytest.raises(ValidationFailed):
        services.team_create(acting_user=admin_user, name="Re\x00turns")
    with pytest.raises(ValidationFailed):
        services.user_create(
            acting_user=admin_user, username="a", first_name="x\x00", password="a-long-enough-pass"
        )
    client.force_login(admin_user)
    response = client.post("/api/v1/accounts/teams", {"name": "a\x00b"}, content_type="application/json")
    assert response.status_code == 422
    assert client.get("/api/v1/accounts/users", {"q": "a\x00"}).status_code == 200
    assert client.get("/console/settings/users/", {"q": "a\x00"}).status_code == 200
