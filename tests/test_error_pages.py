"""Refusals and misses are pages a person can read, in the design, not bare text."""

import pytest


@pytest.mark.django_db
def test_unknown_page_is_a_designed_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"app.css" in response.content
    assert "Página no encontrada" in response.content.decode() or b"Page not found" in response.content


@pytest.mark.django_db
def test_forbidden_settings_page_is_a_designed_403(client, agent):
    client.force_login(agent)
    response = client.get("/console/settings/users/")
    assert response.status_code == 403
    assert b"app.css" in response.content
    assert b"/console/" in response.content
