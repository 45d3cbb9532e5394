"""The whole path of a claim, through real parts: the portal form, the services, the repairs app's
events, the outbox and real SMTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from postventa.aftercare.claims import services
from postventa.aftercare.claims.models import ClaimHistory, ClaimStatus, WarrantyClaim
from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.core.models import OutboxEvent

from .conftest import png

pytestmark = pytest.mark.django_db


def _types() -> list[str]:
    # Each step once (outbox ids are UUIDs: compare sorted lists, not insertion order).
    return sorted(OutboxEvent.objects.filter(type__startswith="claim.").values_list("type", flat=True))


def test_portal_claim_repair_resolved_closed_with_every_email(
    client, customer_a, asset_a, agent, smtp_server, drain_outbox, portal_login, settings
):
    from postventa.aftercare.repairs import services as repairs
    from postventa.aftercare.repairs.models import RepairOrder
    from postventa.helpdesk.models import Ticket

    settings.RATE_LIMITS_DISABLED = True
    portal_login(client, customer_a)
    # given: the customer sees the coverage sentence before the form
    page = client.get(reverse("portal:claim_new"), {"asset": asset_a.pk})
    assert page.status_code == 200
    assert "garantía legal" in page.content.decode()  # the sentence, in her language
    # when: she files the claim with a photo
    res = client.post(reverse("portal:claim_new"), {
        "asset": asset_a.pk, "symptoms": "El tambor no gira y la pantalla muestra E21.",
        "preferred_remedy": "repair", "photos": [png()],
    })  # fmt: skip
    assert res.status_code == 302
    claim = WarrantyClaim.objects.get()
    assert res["Location"] == reverse("portal:claim_detail", args=[claim.number])
    assert claim.number.startswith("CLM-") and len(claim.number) == len("CLM-2026-000001")
    assert claim.status == ClaimStatus.SUBMITTED and claim.channel == "portal"
    assert claim.covered and claim.coverage_kind == "legal" and claim.coverage_ends_on
    assert claim.presumption_applies  # 100 days after delivery: the defect is presumed
    assert claim.photos.count() == 1
    ticket = Ticket.objects.get(pk=claim.ticket_id)
    assert ticket.asset_id == asset_a.pk and ticket.type == "incident" and ticket.customer_id == customer_a.pk
    drain_outbox()
    received = smtp_server.wait_for(1)
    assert len(received) == 1 and received[0]["To"] == "lucia@example.com"
    assert claim.number in received[0]["Subject"] and "Hemos recibido" in received[0]["Subject"]

    # the agent reviews, approves and chooses the repair the customer asked for
    services.claim_start_review(claim=claim, actor=agent)
    services.claim_approve(claim=claim, actor=agent)
    claim = services.claim_choose_remedy(claim=claim, actor=agent, remedy="repair")
    assert claim.status == ClaimStatus.REMEDY_IN_PROGRESS
    repair = RepairOrder.objects.get(pk=claim.repair_order_id)
    assert repair.claim_id == claim.pk and repair.under_warranty and repair.asset_id == asset_a.pk
    drain_outbox()
    smtp_server.wait_for(3)
    approved = [m for m in smtp_server.messages if "aprobada" in m["Subject"]]
    assert len(approved) == 1 and "Reparación" in approved[0]["Subject"]
    assert "Repararemos su producto" in approved[0].get_body(("plain",)).get_content()

    # the workshop repairs it: the claim resolves by itself
    repairs.transition_repair(actor=agent, repair=repair, to_status="diagnosing")
    repairs.transition_repair(actor=agent, repair=repair, to_status="in_repair")
    repairs.complete_repair(actor=agent, repair=repair, report="Replaced the drum motor brushes.")
    drain_outbox()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED and claim.resolved_at
    drain_outbox()  # the resolved email comes from the event the receiver emitted
    resolved = [m for m in smtp_server.wait_for(5) if "resuelta" in m["Subject"]]
    assert len(resolved) == 1 and claim.number in resolved[0]["Subject"]

    # returned and closed: the claim closes
    repairs.transition_repair(actor=agent, repair=repair, to_status="returned")
    repairs.transition_repair(actor=agent, repair=repair, to_status="closed")
    drain_outbox()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED and claim.closed_at
    assert _types() == sorted([
        "claim.submitted", "claim.in_review", "claim.approved", "claim.remedy_chosen", "claim.resolved", "claim.closed",
    ])  # fmt: skip
    # a retried event changes nothing and sends nothing twice
    count = len(smtp_server.messages)
    assert services.on_repair_completed(claim_id=claim.pk, repair_id=repair.pk) is False
    drain_outbox()
    claim_mails = [m for m in smtp_server.messages if claim.number in m["Subject"]]
    assert len(claim_mails) == 3 and len(smtp_server.messages) == count
    # the customer sees the whole history
    page = client.get(reverse("portal:claim_detail", args=[claim.number])).content.decode()
    assert "Cerrada" in page and "Reparación" in page


def test_rejection_needs_a_reason_and_the_customer_receives_it(
    customer_b, asset_b, agent, file_claim, smtp_server, drain_outbox
):
    claim = file_claim(customer_b, asset_b)
    services.claim_start_review(claim=claim, actor=agent)
    with pytest.raises(ValidationFailed) as exc:
        services.claim_reject(claim=claim, actor=agent, reason="  ")
    assert exc.value.code == "reason_required"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW and not claim.rejection_reason
    services.claim_reject(
        claim=claim, actor=agent, reason="The damage comes from a fall: the casing is cracked."
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    drain_outbox()
    mails = smtp_server.wait_for(2)
    rejected = [m for m in mails if "not been accepted" in m["Subject"]]
    assert len(rejected) == 1
    assert "casing is cracked" in rejected[0].get_body(("plain",)).get_content()
    with pytest.raises(Conflict):  # a rejected claim cannot get a remedy
        services.claim_choose_remedy(claim=claim, actor=agent, remedy="repair")
    services.claim_close(claim=claim, actor=agent)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED


def test_illegal_transitions_are_refused_clearly(customer_a, asset_a, agent, file_claim):
    claim = file_claim(customer_a, asset_a)
    with pytest.raises(Conflict) as exc:
        services.claim_approve(claim=claim, actor=agent)  # not reviewed yet
    assert (
        exc.value.code == "illegal_transition"
        and "«Enviada» no puede pasar a «Aprobada»" in exc.value.message
    )
    with pytest.raises(Conflict):
        services.claim_close(claim=claim, actor=agent)
    with pytest.raises(Conflict):
        services.claim_transition(claim=claim, actor=agent, to_status="flying")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert list(claim.history.values_list("action", flat=True)) == ["filed"]


def test_second_tier_remedy_without_grounds_is_refused(approved_claim, supervisor):
    claim = approved_claim
    with pytest.raises(ValidationFailed) as exc:
        services.claim_choose_remedy(claim=claim, actor=supervisor, remedy="termination",
                                     justification="The customer does not want it any more.")  # fmt: skip
    assert exc.value.code == "second_tier_without_grounds"
    with pytest.raises(ValidationFailed) as exc:  # a ground, but no written justification
        services.claim_choose_remedy(claim=claim, actor=supervisor, remedy="price_reduction",
                                     grounds=["first_tier_impossible"], amount="50")  # fmt: skip
    assert exc.value.code == "justification_required"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.remedy == "" and claim.refund_id is None
    assert not OutboxEvent.objects.filter(type="claim.remedy_chosen").exists()


def test_the_customers_choice_stands_unless_impossible_or_disproportionate(
    customer_a, asset_a, agent, file_claim
):
    claim = file_claim(customer_a, asset_a, preferred_remedy="replacement")
    services.claim_start_review(claim=claim, actor=agent)
    services.claim_approve(claim=claim, actor=agent)
    with pytest.raises(ValidationFailed) as exc:
        services.claim_choose_remedy(claim=claim, actor=agent, remedy="repair")
    assert exc.value.code == "customer_choice_required"
    claim.refresh_from_db()
    assert claim.remedy == "" and claim.repair_order_id is None


def test_replacement_creates_a_zero_priced_replacement_order(
    customer_a, asset_a, agent, file_claim, drain_outbox
):
    from postventa.orders.services import order_change_status

    claim = file_claim(customer_a, asset_a, preferred_remedy="replacement")
    services.claim_start_review(claim=claim, actor=agent)
    services.claim_approve(claim=claim, actor=agent)
    claim = services.claim_choose_remedy(claim=claim, actor=agent, remedy="replacement")
    order = claim.replacement_order
    assert order is not None and order.customer_id == customer_a.pk
    assert order.total == Decimal("0.00") and order.status == "paid"
    assert order.number == f"{claim.number}-R1" and order.ship_city == "Madrid"
    assert [(li.sku, li.quantity) for li in order.lines.all()] == [("WASHER-1", 1)]
    assert claim.status == ClaimStatus.REMEDY_IN_PROGRESS
    # the orders pipeline ships it; delivery resolves the claim
    for status in ("preparing", "shipped", "delivered"):
        order_change_status(order=order, to_status=status, acting_user=agent, source="staff")
    drain_outbox()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED


def test_termination_records_the_refund_and_resolves(approved_claim, supervisor, drain_outbox, smtp_server):
    from postventa.aftercare.returns.models import Refund

    claim = services.claim_choose_remedy(
        claim=approved_claim, actor=supervisor, remedy="termination", grounds=["first_tier_impossible"],
        justification="The model is discontinued and no spare motor or replacement unit exists.",
    )  # fmt: skip
    refund = Refund.objects.get(pk=claim.refund_id)
    assert (
        refund.amount == Decimal("300.00") and refund.source_type == "claim" and refund.source_id == claim.pk
    )
    assert refund.order_id == claim.asset.order_line.order_id
    assert claim.status == ClaimStatus.RESOLVED and claim.remedy_grounds == ["first_tier_impossible"]
    drain_outbox()
    drain_outbox()
    subjects = [m["Subject"] for m in smtp_server.wait_for(3)]
    assert any("aprobada" in s for s in subjects) and any("resuelta" in s for s in subjects)


def test_price_reduction_is_partial_with_its_justification(approved_claim, supervisor, agent):
    from postventa.aftercare.returns.models import Refund

    with pytest.raises(PermissionDenied):  # refunds move money: not an agent's
        services.claim_choose_remedy(claim=approved_claim, actor=agent, remedy="price_reduction",
                                     grounds=["serious_defect"], amount="60",
                                     justification="Visible scratch on the front panel, customer keeps it.")  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        services.claim_choose_remedy(claim=approved_claim, actor=supervisor, remedy="price_reduction",
                                     grounds=["first_tier_disproportionate"], amount="300",
                                     justification="Replacing the front panel costs more than the washer.")  # fmt: skip
    assert exc.value.code == "reduction_not_partial"
    assert not Refund.objects.exists()
    claim = services.claim_choose_remedy(
        claim=approved_claim, actor=supervisor, remedy="price_reduction", grounds=["first_tier_disproportionate"],
        amount="60", justification="Replacing the front panel costs more than the washer.",
    )  # fmt: skip
    refund = Refund.objects.get()
    assert refund.amount == Decimal("60.00") and "front panel" in refund.reason
    assert claim.remedy_amount == Decimal("60.00") and claim.remedy_justification.startswith("Replacing")


def test_failed_repair_opens_the_second_tier(approved_claim, supervisor, agent):
    claim = services.claim_choose_remedy(claim=approved_claim, actor=agent, remedy="repair")
    first_repair = claim.repair_order_id
    claim = services.claim_remedy_failed(
        claim=claim, actor=agent, note="Same E21 error two days after the repair."
    )
    assert claim.status == ClaimStatus.APPROVED
    claim = services.claim_choose_remedy(
        claim=claim, actor=supervisor, remedy="termination", grounds=["first_tier_failed"],
        justification="The repair did not cure the fault; the customer asks to terminate.",
    )  # fmt: skip
    assert claim.status == ClaimStatus.RESOLVED
    # the old repair completing later moves nothing
    assert services.on_repair_completed(claim_id=claim.pk, repair_id=first_repair) is False
    assert ClaimHistory.objects.filter(claim=claim, action="remedy_failed").exists()


def test_out_of_coverage_is_allowed_but_flagged(customer_a, old_asset_a, file_claim):
    claim = file_claim(customer_a, old_asset_a)
    assert claim.covered is False and claim.presumption_applies is False
    assert claim.coverage_sentence.startswith("Sin cobertura")  # in her language
    assert "out-of-coverage" in list(claim.ticket.tags.values_list("name", flat=True))


def test_coverage_snapshot_does_not_change_later(customer_a, asset_a, file_claim):
    from postventa.catalog.models import Asset

    claim = file_claim(customer_a, asset_a)
    before = (claim.covered, claim.coverage_ends_on, claim.coverage_sentence, claim.coverage_snapshot)
    Asset.objects.filter(pk=asset_a.pk).update(purchased_on="2015-01-01")
    claim.refresh_from_db()
    assert (claim.covered, claim.coverage_ends_on, claim.coverage_sentence, claim.coverage_snapshot) == before


def test_a_second_open_claim_on_the_same_unit_is_refused(customer_a, asset_a, file_claim):
    first = file_claim(customer_a, asset_a)
    with pytest.raises(Conflict) as exc:
        file_claim(customer_a, asset_a)
    assert first.number in exc.value.message
    assert WarrantyClaim.objects.count() == 1


def test_chatbot_files_by_serial(customer_a, asset_a):
    claim = services.claim_file(customer=customer_a, serial="sn-a-001", symptoms="Leaks water from the door seal.",
                                channel="chatbot")  # fmt: skip
    assert claim.asset_id == asset_a.pk and claim.ticket.channel == "web_chat"
