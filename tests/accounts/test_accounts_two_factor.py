"""Optional TOTP two-factor sign-in: enrol on the profile page, then a code after the password."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from postventa.core.models import AuditEntry


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    response = client.post("/console/profile/2fa/start/")
    assert response.status_code == 302
    page = client.get("/console/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html
    assert "<svg" in html and "<path" in html  # the inline QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/console/profile/2fa/confirm/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{6,})</li>", response.content.decode().split('id="backup-codes"')[1])
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.mark.django_db
def test_enrol_then_sign_in_needs_the_code(agent, settings):
    # django-otp throttles a device for 2^n seconds after n failures; the wrong code below would
    # otherwise make the right one wait a second.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    client.force_login(agent)
    device, backup_codes = enrol(client, agent)
    assert len(backup_codes) == 8
    assert StaticToken.objects.filter(device__user=agent).count() == 8
    assert AuditEntry.objects.filter(action="user.2fa_enabled", target_id=str(agent.pk)).exists()

    fresh = Client()
    response = fresh.post("/console/login/", {"username": "alex.agent", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/code/")

    # Password only: console pages send the user to the code step.
    response = fresh.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/code/")
    response = fresh.get("/console/profile/")
    assert response["Location"].startswith("/console/login/code/")

    page = fresh.get("/console/login/code/?next=/console/profile/")
    assert page.status_code == 200
    assert b'name="code"' in page.content

    wrong = fresh.post("/console/login/code/", {"code": "000000", "next": "/console/profile/"})
    assert wrong.status_code == 400
    assert fresh.get("/console/profile/").status_code == 302

    # The next time step: the code used for enrolment cannot be replayed.
    response = fresh.post(
        "/console/login/code/", {"code": code_for(device, drift=1), "next": "/console/profile/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/profile/"
    assert fresh.get("/console/profile/").status_code == 200


@pytest.mark.django_db
def test_backup_code_works_once(agent):
    client = Client()
    client.force_login(agent)
    _device, codes = enrol(client, agent)
    for expected in (302, 400):
        c = Client()
        c.post("/console/login/", {"username": "alex.agent", "password": "correct-horse-battery"})
        response = c.post("/console/login/code/", {"code": codes[0], "next": "/console/profile/"})
        assert response.status_code == expected


@pytest.mark.django_db
def test_disable_needs_a_valid_code(agent):
    client = Client()
    client.force_login(agent)
    device, _codes = enrol(client, agent)
    response = client.post("/console/profile/2fa/disable/", {"code": "123456"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).exists()
    response = client.post("/console/profile/2fa/disable/", {"code": code_for(device, drift=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists()
    entry = AuditEntry.objects.get(action="user.2fa_disabled")
    assert entry.changes == {"two_factor": [True, False]}

    fresh = Client()
    response = fresh.post("/console/login/", {"username": "alex.agent", "password": "correct-horse-battery"})
    assert response["Location"] == "/console/"


@pytest.mark.django_db
def test_wrong_confirmation_code_keeps_two_factor_off(agent):
    client = Client()
    client.force_login(agent)
    client.post("/console/profile/2fa/start/")
    response = client.post("/console/profile/2fa/confirm/", {"code": "000000"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()
    # A user without a device goes straight through the code step.
    assert client.get("/console/login/code/?next=/console/profile/")["Location"] == "/console/profile/"
