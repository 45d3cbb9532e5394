"""Ticket services through the real database: threading, de-duplication, reopening, counts, links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.models import AuditEntry, OutboxEvent
from postventa.customers.models import TimelineEntry
from postventa.helpdesk import linking, services
from postventa.helpdesk.content import IncomingFile
from postventa.helpdesk.models import Attachment, Message, Ticket, TicketChange, TicketThreadKey


def events(event_type: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(type=event_type).order_by("occurred_at"))


def test_first_message_opens_a_numbered_ticket_with_events_and_timeline(inbound, customer_a):
    # when
    ticket, message, created = inbound(external_id="<m1@example.com>", thread_keys=["<m1@example.com>"])
    # then
    assert created is True
    assert ticket.number == 1001
    assert ticket.status == "new"
    assert ticket.channel == "email"
    assert ticket.customer_id == customer_a.pk
    assert ticket.customer_message_count == 1
    assert ticket.last_customer_message_at is not None
    assert message.direction == "inbound" and message.kind == "public_reply"
    assert message.author_customer_id == customer_a.pk
    created_events = events("ticket.created")
    assert [e.payload["ticket_id"] for e in created_events] == [ticket.pk]
    assert created_events[0].payload["acknowledge"] is True
    assert events("ticket.message_added")[0].payload["direction"] == "inbound"
    entry = TimelineEntry.objects.get(customer=customer_a, kind="ticket.created")
    assert entry.data["number"] == 1001
    second, _m, _c = inbound(body="Another thing", subject="Invoice")
    assert second.number == 1002


def test_reply_threads_by_key_and_counts_contacts(inbound):
    ticket, _m, _ = inbound(external_id="<m1@x>", thread_keys=["<m1@x>"])
    # when: the customer's next mail quotes the first one's Message-ID
    again, message, created = inbound(body="Any news?", external_id="<m2@x>", thread_keys=["<m1@x>"])
    # then
    assert created is False
    assert again.pk == ticket.pk
    ticket.refresh_from_db()
    assert ticket.customer_message_count == 2
    assert set(TicketThreadKey.objects.filter(ticket=ticket).values_list("key", flat=True)) == {"<m1@x>", "<m2@x>"}
    assert Ticket.objects.count() == 1


def test_duplicate_delivery_is_ignored(inbound):
    ticket, first, _ = inbound(external_id="<dup@x>")
    events_before = OutboxEvent.objects.count()
    # when: the same message arrives twice
    again, message, created = inbound(external_id="<dup@x>", body="My blender does not turn on")
    # then
    assert (again.pk, message.pk, created) == (ticket.pk, first.pk, False)
    assert Message.objects.count() == 1
    assert OutboxEvent.objects.count() == events_before
    ticket.refresh_from_db()
    assert ticket.customer_message_count == 1


def test_explicit_ticket_of_another_customer_is_not_used(inbound, customer_b):
    ticket, _m, _ = inbound()
    other, _m2, created = inbound(customer=customer_b, ticket=ticket, body="hello")
    assert created is True and other.pk != ticket.pk and other.customer_id == customer_b.pk


def test_customer_reply_reopens_a_recently_solved_ticket(inbound, agent):
    ticket, _m, _ = inbound(thread_keys=["chat-1"], channel="web_chat")
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "solved"})
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    # when
    again, _msg, created = inbound(channel="web_chat", thread_keys=["chat-1"], body="It broke again",
                                   now=timezone.now() + dt.timedelta(days=3))  # fmt: skip
    # then
    assert created is False and again.pk == ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.reopen_count == 1
    assert ticket.solved_at is None
    assert TicketChange.objects.filter(ticket=ticket, field="status", new_value="open").exists()


def test_reply_after_the_window_opens_a_follow_up(inbound, agent, settings):
    settings.HELPDESK_REOPEN_DAYS = 7
    ticket, _m, _ = inbound(thread_keys=["k1"])
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "solved"})
    # when
    later = timezone.now() + dt.timedelta(days=8)
    new, _msg, created = inbound(thread_keys=["k1"], body="Broken again", now=later)
    # then
    assert created is True
    assert new.follow_up_of_id == ticket.pk
    assert new.subject == ticket.subject
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.reopen_count == 0
    # A closed ticket's next message goes to its follow-up, not to yet another ticket.
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "closed"})
    third, _m3, created3 = inbound(thread_keys=["k1"], body="Hello?", now=later)
    assert created3 is False and third.pk == new.pk


def test_agent_reply_sets_first_response_pending_and_emits_outbound(inbound, agent):
    ticket, _m, _ = inbound()
    # when
    message = services.reply(ticket=ticket, acting_user=agent, body="Please send a photo of the label.")
    # then
    ticket.refresh_from_db()
    assert message.direction == "outbound" and message.delivery_status == "pending"
    assert ticket.first_response_at == message.created_at
    assert ticket.agent_reply_count == 1
    assert ticket.status == "pending"
    assert ticket.assignee_id == agent.pk  # an unassigned ticket goes to whoever answers
    added = [e for e in events("ticket.message_added") if e.payload["message_id"] == message.pk]
    assert added[0].payload["direction"] == "outbound"
    assert AuditEntry.objects.filter(action="ticket.updated", target_id=str(ticket.pk)).exists()
    # a second reply does not move the first response
    services.reply(ticket=ticket, acting_user=agent, body="Any news?", status=None)
    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at and ticket.agent_reply_count == 2


def test_customer_reply_on_pending_ticket_opens_it(inbound, agent):
    ticket, _m, _ = inbound(thread_keys=["t"])
    services.reply(ticket=ticket, acting_user=agent, body="Photo please")
    inbound(thread_keys=["t"], body="Here it is")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.reopen_count == 0


def test_note_with_mentions(inbound, agent, make_user):
    ticket, _m, _ = inbound()
    colleague = make_user("maria.lopez", role="agent")
    hooked = []
    services.MENTION_HOOKS.append(lambda message, users: hooked.append([u.username for u in users]))
    try:
        note = services.add_note(ticket=ticket, acting_user=agent, body="@maria.lopez can you check? @nobody")
    finally:
        services.MENTION_HOOKS.clear()
    assert note.kind == "internal_note"
    assert [u.username for u in note.mentions.all()] == ["maria.lopez"]
    payload = events("ticket.message_added")[-1].payload
    assert payload["kind"] == "internal_note" and payload["mentioned_user_ids"] == [colleague.pk]
    ticket.refresh_from_db()
    assert ticket.agent_reply_count == 0 and ticket.first_response_at is None


def test_html_is_sanitised_and_text_kept(inbound):
    _t, message, _ = inbound(body="", body_html='<p onclick="x()">Hi<script>alert(1)</script></p><p>Line 2</p>')
    assert "script" not in message.body_html and "onclick" not in message.body_html
    assert message.body_text == "Hi\nLine 2"


def test_field_changes_history_and_validation(inbound, agent, team_returns):
    ticket, _m, _ = inbound()
    agent.teams.add(team_returns)
    services.ticket_update(
        ticket=ticket,
        acting_user=agent,
        changes={"priority": "high", "team_id": team_returns.pk, "tags": ["Refund", "refund", "vip"],
                 "custom_fields": {"rma": "R-1"}, "type": "complaint"},
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.priority == "high" and ticket.team_id == team_returns.pk and ticket.type == "complaint"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    assert ticket.custom_fields == {"rma": "R-1"}
    fields = set(TicketChange.objects.filter(ticket=ticket).values_list("field", flat=True))
    assert {"priority", "team", "tags", "custom_fields", "type"} <= fields
    assert OutboxEvent.objects.filter(type="ticket.updated").count() == 1
    with pytest.raises(ValidationFailed):
        services.ticket_update(ticket=ticket, acting_user=agent, changes={"priority": "whenever"})
    with pytest.raises(ValidationFailed):
        services.ticket_update(ticket=ticket, acting_user=agent, changes={"number": 5})
    with pytest.raises(ValidationFailed):
        services.ticket_update(ticket=ticket, acting_user=agent, changes={"assignee_id": 999999})


def test_solve_emits_event_and_timeline_and_close_is_final(inbound, agent, customer_a):
    ticket, _m, _ = inbound()
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "solved"})
    assert [e.payload["ticket_id"] for e in events("ticket.solved")] == [ticket.pk]
    assert TimelineEntry.objects.filter(customer=customer_a, kind="ticket.solved").count() == 1
    services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "closed"})
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    with pytest.raises(Conflict):
        services.ticket_update(ticket=ticket, acting_user=agent, changes={"status": "open"})
    with pytest.raises(Conflict):
        services.reply(ticket=ticket, acting_user=agent, body="late")


def test_claim(inbound, agent):
    ticket, _m, _ = inbound()
    services.ticket_claim(ticket=ticket, acting_user=agent)
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk and ticket.status == "open"


def test_merge_moves_conversation_and_tells_the_customer(inbound, agent):
    target, _m, _ = inbound(thread_keys=["a"])
    source, _m2, _ = inbound(thread_keys=["b"], body="Same blender, again", subject="Blender (2)",
                             attachments_in=[IncomingFile("photo.png", "image/png", b"\x89PNG....")])  # fmt: skip
    services.ticket_update(ticket=source, acting_user=agent, changes={"tags": ["urgent-fix"]})
    # when
    linking.ticket_merge(source=source, target=target, acting_user=agent)
    # then
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == "closed" and source.merged_into_id == target.pk
    assert Message.objects.filter(ticket=source, kind="public_reply").count() == 0
    assert Message.objects.filter(ticket=target, kind="public_reply").count() == 2
    assert Attachment.objects.get().ticket_id == target.pk
    assert target.customer_message_count == 2
    assert list(target.tags.values_list("name", flat=True)) == ["urgent-fix"]
    assert Message.objects.filter(ticket=target, kind="system", data__public=True).exists()
    assert events("ticket.merged")[0].payload["source_number"] == source.number
    # a later message on the merged ticket's thread lands on the target
    again, _m3, created = inbound(thread_keys=["b"], body="thanks")
    assert created is False and again.pk == target.pk
    with pytest.raises(Conflict):
        linking.ticket_merge(source=source, target=target, acting_user=agent)


def test_merge_refuses_other_customers_tickets(inbound, customer_b, agent):
    a, _m, _ = inbound()
    b, _m2, _ = inbound(customer=customer_b)
    with pytest.raises(Conflict):
        linking.ticket_merge(source=b, target=a, acting_user=agent)


def test_split_moves_one_message_to_a_new_ticket(inbound, agent):
    ticket, first, _ = inbound(thread_keys=["s"])
    _t, second, _ = inbound(thread_keys=["s"], body="Also, my invoice is wrong")
    # when
    new = linking.ticket_split(message=second, acting_user=agent, subject="Invoice wrong")
    # then
    second.refresh_from_db()
    assert second.ticket_id == new.pk and new.split_from_id == ticket.pk
    assert new.subject == "Invoice wrong" and new.customer_message_count == 1
    ticket.refresh_from_db()
    assert ticket.customer_message_count == 1
    created = [e for e in events("ticket.created") if e.payload["ticket_id"] == new.pk]
    assert created and created[0].payload["acknowledge"] is False
    with pytest.raises(ValidationFailed):
        linking.ticket_split(message=first, acting_user=agent)  # the only customer message left + system line


def test_problem_link(inbound, agent):
    problem, _m, _ = inbound(subject="Batch of faulty motors")
    services.ticket_update(ticket=problem, acting_user=agent, changes={"type": "problem"})
    incident, _m2, _ = inbound(subject="Motor died")
    linking.ticket_link_problem(ticket=incident, problem=problem, acting_user=agent)
    incident.refresh_from_db()
    assert incident.problem_id == problem.pk and incident.type == "incident"
    assert list(problem.incidents.all()) == [incident]
    other, _m3, _ = inbound(subject="not a problem")
    with pytest.raises(ValidationFailed):
        linking.ticket_link_problem(ticket=incident, problem=other, acting_user=agent)


def test_attachment_limits(inbound, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationFailed):
        inbound(attachments_in=[IncomingFile("big.pdf", "application/pdf", b"x" * 11)])
    with pytest.raises(ValidationFailed):
        inbound(attachments_in=[IncomingFile("evil.exe", "application/x-msdownload", b"MZ")])
    assert Ticket.objects.count() == 0  # nothing half-written
    ticket, message, _ = inbound(attachments_in=[IncomingFile("a.pdf", "application/pdf", b"%PDF-1")])
    stored = Attachment.objects.get()
    assert stored.message_id == message.pk and stored.size == 6
    assert stored.file.name.startswith(f"tickets/{ticket.pk}/")
    assert stored.file.read() == b"%PDF-1"


def test_agent_outside_team_cannot_act(inbound, make_user, team_returns, team_tech, supervisor):
    ticket, _m, _ = inbound()
    outsider = make_user("olga.outsider", role="agent")
    outsider.teams.add(team_tech)
    member = make_user("mia.member", role="agent")
    member.teams.add(team_returns)
    # unassigned-team tickets are open to every agent
    services.ticket_update(ticket=ticket, acting_user=outsider, changes={"team_id": team_returns.pk})
    ticket.refresh_from_db()
    with pytest.raises(NotFound):
        services.reply(ticket=ticket, acting_user=outsider, body="hi")
    services.reply(ticket=ticket, acting_user=member, body="hi")
    services.ticket_update(ticket=ticket, acting_user=supervisor, changes={"priority": "urgent"})


def test_ticket_create_by_agent_for_a_phone_call(customer_a, agent):
    ticket = services.ticket_create(
        customer=customer_a, subject="Called about delivery", body="Customer asks when it arrives",
        channel="phone", acting_user=agent, priority="high",
    )  # fmt: skip
    assert ticket.channel == "phone" and ticket.priority == "high"
    message = ticket.messages.get()
    assert message.author_customer_id == customer_a.pk and message.data == {"logged_by": agent.pk}
    assert events("ticket.created")[0].payload["acknowledge"] is False
    with pytest.raises(ValidationFailed):
        services.ticket_create(customer=customer_a, subject="x", body="y", channel="pigeon", acting_user=agent)
