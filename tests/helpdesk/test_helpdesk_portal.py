"""The customer portal: magic link by real email, single use, expiry, A vs B, replies, the web form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from mailtools import body_text

from postventa.helpdesk import portal_auth, services
from postventa.helpdesk.content import IncomingFile
from postventa.helpdesk.models import Attachment, Message, PortalLoginToken, Ticket


def link_from(mail) -> str:
    match = re.search(r"https?://\S+/help/login/(\S+)/", body_text(mail))
    assert match, body_text(mail)
    return reverse("portal:help_login_link", kwargs={"token": match.group(1)})


@pytest.fixture
def sign_in(client, smtp_server):
    """Sign in as a customer the way a person does: ask for a link, open it from the email."""

    def go(email: str):
        before = len(smtp_server.messages)
        res = client.post(reverse("portal:help_login"), {"email": email})
        assert res.status_code == 200
        smtp_server.wait_for(before + 1)
        mail = smtp_server.messages[-1]
        assert mail["To"] == email
        path = link_from(mail)
        assert client.get(path).status_code == 200  # a mail scanner opening the link spends nothing
        res = client.post(path)
        assert res.status_code == 302 and res["Location"] == reverse("portal:help_tickets")
        return path

    return go


def test_magic_link_signs_in_once(client, customer_a, smtp_server, sign_in):
    path = sign_in("ana@example.com")
    assert client.session[portal_auth.SESSION_KEY] == customer_a.pk
    assert "_auth_user_id" not in client.session  # not a staff login
    assert client.get(reverse("portal:help_tickets")).status_code == 200
    # the same link again: refused
    client.post(reverse("portal:help_logout"))
    res = client.post(path)
    assert res.status_code == 400
    assert portal_auth.SESSION_KEY not in client.session
    assert client.get(reverse("portal:help_tickets")).status_code == 302


def test_expired_link_is_refused(client, customer_a, smtp_server):
    client.post(reverse("portal:help_login"), {"email": "ana@example.com"})
    smtp_server.wait_for(1)
    path = link_from(smtp_server.messages[0])
    PortalLoginToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.post(path).status_code == 400
    assert portal_auth.SESSION_KEY not in client.session


def test_unknown_address_looks_the_same_and_sends_nothing(client, smtp_server, customer_a):
    known = client.post(reverse("portal:help_login"), {"email": "ana@example.com"})
    unknown = client.post(reverse("portal:help_login"), {"email": "stranger@example.com"})
    assert known.status_code == unknown.status_code == 200
    smtp_server.wait_for(1)
    assert [m["To"] for m in smtp_server.messages] == ["ana@example.com"]
    assert PortalLoginToken.objects.count() == 1
    # a token is stored only as a hash
    assert len(PortalLoginToken.objects.get().token_hash) == 64


def test_login_requests_are_rate_limited(client, customer_a, smtp_server):
    codes = [client.post(reverse("portal:help_login"), {"email": "ana@example.com"}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert PortalLoginToken.objects.count() == 3


def test_customer_sees_only_their_own_tickets(client, inbound, customer_a, customer_b, sign_in):
    mine, _m, _ = inbound(subject="Ana's blender")
    theirs, _m2, _ = inbound(customer=customer_b, subject="Bob's kettle")
    _t, with_file, _c = inbound(customer=customer_b, thread_keys=[], subject="Bob's file",
                                attachments_in=[IncomingFile("bob.pdf", "application/pdf", b"%PDF bob")])  # fmt: skip
    sign_in("ana@example.com")
    page = client.get(reverse("portal:help_tickets")).content.decode()
    assert "Ana&#x27;s blender" in page and "Bob" not in page
    assert client.get(reverse("portal:help_ticket", args=[mine.number])).status_code == 200
    assert client.get(reverse("portal:help_ticket", args=[theirs.number])).status_code == 404
    assert client.post(reverse("portal:help_ticket", args=[theirs.number]), {"body": "hijack"}).status_code == 404
    bob_file = Attachment.objects.get(filename="bob.pdf")
    assert client.get(reverse("portal:help_file", args=[bob_file.pk])).status_code == 404
    assert not Message.objects.filter(body_text="hijack").exists()


def test_internal_notes_never_reach_the_portal(client, inbound, agent, sign_in):
    ticket, _m, _ = inbound()
    services.add_note(ticket=ticket, acting_user=agent, body="Customer seems upset, be gentle")
    services.reply(ticket=ticket, acting_user=agent, body="We are on it")
    sign_in("ana@example.com")
    page = client.get(reverse("portal:help_ticket", args=[ticket.number])).content.decode()
    assert "We are on it" in page and "be gentle" not in page


def test_customer_replies_with_an_attachment(client, inbound, agent, sign_in):
    ticket, _m, _ = inbound()
    services.reply(ticket=ticket, acting_user=agent, body="Send a photo please")
    sign_in("ana@example.com")
    photo = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff photo", content_type="image/jpeg")
    res = client.post(reverse("portal:help_ticket", args=[ticket.number]), {"body": "Here you go", "files": photo})
    assert res.status_code == 302
    message = Message.objects.get(body_text="Here you go")
    assert message.ticket_id == ticket.pk and message.channel == "web_form" and message.direction == "inbound"
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.customer_message_count == 2
    attachment = message.attachments.get()
    res = client.get(reverse("portal:help_file", args=[attachment.pk]))
    assert res.status_code == 200 and b"".join(res.streaming_content) == b"\xff\xd8\xff photo"
    empty = client.post(reverse("portal:help_ticket", args=[ticket.number]), {"body": " "})
    assert empty.status_code == 422


def test_web_form_opens_a_ticket_and_acknowledges(client, smtp_server, drain_outbox, customer_a):
    res = client.post(reverse("portal:help_new"), {
        "name": "Carmen Ruiz", "email": "carmen@example.com", "subject": "Missing screw",
        "body": "The box had no screws", "website": ""})  # fmt: skip
    assert res.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == "web_form" and ticket.subject == "Missing screw"
    assert ticket.customer.email == "carmen@example.com" and ticket.customer.first_name == "Carmen"
    assert str(ticket.number) in res.content.decode()
    drain_outbox()
    smtp_server.wait_for(1)
    assert smtp_server.to("carmen@example.com")
    # an existing customer is recognised by email
    client.post(reverse("portal:help_new"), {"email": "ANA@example.com", "subject": "Hi", "body": "again"})
    assert Ticket.objects.filter(customer=customer_a).count() == 1


def test_web_form_honeypot_and_rate_limit(client, settings, db):
    res = client.post(reverse("portal:help_new"), {"email": "bot@example.com", "subject": "Buy", "body": "spam",
                                                   "website": "http://spam.example"})  # fmt: skip
    assert res.status_code == 200 and Ticket.objects.count() == 0
    settings.HELPDESK_FORM_RATE_PER_MINUTE = 2
    codes = [
        client.post(reverse("portal:help_new"), {"email": f"p{i}@example.com", "subject": "s", "body": "b"}).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Ticket.objects.count() == 2
    bad = client.post(reverse("portal:help_new"), {"email": "", "subject": "s", "body": "b"})
    assert bad.status_code in (422, 429)


def test_signed_in_customer_uses_the_form_without_email(client, customer_a, sign_in):
    sign_in("ana@example.com")
    res = client.post(reverse("portal:help_new"), {"subject": "Another thing", "body": "details"})
    assert res.status_code == 200
    assert Ticket.objects.get().customer_id == customer_a.pk


def test_pages_render(client, db):
    assert client.get(reverse("portal:help_login")).status_code == 200
    assert client.get(reverse("portal:help_new")).status_code == 200
    assert client.get(reverse("portal:help_login_link", args=["whatever"])).status_code == 200
    assert client.post(reverse("portal:help_login_link", args=["whatever"])).status_code == 400
