"""GDPR export and erase, the legal hold, and the CLI commands."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from postventa.core import registry
from postventa.core.errors import Conflict, PermissionDenied
from postventa.core.models import AuditEntry, OutboxEvent
from postventa.customers.consents import consent_grant
from postventa.customers.gdpr import customer_erase, customer_export
from postventa.customers.models import ConsentEvent, CustomerEmail, TimelineEntry
from postventa.customers.services import customer_address_add, customer_create, customer_note_add


@pytest.fixture
def gdpr_registry():
    saved = [dict(r) for r in (registry.GDPR_EXPORTERS, registry.GDPR_ERASERS, registry.GDPR_HOLDS)]
    yield registry
    for current, old in zip(
        (registry.GDPR_EXPORTERS, registry.GDPR_ERASERS, registry.GDPR_HOLDS), saved, strict=True
    ):
        current.clear()
        current.update(old)


@pytest.fixture
def ana(supervisor):
    c = customer_create(
        acting_user=supervisor,
        first_name="Ana",
        last_name="López",
        emails=["ana@example.com"],
        phones=["600111222"],
        tags=["vip"],
        attributes={"shoe_size": 38},
        external_ids={"shop": "S-9"},
    )
    customer_address_add(
        customer=c, acting_user=supervisor, line1="C/ Mayor 1", postcode="28013", city="Madrid"
    )
    customer_note_add(customer=c, acting_user=supervisor, text="Lives with her sister Marta")
    consent_grant(
        customer=c, channel="email", purpose="marketing", source="web_form", proof={"ip": "203.0.113.7"}
    )
    return c


@pytest.mark.django_db
def test_export_contains_everything(ana, supervisor, gdpr_registry):
    registry.register_gdpr("orders", exporter=lambda c: [{"number": "PV-1", "customer": c.pk}])
    data = customer_export(customer=ana, acting_user=supervisor)
    assert data["customer"]["first_name"] == "Ana"
    assert data["emails"] == [{"email": "ana@example.com", "primary": True, "verified_at": None}]
    assert data["phones"][0]["number"] == "+34600111222"
    assert data["addresses"][0]["city"] == "Madrid"
    assert data["external_ids"] == [{"system": "shop", "value": "S-9"}]
    assert data["tags"] == ["vip"]
    assert data["consents"][0]["status"] == "granted"
    assert data["consent_history"][0]["proof"] == {"ip": "203.0.113.7"}
    assert any(t["kind"] == "note.added" for t in data["timeline"])
    assert data["apps"]["orders"] == [{"number": "PV-1", "customer": ana.pk}]
    json.dumps(data)  # JSON-safe
    assert AuditEntry.objects.filter(action="customer.exported", target_id=str(ana.pk)).exists()


@pytest.mark.django_db
def test_export_needs_permission(ana, agent):
    with pytest.raises(PermissionDenied):
        customer_export(customer=ana, acting_user=agent)


@pytest.mark.django_db
def test_erase_anonymises_and_calls_erasers(ana, supervisor, gdpr_registry):
    erased = []
    registry.register_gdpr("orders", eraser=lambda c: erased.append(c.pk))
    other = customer_create(acting_user=supervisor, first_name="Bea", emails=["bea@example.com"])
    customer_erase(customer=ana, acting_user=supervisor)
    ana.refresh_from_db()
    assert ana.erased_at is not None
    assert (ana.first_name, ana.last_name, ana.email, ana.phone, ana.notes) == ("", "", "", "", "")
    assert ana.attributes == {}
    assert ana.emails.count() == ana.phones.count() == ana.addresses.count() == ana.external_ids.count() == 0
    assert ana.tags.count() == 0
    assert not TimelineEntry.objects.filter(customer=ana).exclude(summary="").exists()
    assert not TimelineEntry.objects.filter(customer=ana, data__has_key="text").exists()
    assert ConsentEvent.objects.get(customer=ana).proof == {}
    assert ConsentEvent.objects.get(customer=ana).status == "granted"  # the decision stays
    assert erased == [ana.pk]
    assert OutboxEvent.objects.filter(type="customer.erased", customer_id=ana.pk).count() == 1
    assert AuditEntry.objects.filter(action="customer.erased", target_id=str(ana.pk)).exists()
    # Customer B untouched; A's email is free again.
    other.refresh_from_db()
    assert other.email == "bea@example.com"
    assert not CustomerEmail.objects.filter(email="ana@example.com").exists()
    with pytest.raises(Conflict):
        customer_erase(customer=ana, acting_user=supervisor)


@pytest.mark.django_db
def test_erase_refused_under_legal_hold(ana, supervisor, gdpr_registry):
    ana.legal_hold_reason = "Open court case 12/2026"
    ana.save()
    with pytest.raises(Conflict) as exc:
        customer_erase(customer=ana, acting_user=supervisor)
    assert exc.value.code == "legal_hold"
    assert "Open court case 12/2026" in exc.value.message
    ana.legal_hold_reason = ""
    ana.save()
    registry.register_gdpr("aftercare", hold=lambda c: "Warranty claim in progress")
    with pytest.raises(Conflict) as exc:
        customer_erase(customer=ana, acting_user=supervisor)
    assert "Warranty claim in progress" in exc.value.message
    ana.refresh_from_db()
    assert ana.erased_at is None and ana.first_name == "Ana"


@pytest.mark.django_db
def test_erase_needs_permission(ana, agent):
    with pytest.raises(PermissionDenied):
        customer_erase(customer=ana, acting_user=agent)


@pytest.mark.django_db
def test_cli_export_stdout_and_file(ana, tmp_path, capsys):
    call_command("export_customer", "ANA@example.com")
    data = json.loads(capsys.readouterr().out)
    assert data["customer"]["id"] == ana.pk
    out = tmp_path / "ana.json"
    call_command("export_customer", str(ana.pk), "--output", str(out))
    assert json.loads(out.read_text())["emails"][0]["email"] == "ana@example.com"


@pytest.mark.django_db
def test_cli_bad_input_is_a_command_error(ana, tmp_path):
    with pytest.raises(CommandError, match="nobody@example.com"):
        call_command("export_customer", "nobody@example.com")
    with pytest.raises(CommandError, match="no existe"):
        call_command("export_customer", "999999")
    with pytest.raises(CommandError, match="No se pudo escribir"):
        call_command("export_customer", str(ana.pk), "--output", str(tmp_path / "missing" / "x.json"))
    with pytest.raises(CommandError, match="cancelado"):
        call_command("erase_customer", str(ana.pk))  # no terminal to confirm: nothing happens
    ana.refresh_from_db()
    assert ana.erased_at is None


@pytest.mark.django_db
def test_cli_erase(ana, capsys):
    ana.legal_hold_reason = "Tax inspection"
    ana.save()
    with pytest.raises(CommandError, match="Tax inspection"):
        call_command("erase_customer", "ana@example.com", "--yes")
    ana.legal_hold_reason = ""
    ana.save()
    call_command("erase_customer", "ana@example.com", "--yes")
    ana.refresh_from_db()
    assert ana.erased_at is not None


@pytest.mark.django_db
def test_erase_reaches_duplicates_merged_into_the_customer(ana, supervisor):
    from postventa.customers.merge import customer_merge

    dup = customer_create(
        acting_user=supervisor, first_name="Ana María", notes="Old account", tax_id="12345678Z"
    )
    customer_merge(source=dup, target=ana, acting_user=supervisor)
    export = customer_export(customer=ana, acting_user=supervisor)
    assert [m["first_name"] for m in export["merged_from"]] == ["Ana María"]
    customer_erase(customer=ana, acting_user=supervisor)
    dup.refresh_from_db()
    assert (dup.first_name, dup.notes, dup.tax_id) == ("", "", "")
    assert dup.erased_at is not None and dup.merged_into_id == ana.pk
