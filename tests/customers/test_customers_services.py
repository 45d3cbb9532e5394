"""Customer services: normalisation, uniqueness, updates with audit, lookups."""

from __future__ import annotations

import pytest

from postventa.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from postventa.core.models import AuditEntry, OutboxEvent
from postventa.customers.models import Customer, TimelineEntry
from postventa.customers.normalise import normalise_email, normalise_phone
from postventa.customers.selectors import customer_find, customer_search
from postventa.customers.services import (
    customer_address_add,
    customer_create,
    customer_email_add,
    customer_email_remove,
    customer_note_add,
    customer_phone_add,
    customer_tags_set,
    customer_update,
)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("600 111 222", "+34600111222"),
        ("600-111-222", "+34600111222"),
        ("0034 600111222", "+34600111222"),
        ("+44 20 7946 0958", "+442079460958"),
        ("(91) 123.45.67", "+34911234567"),
    ],
)
def test_phone_normalisation(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "+0123456789", "", "600 111 22x"])
def test_phone_normalisation_rejects(raw):
    with pytest.raises(ValidationFailed):
        normalise_phone(raw)


def test_email_normalisation():
    assert normalise_email("  Ana.Lopez@Example.COM ") == "ana.lopez@example.com"
    with pytest.raises(ValidationFailed):
        normalise_email("not-an-email")


@pytest.mark.django_db
def test_create_normalises_and_sets_primary(agent):
    c = customer_create(
        acting_user=agent,
        first_name="Ana",
        last_name="López",
        emails=["Ana@Example.com", "ana.work@example.com"],
        phones=["600 111 222"],
        tags=["VIP client"],
        language="en",
    )
    c.refresh_from_db()
    assert c.email == "ana@example.com"
    assert c.phone == "+34600111222"
    assert sorted(c.emails.values_list("email", flat=True)) == ["ana.work@example.com", "ana@example.com"]
    assert list(c.tags.values_list("name", flat=True)) == ["vip-client"]
    assert c.language == "en"
    assert OutboxEvent.objects.filter(type="customer.created", customer_id=c.pk).count() == 1
    assert TimelineEntry.objects.filter(customer=c, kind="customer.created").count() == 1
    assert AuditEntry.objects.filter(action="customer.created", target_id=str(c.pk), actor=agent).exists()


@pytest.mark.django_db
def test_create_rejects_duplicate_email_and_phone(agent):
    first = customer_create(
        acting_user=agent, first_name="Ana", emails=["ana@example.com"], phones=["600111222"]
    )
    with pytest.raises(Conflict) as exc:
        customer_create(acting_user=agent, first_name="Otra", emails=["ANA@example.com"])
    assert exc.value.code == "email_taken"
    assert exc.value.extra["customer_id"] == first.pk
    with pytest.raises(Conflict) as exc:
        customer_create(acting_user=agent, first_name="Otra", phones=["+34 600 111 222"])
    assert exc.value.code == "phone_taken"
    # Nothing half-written: the refused customers do not exist.
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_create_validates_input(agent):
    with pytest.raises(ValidationFailed):
        customer_create(acting_user=agent)
    with pytest.raises(ValidationFailed):
        customer_create(acting_user=agent, first_name="A", language="fr")
    with pytest.raises(ValidationFailed):
        customer_create(acting_user=agent, first_name="A", time_zone="Mars/Olympus")
    with pytest.raises(ValidationFailed):
        customer_create(acting_user=agent, kind="company", first_name="A")
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_analyst_cannot_write(analyst):
    with pytest.raises(PermissionDenied):
        customer_create(acting_user=analyst, first_name="Ana")


@pytest.mark.django_db
def test_update_audits_old_and_new(agent):
    c = customer_create(acting_user=agent, first_name="Ana", emails=["ana@example.com"])
    customer_update(
        customer=c,
        acting_user=agent,
        data={"first_name": "Anabel", "quiet_start": "22:00", "quiet_end": "08:00"},
    )
    c.refresh_from_db()
    assert c.first_name == "Anabel"
    assert str(c.quiet_start) == "22:00:00"
    entry = AuditEntry.objects.get(action="customer.updated", target_id=str(c.pk))
    assert entry.changes["first_name"] == ["Ana", "Anabel"]
    event = OutboxEvent.objects.get(type="customer.updated", customer_id=c.pk)
    assert "first_name" in event.payload["fields"]


@pytest.mark.django_db
def test_update_refuses_unknown_fields_and_half_quiet_hours(agent, supervisor):
    c = customer_create(acting_user=agent, first_name="Ana")
    with pytest.raises(ValidationFailed):
        customer_update(customer=c, acting_user=agent, data={"email": "x@example.com"})
    with pytest.raises(ValidationFailed):
        customer_update(customer=c, acting_user=agent, data={"quiet_start": "22:00"})
    # A legal hold is a GDPR decision: agents cannot place it, supervisors can.
    with pytest.raises(PermissionDenied):
        customer_update(customer=c, acting_user=agent, data={"legal_hold_reason": "Court case 12/2026"})
    customer_update(customer=c, acting_user=supervisor, data={"legal_hold_reason": "Court case 12/2026"})
    c.refresh_from_db()
    assert c.legal_hold_reason == "Court case 12/2026"


@pytest.mark.django_db
def test_contacts_add_remove_keep_primary_in_sync(agent):
    c = customer_create(acting_user=agent, first_name="Ana", emails=["ana@example.com"])
    customer_email_add(customer=c, acting_user=agent, email="New@Example.com", primary=True)
    c.refresh_from_db()
    assert c.email == "new@example.com"
    customer_email_remove(customer=c, acting_user=agent, email="new@example.com")
    c.refresh_from_db()
    assert c.email == "ana@example.com"
    with pytest.raises(NotFound):
        customer_email_remove(customer=c, acting_user=agent, email="nobody@example.com")
    customer_phone_add(customer=c, acting_user=agent, phone="0044 7700 900123")
    c.refresh_from_db()
    assert c.phone == "+447700900123"
    with pytest.raises(Conflict):
        customer_email_add(customer=c, acting_user=agent, email="ana@example.com")


@pytest.mark.django_db
def test_find_by_any_email_or_phone(agent):
    a = customer_create(acting_user=agent, first_name="Ana", emails=["ana@example.com", "ana2@example.com"])
    b = customer_create(acting_user=agent, first_name="Bea", phones=["611 222 333", "612 000 000"])
    assert customer_find(email="ANA2@example.com") == a
    assert customer_find(phone="612-000-000") == b
    assert customer_find(phone="+34 611222333") == b
    assert customer_find(email="nobody@example.com") is None
    assert customer_find(phone="bogus") is None


@pytest.mark.django_db
def test_search_by_name_email_phone_company(agent):
    a = customer_create(acting_user=agent, first_name="Ana", last_name="López", emails=["ana@example.com"])
    b = customer_create(
        acting_user=agent, kind="company", company_name="Talleres Pérez", phones=["611222333"]
    )
    customer_create(acting_user=agent, first_name="Carlos", emails=["carlos@example.org"])
    assert list(customer_search(q="ana")) == [a]
    assert list(customer_search(q="Ana Lóp")) == [a]
    assert list(customer_search(q="talleres")) == [b]
    assert list(customer_search(q="611 222 333")) == [b]
    assert list(customer_search(q="ana@example.com")) == [a]
    assert customer_search(q="zzz").count() == 0


@pytest.mark.django_db
def test_tags_address_and_note(agent):
    c = customer_create(acting_user=agent, first_name="Ana")
    assert customer_tags_set(customer=c, acting_user=agent, tags=["B2B", "vip", "vip"]) == ["b2b", "vip"]
    assert sorted(c.tags.values_list("name", flat=True)) == ["b2b", "vip"]
    address = customer_address_add(
        customer=c, acting_user=agent, line1="C/ Mayor 1", postcode="28013", city="Madrid"
    )
    assert address.is_default is True
    with pytest.raises(ValidationFailed):
        customer_address_add(customer=c, acting_user=agent, line1="", postcode="28013", city="Madrid")
    entry = customer_note_add(customer=c, acting_user=agent, text="Prefers calls in the morning")
    assert entry.kind == "note.added"
    assert entry.data["text"] == "Prefers calls in the morning"
    with pytest.raises(ValidationFailed):
        customer_note_add(customer=c, acting_user=agent, text="   ")


@pytest.mark.django_db
def test_identify_finds_or_creates(agent):
    from postventa.customers.services import customer_identify

    ana = customer_create(
        acting_user=agent, first_name="Ana", emails=["ana@example.com"], phones=["600111222"]
    )
    assert customer_identify(email="ANA@example.com") == (ana, False)
    assert customer_identify(phone="600 111 222") == (ana, False)
    new, created = customer_identify(email="new@example.com", first_name="Nuevo", language="en")
    assert created is True and new.email == "new@example.com" and new.language == "en"
    with pytest.raises(ValidationFailed):
        customer_identify(email="not-an-email")
    with pytest.raises(ValidationFailed):
        customer_identify()
