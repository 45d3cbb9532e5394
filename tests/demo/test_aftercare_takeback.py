"""Demo take-back: disposal instructions and two requests, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.takeback.models import DisposalInstruction, TakebackRequest
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_takeback import load
from postventa.notifications.models import Notification


@pytest.mark.django_db
def test_demo_takeback_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    assert DisposalInstruction.objects.count() >= 4
    assert sorted(TakebackRequest.objects.values_list("status", flat=True)) == ["recycled", "requested"]
    assert TakebackRequest.objects.get(status="recycled").history.count() == 4
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, type__startswith="takeback.").exists()
    assert not Notification.objects.filter(template="takeback_status").exists()
    assert smtp_server.messages == []
    assert load(now=timezone.now(), seed=7) == 0
    assert TakebackRequest.objects.count() == 2
