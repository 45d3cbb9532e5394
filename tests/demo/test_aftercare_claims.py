"""Demo warranty claims: claims in several statuses, through the services, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.claims.models import WarrantyClaim
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_claims import load
from postventa.notifications.models import Notification


@pytest.mark.django_db
def test_demo_claims_in_every_status_once_and_silent(smtp_server):
    # given: the small demo shop (which runs every aftercare loader, claims included)
    loader.load(customers=60, orders=300, seed=7)
    claims = WarrantyClaim.objects.all()
    statuses = set(claims.values_list("status", flat=True))
    # then: a handful of claims in different statuses, each with its ticket
    assert claims.count() == 8
    assert {"submitted", "in_review", "rejected", "remedy_in_progress", "resolved", "closed"} <= statuses
    assert not claims.filter(ticket__isnull=True).exists()
    assert claims.filter(remedy="repair", repair_order_id__isnull=False).exists()
    assert claims.filter(remedy="replacement", replacement_order__isnull=False).exists()
    assert claims.filter(remedy="price_reduction", refund_id__isnull=False).exists()
    assert claims.exclude(status="submitted").filter(history__to_status="in_review").distinct().count() >= 6
    # nothing waits to be sent, nothing was sent
    assert not OutboxEvent.objects.filter(
        status=OutboxEvent.Status.PENDING, type__startswith="claim."
    ).exists()
    assert smtp_server.messages == []
    assert not Notification.objects.filter(template__startswith="claim_").exists()
    # a second run adds nothing
    assert load(now=timezone.now(), seed=7) == 0
    assert WarrantyClaim.objects.count() == 8
