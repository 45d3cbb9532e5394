"""Demo warranties: terms, plans and extended warranties through the services, once, sending nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from postventa.aftercare.warranties.coverage import coverage_for_asset
from postventa.aftercare.warranties.models import ExtendedWarranty, TermsVersion, WarrantyPlan, WarrantyTerms
from postventa.core.models import OutboxEvent
from postventa.demo import loader
from postventa.demo.aftercare_warranties import load


@pytest.mark.django_db
def test_demo_warranties_once_and_silent(smtp_server):
    loader.load(customers=60, orders=300, seed=7)
    assert WarrantyTerms.objects.count() == 3
    assert TermsVersion.objects.filter(terms__slug="bosch-comercial", status="published").count() == 2
    assert WarrantyPlan.objects.filter(kind="commercial").count() == 2
    assert WarrantyPlan.objects.filter(kind="extended").count() == 2
    sold = list(ExtendedWarranty.objects.select_related("asset"))
    assert 1 <= len(sold) <= 6
    coverage = coverage_for_asset(sold[0].asset, on=sold[0].starts_on)
    assert any(g.kind == "extended" and g.active for g in coverage.guarantees)
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists()
    assert smtp_server.messages == []
    before = (WarrantyTerms.objects.count(), TermsVersion.objects.count(), ExtendedWarranty.objects.count())
    assert load(now=timezone.now(), seed=7) == 0
    assert (
        WarrantyTerms.objects.count(),
        TermsVersion.objects.count(),
        ExtendedWarranty.objects.count(),
    ) == before
