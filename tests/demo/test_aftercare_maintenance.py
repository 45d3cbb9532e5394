"""Demo maintenance: plans, reminders, visits and a recall, through the services, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.maintenance.models import (
    MaintenancePlan,
    MaintenanceReminder,
    NoticeDelivery,
    OwnerNotice,
    ServiceVisit,
)
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_maintenance import load
from postventa.notifications.models import Notification


@pytest.mark.django_db
def test_demo_maintenance_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    assert MaintenancePlan.objects.count() >= 4
    assert MaintenancePlan.objects.filter(consumables__isnull=False).distinct().count() >= 4
    assert MaintenanceReminder.objects.exists()
    assert set(MaintenanceReminder.objects.values_list("kind", flat=True)) >= {"service", "consumable"}
    assert ServiceVisit.objects.count() == 2
    notice = OwnerNotice.objects.get(kind="safety_recall")
    assert notice.owners_total == NoticeDelivery.objects.filter(notice=notice).count() > 0
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists()
    assert not MaintenanceReminder.objects.filter(status="scheduled", send_after__lte=timezone.now()).exists()
    assert not Notification.objects.filter(template__in=["maintenance_reminder", "owner_notice", "service_visit"]).exists()
    assert smtp_server.messages == []
    before = MaintenanceReminder.objects.count()
    assert load(now=timezone.now(), seed=7) == 0
    assert MaintenanceReminder.objects.count() == before and OwnerNotice.objects.count() == 1
