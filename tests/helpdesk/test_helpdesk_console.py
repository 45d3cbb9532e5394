"""Console pages for tickets: inbox, workspace, composer, bulk actions, views, presence, files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postventa.helpdesk import services
from postventa.helpdesk.content import IncomingFile
from postventa.helpdesk.models import Attachment, Message, SavedView, Ticket


def test_inbox_renders_with_bounded_queries(console_client, inbound, customer_b, django_assert_max_num_queries):
    for i in range(30):
        extra = {"customer": customer_b} if i % 2 else {}
        inbound(body=f"body {i}", subject=f"Question {i}", **extra)
    with django_assert_max_num_queries(20):
        res = console_client.get(reverse("console:ticket_list"))
    assert res.status_code == 200
    html = res.content.decode()
    assert "Question 29" in html and "Bob Smith" in html
    assert 'name="ticket"' in html  # bulk checkboxes for agents


def test_inbox_filters_and_pagination(console_client, inbound, agent):
    mine, _m, _ = inbound(subject="Mine please")
    other, _m2, _ = inbound(subject="Someone else")
    services.ticket_claim(ticket=mine, acting_user=agent)
    res = console_client.get(reverse("console:ticket_list"), {"assignee": "me", "status": "unsolved"})
    assert "Mine please" in res.content.decode() and "Someone else" not in res.content.decode()
    res = console_client.get(reverse("console:ticket_list"), {"q": str(other.number)})
    assert "Someone else" in res.content.decode() and "Mine please" not in res.content.decode()
    # a bad value is explained, never a 500
    res = console_client.get(reverse("console:ticket_list"), {"status": "bogus", "cursor": "!!"})
    assert res.status_code == 200
    # HTMX asks for the rows only
    res = console_client.get(reverse("console:ticket_list"), headers={"HX-Request": "true"})
    assert res.status_code == 200 and "<html" not in res.content.decode()


def test_workspace_renders_conversation_and_360(console_client, inbound, agent, django_assert_max_num_queries):
    ticket, _m, _ = inbound(attachments_in=[IncomingFile("label.png", "image/png", b"\x89PNG")])
    services.reply(ticket=ticket, acting_user=agent, body="Public answer")
    services.add_note(ticket=ticket, acting_user=agent, body="Private remark")
    url = reverse("console:ticket_detail", args=[ticket.pk])
    with django_assert_max_num_queries(30):
        res = console_client.get(url)
    assert res.status_code == 200
    html = res.content.decode()
    assert "Public answer" in html and "Private remark" in html and "hd-note" in html
    assert "label.png" in html and "Ana García" in html and "ana@example.com" in html
    history = console_client.get(url, {"tab": "history"})
    assert history.status_code == 200 and "assignee" in history.content.decode()


def test_composer_reply_and_note_with_attachment(console_client, inbound, smtp_server):
    ticket, _m, _ = inbound()
    url = reverse("console:ticket_message", args=[ticket.pk])
    upload = SimpleUploadedFile("steps.pdf", b"%PDF-1 steps", content_type="application/pdf")
    res = console_client.post(url, {"kind": "reply", "body": "Follow these steps", "status": "pending", "files": upload})
    assert res.status_code == 302
    reply = Message.objects.get(body_text="Follow these steps")
    assert reply.direction == "outbound" and reply.attachments.get().filename == "steps.pdf"
    res = console_client.post(url, {"kind": "note", "body": "called the warehouse"})
    assert Message.objects.get(body_text="called the warehouse").kind == "internal_note"
    # an empty reply keeps the page with an error (and writes nothing)
    res = console_client.post(url, {"kind": "reply", "body": "   "})
    assert res.status_code == 422 and Message.objects.filter(ticket=ticket).count() == 3


def test_fields_claim_merge_split_problem(console_client, inbound, agent, team_returns):
    agent.teams.add(team_returns)
    ticket, first, _ = inbound(thread_keys=["w"])
    _t, second, _ = inbound(thread_keys=["w"], body="Also the invoice")
    res = console_client.post(reverse("console:ticket_fields", args=[ticket.pk]), {
        "status": "open", "priority": "high", "type": "problem", "team_id": team_returns.pk,
        "assignee_id": agent.pk, "tags": "refund, VIP"})  # fmt: skip
    assert res.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team_id, ticket.assignee_id) == ("high", team_returns.pk, agent.pk)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    res = console_client.post(reverse("console:ticket_split", args=[ticket.pk, second.pk]), {"subject": "Invoice"})
    new = Ticket.objects.get(split_from=ticket)
    assert res["Location"] == reverse("console:ticket_detail", args=[new.pk])
    console_client.post(reverse("console:ticket_problem", args=[new.pk]), {"problem": f"#{ticket.number}"})
    new.refresh_from_db()
    assert new.problem_id == ticket.pk
    other, _m, _ = inbound(subject="dup")
    console_client.post(reverse("console:ticket_claim", args=[other.pk]))
    other.refresh_from_db()
    assert other.assignee_id == agent.pk
    res = console_client.post(reverse("console:ticket_merge", args=[other.pk]), {"target": str(ticket.number)})
    other.refresh_from_db()
    assert other.merged_into_id == ticket.pk
    bad = console_client.post(reverse("console:ticket_merge", args=[ticket.pk]), {"target": "nope"}, follow=True)
    assert bad.status_code == 200


def test_bulk_actions(console_client, inbound, agent):
    t1, _m, _ = inbound()
    t2, _m2, _ = inbound(body="two")
    res = console_client.post(reverse("console:ticket_bulk"), {
        "ticket": [t1.pk, t2.pk], "priority": "urgent", "assignee_id": agent.pk, "add_tags": "batch",
        "next": reverse("console:ticket_list") + "?status=unsolved"})  # fmt: skip
    assert res.status_code == 302 and res["Location"].endswith("?status=unsolved")
    for t in Ticket.objects.all():
        assert t.priority == "urgent" and t.assignee_id == agent.pk
        assert list(t.tags.values_list("name", flat=True)) == ["batch"]
    evil = console_client.post(reverse("console:ticket_bulk"), {"ticket": [t1.pk], "priority": "low", "next": "https://evil.example/"})
    assert evil["Location"] == reverse("console:ticket_list")


def test_saved_views_in_the_sidebar(console_client, inbound, agent):
    inbound(subject="Urgent one")
    res = console_client.post(reverse("console:ticket_view_save"), {"name": "Urgent", "priority": "urgent", "status": "unsolved"})
    view = SavedView.objects.get()
    assert view.user_id == agent.pk and view.filters == {"priority": "urgent", "status": "unsolved"}
    page = console_client.get(res["Location"]).content.decode()
    assert "Urgent" in page and "Urgent one" not in page  # normal priority, filtered out
    console_client.post(reverse("console:ticket_view_delete", args=[view.pk]))
    assert SavedView.objects.count() == 0


def test_presence_shows_who_else_is_there(client, inbound, agent, make_user):
    ticket, _m, _ = inbound()
    colleague = make_user("carla.colleague", role="agent", first_name="Carla")
    url = reverse("console:ticket_presence", args=[ticket.pk])
    client.force_login(colleague)
    client.post(url, {"state": "replying"})
    client.force_login(agent)
    res = client.post(url, {"state": "viewing"})
    assert res.status_code == 200 and "Carla" in res.content.decode()
    ticket.refresh_from_db()
    assert ticket.handle_time_seconds == 20  # two polls of 10 s
    client.force_login(colleague)
    assert "alex.agent" in client.post(url, {"state": "viewing"}).content.decode()


def test_agent_outside_team_gets_404_and_files_are_guarded(client, inbound, make_user, team_returns):
    ticket, _m, _ = inbound(attachments_in=[IncomingFile("x.pdf", "application/pdf", b"%PDF")])
    Ticket.objects.filter(pk=ticket.pk).update(team=team_returns)
    outsider = make_user("olga.outsider", role="agent")
    client.force_login(outsider)
    assert client.get(reverse("console:ticket_detail", args=[ticket.pk])).status_code == 404
    attachment = Attachment.objects.get()
    assert client.get(reverse("console:ticket_attachment", args=[attachment.pk])).status_code == 404
    assert "Blender" not in client.get(reverse("console:ticket_list")).content.decode()
    member = make_user("mia.member", role="agent")
    member.teams.add(team_returns)
    client.force_login(member)
    res = client.get(reverse("console:ticket_attachment", args=[attachment.pk]))
    assert res.status_code == 200 and b"".join(res.streaming_content) == b"%PDF"


def test_new_ticket_form(console_client, customer_a):
    page = console_client.get(reverse("console:ticket_new"))
    assert page.status_code == 200
    res = console_client.post(reverse("console:ticket_new"), {
        "customer": "ana@example.com", "subject": "Phoned about warranty", "body": "Wants to know the terms",
        "channel": "phone", "priority": "normal", "type": "question", "author": "customer"})  # fmt: skip
    ticket = Ticket.objects.get()
    assert res["Location"] == reverse("console:ticket_detail", args=[ticket.pk])
    assert ticket.channel == "phone" and ticket.customer_id == customer_a.pk
    bad = console_client.post(reverse("console:ticket_new"), {"customer": "nobody@example.com", "body": "x"})
    assert bad.status_code == 422


def test_customer_360_has_a_tickets_panel(console_client, inbound, customer_a):
    ticket, _m, _ = inbound(subject="Panel ticket")
    res = console_client.get(reverse("console:customer_detail", args=[customer_a.pk]))
    assert res.status_code == 200
    assert "Panel ticket" in res.content.decode()
    assert reverse("console:ticket_detail", args=[ticket.pk]) in res.content.decode()


def test_analyst_reads_without_forms(client, analyst, inbound):
    ticket, _m, _ = inbound()
    client.force_login(analyst)
    res = client.get(reverse("console:ticket_detail", args=[ticket.pk]))
    assert res.status_code == 200 and "data-hd-composer" not in res.content.decode()
    assert client.post(reverse("console:ticket_message", args=[ticket.pk]), {"body": "x"}).status_code == 403
