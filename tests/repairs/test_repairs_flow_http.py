"""A repair without a claim, end to end through HTTP: intake -> diagnosis -> quote -> the customer
approves by link (no login) -> parts used -> completed -> guarantee extended -> returned -> closed,
with every customer email delivered through a real SMTP server."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from repairs_testutil import link_from, png_upload

from postventa.aftercare.repairs.models import PartUsage, RepairOrder, SparePart
from postventa.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_claim_free_repair_end_to_end(client, agent, asset, spare_part, smtp_server, drain_outbox):
    client.force_login(agent)

    # intake, with a photo
    res = client.post(
        reverse("console:repair_create"),
        {
            "asset_id": asset.pk,
            "fault": "No centrifuga y hace ruido",
            "accessories": "Manguera de desagüe",
            "photos": [png_upload()],
        },
    )
    assert res.status_code == 302, res.content.decode()[:2000]
    repair = RepairOrder.objects.get()
    assert res["Location"] == reverse("console:repair_detail", args=[repair.pk])
    assert repair.photos.count() == 1
    drain_outbox()
    received = smtp_server.wait_for(1)
    assert len(received) == 1
    assert received[0]["To"] == "lucia@example.com"
    assert repair.number in received[0]["Subject"]
    assert "Hemos recibido" in received[0]["Subject"]

    # diagnosis and quote: one part and 1.5 hours of labour at 40 €/h, VAT 21 %
    assert (
        client.post(
            reverse("console:repair_diagnose", args=[repair.pk]), {"diagnosis": "Bomba de desagüe obstruida"}
        ).status_code
        == 302
    )
    res = client.post(
        reverse("console:repair_quote", args=[repair.pk]),
        {
            "kind": ["part", "labour", "part"],
            "spare_part_id": [str(spare_part.pk), "", ""],
            "description": ["", "Mano de obra", ""],
            "quantity": ["1", "1.5", ""],
            "unit_price": ["", "40", ""],
            "vat_rate": "21",
        },
    )
    assert res.status_code == 302
    page = client.get(reverse("console:repair_detail", args=[repair.pk])).content.decode()
    assert "114,95" in page, re.findall(r"alert[^>]*>([^<]*)", page)  # (35 + 60) * 1.21
    assert client.post(reverse("console:repair_send_quote", args=[repair.pk])).status_code == 302
    repair.refresh_from_db()
    assert repair.status == "quote_sent"
    drain_outbox()
    smtp_server.wait_for(2)
    quote_mail = smtp_server.messages[1]
    text = quote_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Bomba de desagüe" in text  # the part's Spanish name, in the customer's language
    assert "114,95" in text
    assert "IVA" in text
    path = link_from(quote_mail)

    # the customer opens the link without signing in and approves
    anonymous = Client()
    res = anonymous.get(path)
    assert res.status_code == 200
    assert "Aprobar el presupuesto" in res.content.decode()
    res = anonymous.post(path, {"decision": "approve", "comment": "Adelante"})
    assert res.status_code == 200
    repair.refresh_from_db()
    assert repair.status == "approved"
    assert repair.quote_comment == "Adelante"
    assert OutboxEvent.objects.filter(type="repair.quote_approved").count() == 1
    # the link is single-use
    assert anonymous.post(path, {"decision": "reject"}).status_code == 404
    repair.refresh_from_db()
    assert repair.status == "approved"

    # work: start, use the part, complete
    assert (
        client.post(
            reverse("console:repair_transition", args=[repair.pk]), {"to_status": "in_repair"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("console:repair_use_part", args=[repair.pk]),
            {"spare_part_id": spare_part.pk, "quantity": 1},
        ).status_code
        == 302
    )
    assert SparePart.objects.get(pk=spare_part.pk).stock == 2
    assert PartUsage.objects.filter(repair=repair).count() == 1
    res = client.post(
        reverse("console:repair_complete", args=[repair.pk]),
        {"report": "Bomba sustituida, prueba de centrifugado correcta"},
    )
    assert res.status_code == 302
    repair.refresh_from_db()
    assert repair.status == "repaired"
    assert repair.guarantee_extended_at is None  # not under warranty: nothing to extend
    drain_outbox()
    smtp_server.wait_for(3)
    assert "reparad" in smtp_server.messages[2]["Subject"]

    assert (
        client.post(
            reverse("console:repair_transition", args=[repair.pk]), {"to_status": "returned"}
        ).status_code
        == 302
    )
    drain_outbox()
    smtp_server.wait_for(4)
    assert "devuelto" in smtp_server.messages[3]["Subject"]
    assert (
        client.post(
            reverse("console:repair_transition", args=[repair.pk]), {"to_status": "closed"}
        ).status_code
        == 302
    )
    repair.refresh_from_db()
    assert repair.status == "closed"
    assert OutboxEvent.objects.filter(type="repair.closed").count() == 1
    drain_outbox()
    assert len(smtp_server.messages) == 4  # closing is not mailed; nothing was sent twice
    timeline = list(repair.status_changes.values_list("to_status", flat=True))
    assert timeline == [
        "received",
        "diagnosing",
        "quote_sent",
        "approved",
        "in_repair",
        "repaired",
        "returned",
        "closed",
    ]


def test_warranty_repair_costs_nothing_and_extends_the_guarantee(
    client, agent, asset, smtp_server, drain_outbox
):
    from postventa.aftercare.warranties.models import GuaranteeExtension

    client.force_login(agent)
    res = client.post(
        reverse("console:repair_create"),
        {"asset_id": asset.pk, "fault": "No enciende", "under_warranty": "on"},
    )
    assert res.status_code == 302
    repair = RepairOrder.objects.get()
    client.post(reverse("console:repair_diagnose", args=[repair.pk]), {"diagnosis": "Placa dañada"})
    client.post(
        reverse("console:repair_quote", args=[repair.pk]),
        {
            "kind": ["labour"],
            "spare_part_id": [""],
            "description": ["Cambio de placa"],
            "quantity": ["2"],
            "unit_price": ["40"],
        },
    )
    client.post(reverse("console:repair_send_quote", args=[repair.pk]))
    drain_outbox()
    smtp_server.wait_for(2)
    text = smtp_server.messages[1].get_body(preferencelist=("plain",)).get_content()
    assert "0,00" in text and "garantía" in text
    # Under warranty the customer has nothing to approve: staff may start work straight away too,
    # but here the customer approves by link.
    Client().post(link_from(smtp_server.messages[1]), {"decision": "approve"})
    repair.refresh_from_db()
    assert repair.status == "approved"
    client.post(reverse("console:repair_transition", args=[repair.pk]), {"to_status": "in_repair"})
    client.post(reverse("console:repair_complete", args=[repair.pk]), {"report": "Placa sustituida"})
    repair.refresh_from_db()
    assert repair.status == "repaired"
    extension = GuaranteeExtension.objects.get(asset=asset)
    assert extension.source_ref == f"repair:{repair.number}"
    assert repair.guarantee_extended_at is not None
    assert repair.guarantee_note
    from postventa.aftercare.repairs.selectors import quote_summary

    summary = quote_summary(repair)
    assert summary["total"] == Decimal("96.80") and summary["customer_total"] == Decimal("0.00")
