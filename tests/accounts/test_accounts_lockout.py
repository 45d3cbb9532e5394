"""django-axes through the real console login form: lock after the limit, unlock by an admin."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from postventa.core.models import AuditEntry

LOGIN = "/console/login/"


def attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_login_locks_after_the_failure_limit_and_refuses_the_right_password(settings, agent):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _i in range(2):
        response = attempt(client, "alex.agent", "wrong-password")
        assert response.status_code == 200  # the form again, with an error
        assert b"alert error" in response.content
    response = attempt(client, "alex.agent", "wrong-password")
    assert response.status_code == 429
    assert "console/locked_out.html" in [t.name for t in response.templates]
    assert b"15 minut" in response.content  # the cool-off, readable ("15 minutes" / "15 minutos")
    assert b"Too many failed sign-in attempts" in response.content or b"Demasiados" in response.content

    # Locked: even the correct password is refused and no session is created.
    response = attempt(client, "alex.agent", "correct-horse-battery")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="alex.agent").failures_since_start >= 3

    # Another user from the same address is not affected (lockout is per username + address).
    response = attempt(client, "other", "wrong")
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_unlocks_from_the_lockouts_page(settings, agent, admin_user):
    settings.AXES_FAILURE_LIMIT = 2
    user_client = Client()
    for _i in range(2):
        attempt(user_client, "alex.agent", "nope")
    assert attempt(user_client, "alex.agent", "correct-horse-battery").status_code == 429

    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/console/settings/lockouts/")
    assert page.status_code == 200
    assert b"alex.agent" in page.content
    lock = AccessAttempt.objects.get(username="alex.agent")
    response = admin.post(f"/console/settings/lockouts/{lock.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alex.agent").exists()
    entry = AuditEntry.objects.get(action="lockout.reset")
    assert entry.actor == admin_user
    assert entry.target_repr.startswith("alex.agent @")
    assert entry.changes["failures"][1] == 0

    response = attempt(user_client, "alex.agent", "correct-horse-battery")
    assert response.status_code == 302
    assert user_client.session["_auth_user_id"] == str(agent.pk)


@pytest.mark.django_db
def test_lockouts_page_is_admin_only(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/console/settings/lockouts/").status_code == 403
    assert client.post("/console/settings/lockouts/1/unlock/").status_code == 403
