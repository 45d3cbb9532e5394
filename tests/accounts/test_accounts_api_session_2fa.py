"""A session that has the password but not yet the second factor cannot use the API."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.mark.django_db
def test_api_refuses_a_session_waiting_for_its_2fa_code(client, agent):
    TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
    client.force_login(agent)  # password checked, OTP step not done

    response = client.get("/api/v1/accounts/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.django_db
def test_api_accepts_a_plain_session_without_2fa(client, agent):
    client.force_login(agent)

    response = client.get("/api/v1/accounts/me")

    assert response.status_code == 200
    assert response.json()["username"] == agent.username
