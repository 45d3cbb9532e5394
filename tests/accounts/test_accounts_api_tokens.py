"""API tokens: hash-only storage, scopes enforced on real API calls, revocation and expiry."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from postventa.accounts.models import ApiToken, Team
from postventa.accounts.tokens import token_create, token_revoke
from postventa.core.errors import PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
def test_token_is_stored_only_as_a_hash(admin_user):
    token, secret = token_create(
        acting_user=admin_user, owner=admin_user, name="shop", scopes=["customers:read"]
    )
    row = ApiToken.objects.get(pk=token.pk)
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.key_hash, row.prefix, row.name}
    assert row.prefix in secret
    # No column of the row holds the secret.
    assert all(secret not in str(v) for v in ApiToken.objects.filter(pk=token.pk).values().first().values())
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.changes == {"scopes": [None, ["customers:read"]]}


@pytest.mark.django_db
def test_me_with_bearer_token_reports_role_permissions_and_scopes(client, supervisor):
    token, secret = token_create(
        acting_user=supervisor, owner=supervisor, name="cli", scopes=["accounts:read", "customers:read"]
    )
    response = client.get("/api/v1/accounts/me", headers=bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "sara.supervisor"
    assert body["role"] == "supervisor"
    assert body["scopes"] == ["accounts:read", "customers:read"]
    assert "teams.manage" in body["permissions"] and "users.manage" not in body["permissions"]
    assert body["token_id"] == token.pk
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.django_db
def test_revoked_and_expired_tokens_get_401(client, admin_user):
    token, secret = token_create(acting_user=admin_user, owner=admin_user, name="a", scopes=["accounts:read"])
    assert client.get("/api/v1/accounts/me", headers=bearer(secret)).status_code == 200
    token_revoke(acting_user=admin_user, token_id=token.pk)
    response = client.get("/api/v1/accounts/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"

    _, expired = token_create(
        acting_user=admin_user,
        owner=admin_user,
        name="b",
        scopes=["accounts:read"],
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert client.get("/api/v1/accounts/me", headers=bearer(expired)).status_code == 401
    assert client.get("/api/v1/accounts/me", headers=bearer("pv_nonsense")).status_code == 401


@pytest.mark.django_db
def test_token_without_write_scope_gets_403_on_a_write(client, admin_user):
    _, read_only = token_create(acting_user=admin_user, owner=admin_user, name="ro", scopes=["accounts:read"])
    response = client.post(
        "/api/v1/accounts/teams",
        {"name": "Returns"},
        content_type="application/json",
        headers=bearer(read_only),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Team.objects.exists()
    response = client.post(
        "/api/v1/accounts/me/availability",
        {"availability": "busy"},
        content_type="application/json",
        headers=bearer(read_only),
    )
    assert response.status_code == 403

    _, writer = token_create(acting_user=admin_user, owner=admin_user, name="rw", scopes=["accounts:write"])
    response = client.post(
        "/api/v1/accounts/teams", {"name": "Returns"}, content_type="application/json", headers=bearer(writer)
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Returns"
    assert Team.objects.get().name == "Returns"


@pytest.mark.django_db
def test_users_list_needs_users_manage_and_accounts_scope(
    client, admin_user, supervisor, django_assert_max_num_queries
):
    _, other_scope = token_create(
        acting_user=admin_user, owner=admin_user, name="c", scopes=["customers:write"]
    )
    assert client.get("/api/v1/accounts/users", headers=bearer(other_scope)).status_code == 403
    _, sup_secret = token_create(acting_user=supervisor, owner=supervisor, name="s", scopes=["accounts:read"])
    assert client.get("/api/v1/accounts/users", headers=bearer(sup_secret)).status_code == 403

    _, secret = token_create(acting_user=admin_user, owner=admin_user, name="d", scopes=["accounts:read"])
    team = Team.objects.create(name="Support")
    for i in range(12):
        from postventa.accounts.models import User

        u = User.objects.create_user(username=f"agent{i:02}", password="x", role="agent")
        u.teams.add(team)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/accounts/users", {"page_size": 5}, headers=bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 5 and body["next_cursor"]
    assert body["items"][0]["teams"] == [{"id": team.pk, "name": "Support"}]
    second = client.get(
        "/api/v1/accounts/users", {"page_size": 5, "cursor": body["next_cursor"]}, headers=bearer(secret)
    )
    ids_first = {u["id"] for u in body["items"]}
    assert ids_first.isdisjoint({u["id"] for u in second.json()["items"]})
    assert client.get("/api/v1/accounts/users", {"cursor": "!!"}, headers=bearer(secret)).status_code == 422


@pytest.mark.django_db
def test_teams_list_for_any_staff(client, agent):
    Team.objects.create(name="Returns")
    client.force_login(agent)
    response = client.get("/api/v1/accounts/teams")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()["items"]] == ["Returns"]


@pytest.mark.django_db
def test_token_create_validates_and_checks_rights(admin_user, supervisor, agent):
    with pytest.raises(ValidationFailed):
        token_create(acting_user=admin_user, owner=admin_user, name="", scopes=["accounts:read"])
    with pytest.raises(ValidationFailed):
        token_create(acting_user=admin_user, owner=admin_user, name="x", scopes=["root:write"])
    with pytest.raises(ValidationFailed):
        token_create(acting_user=admin_user, owner=admin_user, name="x", scopes=[])
    with pytest.raises(PermissionDenied):  # agents hold no tokens.manage
        token_create(acting_user=agent, owner=agent, name="x", scopes=["customers:read"])
    with pytest.raises(PermissionDenied):  # a supervisor cannot mint a token for someone else
        token_create(acting_user=supervisor, owner=admin_user, name="x", scopes=["customers:read"])
