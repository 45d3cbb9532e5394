"""Settings pages: render for admins, 403 for agents, bounded queries, and the main flows."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from postventa.accounts import services
from postventa.accounts.models import ApiToken, Team, User
from postventa.core import audit
from postventa.core.models import AuditEntry

PAGES = [
    "/console/settings/users/",
    "/console/settings/users/new/",
    "/console/settings/teams/",
    "/console/settings/skills/",
    "/console/settings/api-tokens/",
    "/console/settings/audit/",
    "/console/settings/lockouts/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_settings_pages_render_for_admin_and_are_403_for_agents(client, admin_user, agent, path):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert b"<h1>" in response.content
    client.force_login(agent)
    assert client.get(path).status_code == 403


@pytest.mark.django_db
def test_agents_see_only_their_own_settings_on_the_settings_home(client, agent):
    client.force_login(agent)
    response = client.get("/console/settings/")
    assert response.status_code == 200
    urls = [card["url"] for card in response.context["cards"]]
    assert urls == ["/console/settings/automation/macros/"]


@pytest.mark.django_db
def test_settings_home_shows_cards_by_permission(client, admin_user, supervisor):
    client.force_login(admin_user)
    html = client.get("/console/settings/").content.decode()
    for href in (
        "/console/settings/users/",
        "/console/settings/audit/",
        "/console/settings/lockouts/",
        "webhooks",
    ):
        assert href in html
    client.force_login(supervisor)
    html = client.get("/console/settings/").content.decode()
    assert "/console/settings/teams/" in html and "/console/settings/api-tokens/" in html
    assert "/console/settings/users/" not in html and "/console/settings/audit/" not in html


@pytest.mark.django_db
def test_user_pages_edit_detail_renders(client, admin_user, agent):
    client.force_login(admin_user)
    assert client.get(f"/console/settings/users/{agent.pk}/").status_code == 200
    assert client.get(f"/console/settings/teams/{Team.objects.create(name='T').pk}/").status_code == 200
    assert client.get("/console/settings/users/999999/").status_code == 404


@pytest.mark.django_db
def test_user_list_query_count_is_bounded(client, admin_user, django_assert_max_num_queries):
    teams = [Team.objects.create(name=f"Team {i}") for i in range(3)]
    for i in range(25):
        u = User.objects.create_user(username=f"user{i:02}", password="x")
        u.teams.set(teams)
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        response = client.get("/console/settings/users/")
    assert response.status_code == 200
    assert response.content.decode().count("Team 2") == 25


@pytest.mark.django_db
def test_create_and_edit_a_user_through_the_pages(client, admin_user):
    team = Team.objects.create(name="Returns")
    client.force_login(admin_user)
    response = client.post(
        "/console/settings/users/new/",
        {"username": "lucia", "password": "short", "role": "agent", "language": "es"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="lucia").exists()
    response = client.post(
        "/console/settings/users/new/",
        {
            "username": "lucia",
            "password": "a-long-enough-pass",
            "role": "agent",
            "language": "es",
            "teams": [team.pk],
        },
    )
    assert response.status_code == 302
    lucia = User.objects.get(username="lucia")
    assert list(lucia.teams.all()) == [team]
    response = client.post(
        f"/console/settings/users/{lucia.pk}/",
        {
            "role": "supervisor",
            "language": "en",
            "capacity": "12",
            "email": "",
            "first_name": "Lucía",
            "last_name": "",
        },
    )
    assert response.status_code == 302
    lucia.refresh_from_db()
    # The unticked "active" box and teams mean: inactive, no teams.
    assert (lucia.role, lucia.capacity, lucia.is_active, lucia.first_name) == (
        "supervisor",
        12,
        False,
        "Lucía",
    )
    assert lucia.teams.count() == 0
    entry = AuditEntry.objects.filter(action="user.updated").get()
    assert entry.changes["role"] == ["agent", "supervisor"]
    assert entry.changes["is_active"] == [True, False]


@pytest.mark.django_db
def test_audit_log_filters_paginates_and_shows_old_to_new(
    client, admin_user, agent, django_assert_max_num_queries
):
    for i in range(60):
        audit.record(
            actor=agent,
            action="thing.changed",
            target_type="x.thing",
            target_id=str(i),
            target_repr=f"thing {i}",
            changes={"status": ["open", f"closed-{i}"]},
        )
    audit.record(actor=admin_user, action="other.done", target_type="y.other", changes={"note": "plain"})
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        response = client.get("/console/settings/audit/", {"action": "thing.changed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "closed-59" in html and "open</span> → closed-59" in html
    assert "other.done</code>" not in html
    assert html.count("<code>thing.changed</code>") == 50
    cursor = re.search(r"cursor=([A-Za-z0-9_\-]+)", html).group(1)
    more = client.get(
        "/console/settings/audit/",
        {"action": "thing.changed", "cursor": cursor},
        headers={"HX-Request": "true"},
    )
    assert more.status_code == 200
    assert "<html" not in more.content.decode()  # an HTMX fragment of rows
    assert more.content.decode().count("<code>thing.changed</code>") == 10
    assert "closed-0" in more.content.decode()

    by_actor = client.get("/console/settings/audit/", {"actor": "ana.admin"}).content.decode()
    assert "other.done</code>" in by_actor and "thing.changed</code>" not in by_actor
    assert (
        client.get("/console/settings/audit/", {"cursor": "garbage", "date_from": "2020-13-45"}).status_code
        == 200
    )
    future = client.get("/console/settings/audit/", {"date_from": "2999-01-01"}).content.decode()
    assert "No entries match." in future or "thing.changed</code>" not in future


@pytest.mark.django_db
def test_api_token_page_shows_secret_once_and_revokes(client, supervisor, admin_user):
    client.force_login(supervisor)
    response = client.post(
        "/console/settings/api-tokens/", {"name": "BI export", "scopes": ["customers:read", "orders:read"]}
    )
    assert response.status_code == 200
    secret = re.search(r'id="token-secret">(pv_[^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(name="BI export")
    assert token.user == supervisor and token.scopes == ["customers:read", "orders:read"]
    listing = client.get("/console/settings/api-tokens/").content.decode()
    assert "BI export" in listing and secret not in listing

    api = Client()
    assert api.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert client.post(f"/console/settings/api-tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    # No scope chosen: an error, no token.
    response = client.post("/console/settings/api-tokens/", {"name": "empty"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="empty").exists()

    # A supervisor sees only their own tokens; the admin sees everyone's.
    services.user_create(
        acting_user=admin_user, username="other", password="a-long-enough-pass", role="supervisor"
    )
    from postventa.accounts.tokens import token_create

    token_create(acting_user=admin_user, owner=admin_user, name="admin-only", scopes=["accounts:read"])
    assert "admin-only" not in client.get("/console/settings/api-tokens/").content.decode()
    client.force_login(admin_user)
    html = client.get("/console/settings/api-tokens/").content.decode()
    assert "admin-only" in html and "BI export" in html


@pytest.mark.django_db
def test_availability_control_htmx_and_plain_post(client, agent):
    client.force_login(agent)
    response = client.post(
        "/console/availability/", {"availability": "available"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="availability"' in html and 'value="available" selected' in html
    agent.refresh_from_db()
    assert agent.availability == "available"
    response = client.post("/console/availability/", {"availability": "away", "next": "/console/profile/"})
    assert response.status_code == 302 and response["Location"] == "/console/profile/"
    agent.refresh_from_db()
    assert agent.availability == "away"


@pytest.mark.django_db
def test_profile_language_sets_cookie_and_password_change_keeps_session(client, agent):
    client.force_login(agent)
    assert client.get("/console/profile/").status_code == 200
    response = client.post(
        "/console/profile/preferences/", {"language": "en", "time_zone": "Atlantic/Canary"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    agent.refresh_from_db()
    assert (agent.language, agent.time_zone) == ("en", "Atlantic/Canary")
    bad = client.post("/console/profile/preferences/", {"language": "en", "time_zone": "Mars/Base"})
    assert bad.status_code == 400

    response = client.post(
        "/console/profile/password/",
        {
            "current_password": "correct-horse-battery",
            "new_password": "brand-new-secret",
            "new_password_again": "brand-new-secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/console/profile/").status_code == 200  # still signed in
    agent.refresh_from_db()
    assert agent.check_password("brand-new-secret")


@pytest.mark.django_db
def test_login_sets_the_users_language(client, make_user):
    make_user("eng", role="agent", language="en")
    response = client.post("/console/login/", {"username": "eng", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_settings_home_links_the_webhooks_pages(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/console/settings/").content.decode()
    assert 'href="/console/settings/webhooks/"' in html
    assert client.get("/console/settings/webhooks/").status_code == 200


@pytest.mark.django_db
def test_django_admin_lists_accounts(client, admin_user):
    from postventa.accounts.tokens import token_create

    token_create(acting_user=admin_user, owner=admin_user, name="adm", scopes=["accounts:read"])
    client.force_login(admin_user)
    for path in (
        "/admin/accounts/user/",
        "/admin/accounts/team/",
        "/admin/accounts/skill/",
        "/admin/accounts/apitoken/",
    ):
        assert client.get(path).status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.get(f"/admin/accounts/user/{admin_user.pk}/change/").status_code == 200
