"""The tickets API over HTTP: scopes, visibility, validation (4xx, never 500), files, views."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postventa.accounts.tokens import token_create
from postventa.helpdesk.models import Attachment, Message, SavedView, Ticket


def token_client(client, user, scopes):
    from postventa.accounts.models import User

    issuer = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "issuer", "issuer@example.com", "correct-horse-battery", role="admin"
    )
    _, secret = token_create(acting_user=issuer, owner=user, name="t", scopes=scopes)
    headers = {"Authorization": f"Bearer {secret}"}

    class C:
        def get(self, path, **params):
            return client.get(path, params, headers=headers)

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", headers=headers)

        def patch(self, path, data=None):
            return client.patch(path, data or {}, content_type="application/json", headers=headers)

        def upload(self, path, file):
            return client.post(path, {"file": file}, headers=headers)

    return C()


def test_create_list_retrieve(api, customer_a):
    res = api.post("/api/v1/tickets/", {"customer_id": customer_a.pk, "subject": "Where is my refund?",
                                        "body": "I returned it a week ago", "priority": "high", "tags": ["refund"]})  # fmt: skip
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["number"] == 1001 and body["priority"] == "high" and body["tags"] == ["refund"]
    assert body["channel"] == "api" and body["customer_name"] == "Ana García"
    assert [m["body_text"] for m in body["messages"]] == ["I returned it a week ago"]
    listed = api.get("/api/v1/tickets/", status="new").json()
    assert [t["number"] for t in listed["items"]] == [1001]
    assert api.get("/api/v1/tickets/", q="1001").json()["items"][0]["id"] == body["id"]
    assert api.get("/api/v1/tickets/", q="refund").json()["items"][0]["id"] == body["id"]
    assert api.get("/api/v1/tickets/", status="solved").json()["items"] == []
    got = api.get(f"/api/v1/tickets/{body['id']}")
    assert got.status_code == 200 and got.json()["subject"] == "Where is my refund?"


def test_list_is_keyset_paginated_with_bounded_queries(api, inbound, django_assert_max_num_queries):
    for i in range(5):
        inbound(body=f"message {i}", subject=f"subject {i}")
    with django_assert_max_num_queries(8):
        first = api.get("/api/v1/tickets/", page_size=3).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = api.get("/api/v1/tickets/", page_size=3, cursor=first["next_cursor"]).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    assert api.get("/api/v1/tickets/", cursor="garbage").status_code == 422


def test_patch_reply_note_and_history(api, inbound, admin_user):
    ticket, _m, _ = inbound()
    res = api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "open", "assignee_id": admin_user.pk, "add_tags": ["vip"]})
    assert res.status_code == 200, res.content
    assert res.json()["status"] == "open" and res.json()["assignee_id"] == admin_user.pk
    reply = api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"kind": "reply", "body": "On its way", "status": "solved"})
    assert reply.status_code == 201 and reply.json()["direction"] == "outbound"
    note = api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"kind": "note", "body": "check stock"})
    assert note.status_code == 201 and note.json()["kind"] == "internal_note"
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.first_response_at is not None
    msgs = api.get(f"/api/v1/tickets/{ticket.pk}/messages").json()["items"]
    assert [m["kind"] for m in msgs] == ["internal_note", "public_reply", "public_reply"]


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "nonsense"},
        {"priority": 7},
        {"assignee_id": 99999},
        {"team_id": 2**70},
        {"custom_fields": {"x": {"nested": 1}}},
        {"tags": "not-a-list"},
        {},
    ],
)
def test_bad_patches_are_4xx(api, inbound, payload):
    ticket, _m, _ = inbound()
    res = api.patch(f"/api/v1/tickets/{ticket.pk}", payload)
    assert 400 <= res.status_code < 500, res.content
    assert "detail" in res.json()


def test_bad_creates_are_4xx(api, customer_a):
    assert api.post("/api/v1/tickets/", {"customer_id": 999999, "body": "x"}).status_code == 404
    assert api.post("/api/v1/tickets/", {"customer_id": customer_a.pk, "body": ""}).status_code == 422
    assert api.post("/api/v1/tickets/", {"customer_id": customer_a.pk, "body": "x", "channel": "fax"}).status_code == 422
    assert api.post("/api/v1/tickets/", {"customer_id": customer_a.pk, "body": "x", "attachment_ids": [2**61]}).status_code == 422
    assert Ticket.objects.count() == 0
    assert api.get("/api/v1/tickets/123456789").status_code == 404
    assert api.post("/api/v1/tickets/1/messages", {"body": "x"}).status_code == 404


def test_scopes(client, admin_user, inbound):
    ticket, _m, _ = inbound()
    reader = token_client(client, admin_user, ["tickets:read"])
    assert reader.get("/api/v1/tickets/").status_code == 200
    assert reader.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "low"}).status_code == 403
    other = token_client(client, admin_user, ["customers:read"])
    assert other.get("/api/v1/tickets/").status_code == 403
    assert client.get("/api/v1/tickets/").status_code == 401


def test_agent_outside_team_cannot_see_it(client, make_user, inbound, team_returns, team_tech):
    visible, _m, _ = inbound(subject="no team")
    hidden, _m2, _ = inbound(subject="returns only")
    Ticket.objects.filter(pk=hidden.pk).update(team=team_returns)
    outsider = make_user("olga.outsider", role="agent")
    outsider.teams.add(team_tech)
    api = token_client(client, outsider, ["tickets:write"])
    assert [t["id"] for t in api.get("/api/v1/tickets/").json()["items"]] == [visible.pk]
    assert api.get(f"/api/v1/tickets/{hidden.pk}").status_code == 404
    assert api.patch(f"/api/v1/tickets/{hidden.pk}", {"priority": "low"}).status_code == 404
    assert api.post(f"/api/v1/tickets/{hidden.pk}/messages", {"body": "hi"}).status_code == 404
    # assigned to them: visible again
    Ticket.objects.filter(pk=hidden.pk).update(assignee=outsider)
    assert api.get(f"/api/v1/tickets/{hidden.pk}").status_code == 200


def test_analyst_reads_but_cannot_write(client, analyst, inbound):
    ticket, _m, _ = inbound()
    api = token_client(client, analyst, ["tickets:write"])
    assert api.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    assert api.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "low"}).status_code == 403


def test_upload_send_and_download(api, client, inbound, settings, api_token):
    ticket, _m, _ = inbound()
    headers = {"Authorization": f"Bearer {api_token}"}
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    res = client.post(f"/api/v1/tickets/{ticket.pk}/attachments", {"file": pdf}, headers=headers)
    assert res.status_code == 201, res.content
    attachment_id = res.json()["id"]
    assert res.json()["message_id"] is None
    sent = api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Your invoice", "attachment_ids": [attachment_id]})
    assert sent.status_code == 201
    assert sent.json()["attachments"][0]["filename"] == "invoice.pdf"
    assert Attachment.objects.get(pk=attachment_id).message_id == sent.json()["id"]
    download = client.get(sent.json()["attachments"][0]["url"], headers=headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert download["Content-Type"] == "application/pdf"
    # sending the same upload twice is refused
    again = api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "again", "attachment_ids": [attachment_id]})
    assert again.status_code == 422
    # limits
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 5
    big = SimpleUploadedFile("big.pdf", b"0123456789", content_type="application/pdf")
    assert client.post(f"/api/v1/tickets/{ticket.pk}/attachments", {"file": big}, headers=headers).status_code == 422
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    assert client.post(f"/api/v1/tickets/{ticket.pk}/attachments", {"file": exe}, headers=headers).status_code == 422
    assert client.get("/api/v1/tickets/attachments/999999", headers=headers).status_code == 404


def test_download_refused_outside_team(client, make_user, inbound, team_returns, api):
    from postventa.helpdesk.content import IncomingFile

    ticket, message, _ = inbound(attachments_in=[IncomingFile("p.png", "image/png", b"\x89PNG")])
    Ticket.objects.filter(pk=ticket.pk).update(team=team_returns)
    outsider = make_user("olga.outsider", role="agent")
    api_out = token_client(client, outsider, ["tickets:read"])
    attachment = Attachment.objects.get()
    assert api_out.get(f"/api/v1/tickets/attachments/{attachment.pk}").status_code == 404
    assert api.get(f"/api/v1/tickets/attachments/{attachment.pk}").status_code == 200


def test_merge_split_claim_problem_tags(api, inbound):
    a, _m, _ = inbound(thread_keys=["a"])
    b, _m2, _ = inbound(thread_keys=["b"], body="dup")
    assert api.post(f"/api/v1/tickets/{b.pk}/merge", {"target_id": a.pk}).json()["id"] == a.pk
    assert api.post(f"/api/v1/tickets/{a.pk}/merge", {"target_id": a.pk}).status_code == 422
    second = Message.objects.filter(ticket=a, kind="public_reply").order_by("-id").first()
    split = api.post(f"/api/v1/tickets/{a.pk}/split", {"message_id": second.pk, "subject": "Other"})
    assert split.status_code == 201 and split.json()["split_from_id"] == a.pk
    assert api.post(f"/api/v1/tickets/{a.pk}/claim").json()["status"] == "open"
    res = api.put(f"/api/v1/tickets/{a.pk}/tags", {"tags": ["b", "a"]})
    assert res.json()["tags"] == ["a", "b"]
    assert [t["name"] for t in api.get("/api/v1/tickets/tags").json()] == ["a", "b"]
    problem = split.json()["id"]
    api.patch(f"/api/v1/tickets/{problem}", {"type": "problem"})
    linked = api.put(f"/api/v1/tickets/{a.pk}/problem", {"problem_id": problem})
    assert linked.json()["problem_id"] == problem
    assert api.put(f"/api/v1/tickets/{a.pk}/problem", {"problem_id": None}).json()["problem_id"] is None


def test_bulk(api, inbound):
    t1, _m, _ = inbound()
    t2, _m2, _ = inbound(body="two")
    res = api.post("/api/v1/tickets/bulk", {"ticket_ids": [t1.pk, t2.pk], "changes": {"priority": "urgent"}})
    assert res.json() == {"updated": 2}
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"urgent"}
    assert api.post("/api/v1/tickets/bulk", {"ticket_ids": [t1.pk, 999999], "changes": {"priority": "low"}}).status_code == 404
    assert Ticket.objects.get(pk=t1.pk).priority == "urgent"  # all or nothing


def test_saved_views(client, agent, supervisor):
    mine = token_client(client, agent, ["tickets:write"])
    res = mine.post("/api/v1/tickets/views", {"name": "My urgent", "filters": {"priority": "urgent", "bogus": "x"}})
    assert res.status_code == 201 and res.json()["filters"] == {"priority": "urgent"}
    assert mine.post("/api/v1/tickets/views", {"name": "Everyone", "shared": True}).status_code == 403
    boss = token_client(client, supervisor, ["tickets:write"])
    shared = boss.post("/api/v1/tickets/views", {"name": "Everyone's urgent", "shared": True, "filters": {"status": "new"}})
    assert shared.status_code == 201
    names = [v["name"] for v in mine.get("/api/v1/tickets/views").json()]
    assert sorted(names) == ["Everyone's urgent", "My urgent"]
    assert [v["name"] for v in boss.get("/api/v1/tickets/views").json()] == ["Everyone's urgent"]
    view_id = res.json()["id"]
    assert mine.patch(f"/api/v1/tickets/views/{view_id}", {"name": "Mine"}).json()["name"] == "Mine"
    assert boss.patch(f"/api/v1/tickets/views/{view_id}", {"name": "stolen"}).status_code == 404
    assert mine.patch(f"/api/v1/tickets/views/{shared.json()['id']}", {"name": "x"}).status_code == 403
    assert client.delete(f"/api/v1/tickets/views/{view_id}").status_code == 401
    assert SavedView.objects.count() == 2


def test_sla_filters(api, inbound):
    import datetime as dt

    from django.utils import timezone

    late, _m, _ = inbound(subject="late")
    soon, _m2, _ = inbound(subject="soon")
    inbound(subject="fine")
    now = timezone.now()
    Ticket.objects.filter(pk=late.pk).update(first_response_due_at=now - dt.timedelta(minutes=5))
    Ticket.objects.filter(pk=soon.pk).update(first_response_due_at=now + dt.timedelta(minutes=20))
    assert [t["id"] for t in api.get("/api/v1/tickets/", sla="overdue").json()["items"]] == [late.pk]
    assert [t["id"] for t in api.get("/api/v1/tickets/", sla="due_soon").json()["items"]] == [soon.pk]
    assert api.get("/api/v1/tickets/", sla="whenever").status_code == 422
