"""Merging duplicates moves every row to the target and keeps a trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from postventa.core.errors import Conflict, PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry, OutboxEvent
from postventa.customers import merge as merge_module
from postventa.customers.consents import consent_grant, consent_withdraw
from postventa.customers.merge import customer_merge, register_merge_mover
from postventa.customers.models import Consent, ConsentEvent, CustomerMerge, ExternalId, TimelineEntry
from postventa.customers.selectors import customer_find
from postventa.customers.services import (
    customer_address_add,
    customer_create,
    customer_external_id_set,
    customer_note_add,
)


@pytest.fixture
def movers():
    saved = dict(merge_module.MERGE_MOVERS)
    yield merge_module.MERGE_MOVERS
    merge_module.MERGE_MOVERS.clear()
    merge_module.MERGE_MOVERS.update(saved)


@pytest.mark.django_db
def test_merge_moves_everything(supervisor, movers):
    target = customer_create(
        acting_user=supervisor, first_name="Ana", emails=["ana@example.com"], tags=["vip"]
    )
    source = customer_create(
        acting_user=supervisor,
        first_name="Ana",
        last_name="López",
        emails=["ana.lopez@example.com"],
        phones=["600111222"],
        tags=["b2b"],
        attributes={"shoe_size": 38},
    )
    customer_address_add(
        customer=source, acting_user=supervisor, line1="C/ Mayor 1", postcode="28013", city="Madrid"
    )
    customer_external_id_set(customer=source, acting_user=supervisor, system="shop", value="S-1")
    customer_note_add(customer=source, acting_user=supervisor, text="Called about a late parcel")
    consent_grant(customer=source, channel="email", purpose="marketing", source="web_form")
    calls = []
    register_merge_mover("orders", lambda s, t: calls.append((s.pk, t.pk)) or 3)

    row = customer_merge(source=source, target=target, acting_user=supervisor)

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert source.email == ""
    assert sorted(target.emails.values_list("email", flat=True)) == [
        "ana.lopez@example.com",
        "ana@example.com",
    ]
    assert target.email == "ana@example.com"  # the target's primary stays primary
    assert target.phone == "+34600111222"
    assert target.addresses.count() == 1
    assert ExternalId.objects.get(system="shop", value="S-1").customer_id == target.pk
    assert sorted(target.tags.values_list("name", flat=True)) == ["b2b", "vip"]
    assert target.last_name == "López"  # filled from the source where the target had nothing
    assert target.attributes == {"shoe_size": 38}
    assert TimelineEntry.objects.filter(customer=source).count() == 0
    assert TimelineEntry.objects.filter(customer=target, kind="note.added").count() == 1
    assert TimelineEntry.objects.filter(customer=target, kind="customer.merged").count() == 1
    assert Consent.objects.get(customer=target, channel="email", purpose="marketing").status == "granted"
    assert ConsentEvent.objects.filter(customer=target).count() == 1
    assert calls == [(source.pk, target.pk)]
    assert row.moved["orders"] == 3 and row.moved["emails"] == 1 and row.moved["phones"] == 1
    assert CustomerMerge.objects.filter(source=source, target=target).count() == 1
    assert AuditEntry.objects.filter(action="customer.merged", target_id=str(target.pk)).exists()
    event = OutboxEvent.objects.get(type="customer.merged")
    assert event.payload["source_id"] == source.pk and event.payload["target_id"] == target.pk
    # Lookups by the source's old contacts now find the target.
    assert customer_find(email="ana.lopez@example.com") == target


@pytest.mark.django_db
def test_merge_consent_clash_keeps_latest_decision(supervisor):
    target = customer_create(acting_user=supervisor, first_name="Ana")
    source = customer_create(acting_user=supervisor, first_name="Ana B")
    earlier = timezone.now() - dt.timedelta(days=10)
    consent_grant(
        customer=target, channel="email", purpose="marketing", source="web_form", occurred_at=earlier
    )
    consent_withdraw(customer=source, channel="email", purpose="marketing", source="portal")
    customer_merge(source=source, target=target, acting_user=supervisor)
    consents = Consent.objects.filter(customer=target, channel="email", purpose="marketing")
    assert [c.status for c in consents] == ["withdrawn"]
    assert ConsentEvent.objects.filter(customer=target).count() == 2


@pytest.mark.django_db
def test_merge_refusals(supervisor, agent, movers):
    a = customer_create(acting_user=supervisor, first_name="A")
    b = customer_create(acting_user=supervisor, first_name="B")
    c = customer_create(acting_user=supervisor, first_name="C")
    with pytest.raises(ValidationFailed):
        customer_merge(source=a, target=a, acting_user=supervisor)
    with pytest.raises(PermissionDenied):  # agents hold customers.change but not customers.merge
        customer_merge(source=a, target=b, acting_user=agent)
    customer_merge(source=a, target=b, acting_user=supervisor)
    with pytest.raises(Conflict):
        customer_merge(source=a, target=c, acting_user=supervisor)
    with pytest.raises(Conflict):
        customer_merge(source=c, target=a, acting_user=supervisor)


@pytest.mark.django_db
def test_failing_mover_rolls_back_whole_merge(supervisor, movers):
    a = customer_create(acting_user=supervisor, first_name="A", emails=["a@example.com"])
    b = customer_create(acting_user=supervisor, first_name="B")

    def broken(source, target):
        raise RuntimeError("orders table locked")

    register_merge_mover("broken", broken)
    with pytest.raises(RuntimeError):
        customer_merge(source=a, target=b, acting_user=supervisor)
    a.refresh_from_db()
    assert a.merged_into_id is None
    assert a.emails.count() == 1
