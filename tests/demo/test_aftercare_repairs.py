"""Demo repairs: spare parts and repairs in several statuses, through the services, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.repairs.models import RepairOrder, SparePart
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_repairs import load


@pytest.mark.django_db
def test_demo_repairs_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    statuses = set(RepairOrder.objects.values_list("status", flat=True))
    assert statuses >= {"received", "diagnosing", "quote_sent", "approved", "in_repair", "repaired", "closed"}
    assert SparePart.objects.count() == 5
    assert RepairOrder.objects.filter(part_usages__isnull=False).exists()
    assert RepairOrder.objects.filter(under_warranty=True, status="repaired").exists()
    assert not OutboxEvent.objects.filter(
        status=OutboxEvent.Status.PENDING, type__startswith="repair."
    ).exists()
    assert smtp_server.messages == []
    before = RepairOrder.objects.count()
    assert load(now=timezone.now(), seed=7) == 0
    assert RepairOrder.objects.count() == before
