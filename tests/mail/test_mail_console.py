"""Settings > Mailboxes and the inbound email log in the staff console."""

from __future__ import annotations

import pytest

from postventa.core.models import AuditEntry
from postventa.messaging.email import parsing
from postventa.messaging.email.models import InboundEmail, Mailbox
from postventa.messaging.email.services import inbound_store, process_inbound

RAW = b"From: ana@example.es\r\nSubject: Hola\r\nMessage-ID: <con-%d@example.es>\r\n\r\nTexto %d.\r\n"


@pytest.fixture
def box(db):
    return Mailbox.objects.create(
        name="Soporte", address="soporte@tienda.test", imap_enabled=True, imap_host="imap.tienda.test",
        imap_user="soporte", imap_password="s3cret-value",
    )  # fmt: skip


def test_mailbox_list_renders_with_bounded_queries(admin_client, box, django_assert_max_num_queries):
    Mailbox.objects.create(name="Ventas", address="ventas@tienda.test")
    with django_assert_max_num_queries(12):
        response = admin_client.get("/console/settings/mailboxes/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "soporte@tienda.test" in body and "ventas@tienda.test" in body


def test_create_mailbox_and_password_is_never_shown_back(admin_client, admin_user):
    response = admin_client.post("/console/settings/mailboxes/new/", {
        "name": "Soporte", "address": "Soporte@Tienda.test", "imap_enabled": "on", "imap_host": "imap.tienda.test",
        "imap_port": "993", "imap_ssl": "on", "imap_user": "soporte", "imap_password": "s3cret-value",
        "imap_folder": "INBOX", "poll_interval_seconds": "120", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    box = Mailbox.objects.get()
    assert (box.address, box.imap_password, box.poll_interval_seconds) == (
        "soporte@tienda.test",
        "s3cret-value",
        120,
    )
    assert AuditEntry.objects.filter(action="mail.mailbox_created", actor=admin_user).exists()
    assert "s3cret-value" not in str(AuditEntry.objects.get(action="mail.mailbox_created").changes)

    page = admin_client.get(f"/console/settings/mailboxes/{box.pk}/")
    assert page.status_code == 200 and b"s3cret-value" not in page.content

    # Saving the form with an empty password keeps the stored one.
    admin_client.post(f"/console/settings/mailboxes/{box.pk}/", {
        "name": "Soporte 2", "address": "soporte@tienda.test", "imap_enabled": "on", "imap_host": "imap.tienda.test",
        "imap_port": "993", "imap_user": "soporte", "imap_password": "", "poll_interval_seconds": "60", "is_active": "on",
    })  # fmt: skip
    box.refresh_from_db()
    assert box.name == "Soporte 2" and box.imap_password == "s3cret-value" and box.imap_ssl is False


def test_invalid_mailbox_shows_the_error(admin_client):
    response = admin_client.post("/console/settings/mailboxes/new/", {"name": "", "address": "nope"})
    assert response.status_code == 400
    assert Mailbox.objects.count() == 0


def test_agents_cannot_manage_mailboxes(console_client, box):
    assert console_client.get("/console/settings/mailboxes/").status_code == 403
    assert console_client.get("/console/settings/mailboxes/inbound/").status_code == 403


def test_test_connection_reports_the_failure(admin_client, box):
    box.imap_host, box.imap_port, box.imap_ssl = "127.0.0.1", 9, False
    box.save()
    response = admin_client.post(f"/console/settings/mailboxes/{box.pk}/test/", follow=True)
    assert response.status_code == 200
    assert "ConnectionRefusedError" in response.content.decode()


def test_inbound_log_lists_statuses_and_retries_failed(
    admin_client, box, monkeypatch, django_assert_max_num_queries
):
    ok_id = inbound_store(raw=RAW % (1, 1), mailbox=box)
    process_inbound(ok_id)
    monkeypatch.setattr(parsing, "parse", lambda raw: (_ for _ in ()).throw(ValueError("boom")))
    for i in range(2, 6):
        process_inbound(inbound_store(raw=RAW % (i, i), mailbox=box))
    monkeypatch.undo()

    with django_assert_max_num_queries(12):
        response = admin_client.get("/console/settings/mailboxes/inbound/?status=failed")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("/retry/") == 4 and "boom" in body

    failed = InboundEmail.objects.filter(status="failed").first()
    response = admin_client.post(
        f"/console/settings/mailboxes/inbound/{failed.pk}/retry/", {"status": "failed"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?status=failed")
    failed.refresh_from_db()
    assert failed.status == "processed" and failed.ticket_id

    all_rows = admin_client.get("/console/settings/mailboxes/inbound/")
    assert all_rows.status_code == 200 and all_rows.content.decode().count("ana@example.es") == 5
