"""Consent per channel and purpose: grant and withdraw are one call each (LSSI art. 21-22, GDPR art. 7).

Every change appends a ConsentEvent (the proof) and updates the Consent row (the current state).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.models import (
    Channel,
    Consent,
    ConsentEvent,
    ConsentSource,
    ConsentStatus,
    Customer,
    Purpose,
)
from postventa.customers.normalise import reject_nul
from postventa.customers.timeline import timeline_record


def _validate(channel: str, purpose: str, source: str, text_version: str, proof: Any) -> dict[str, Any]:
    reject_nul([channel, purpose, source, text_version, proof])
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel “%(value)s”.") % {"value": channel}, code="bad_channel")
    if purpose not in Purpose.values:
        raise ValidationFailed(_("Unknown purpose “%(value)s”.") % {"value": purpose}, code="bad_purpose")
    if source not in ConsentSource.values:
        raise ValidationFailed(
            _("Unknown consent source “%(value)s”.") % {"value": source}, code="bad_source"
        )
    if len(text_version or "") > 40:
        raise ValidationFailed(_("The text version is too long (at most 40 characters)."))
    if proof is None:
        return {}
    if not isinstance(proof, dict):
        raise ValidationFailed(_("The proof must be an object (e.g. ip, form_url, text)."), code="bad_proof")
    return proof


@transaction.atomic
def consent_set(
    *,
    customer: Customer,
    channel: str,
    purpose: str,
    status: str,
    source: str,
    acting_user=None,
    text_version: str = "",
    proof: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> Consent:
    """Record a grant or a withdrawal. `acting_user=None`: the customer themself (portal, form, link)."""
    if acting_user is not None:
        require(acting_user, "customers.change")
    if status not in ConsentStatus.values:
        raise ValidationFailed(_("The consent status must be granted or withdrawn."), code="bad_status")
    proof = _validate(channel, purpose, source, text_version, proof)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None or customer.merged_into_id is not None:
        raise Conflict(
            _("This customer can no longer be changed (erased or merged)."), code="customer_inactive"
        )
    when = occurred_at or timezone.now()
    consent, created = Consent.objects.get_or_create(
        customer=customer,
        channel=channel,
        purpose=purpose,
        defaults={
            "status": status,
            "source": source,
            "changed_at": when,
            "text_version": text_version,
            "proof": proof,
        },
    )
    old_status = None if created else consent.status
    if not created:
        consent.status, consent.source, consent.changed_at = status, source, when
        consent.text_version, consent.proof = text_version, proof
        consent.save()
    ConsentEvent.objects.create(
        customer=customer,
        channel=channel,
        purpose=purpose,
        status=status,
        source=source,
        occurred_at=when,
        text_version=text_version,
        proof=proof,
        actor=acting_user if getattr(acting_user, "pk", None) else None,
    )
    data = {"channel": channel, "purpose": purpose, "source": source}
    timeline_record(
        customer_id=customer.pk,
        kind=f"consent.{status}",
        summary=f"{channel}/{purpose}: {status}",
        data=data,
        actor=acting_user,
        occurred_at=when,
    )
    audit.record(
        actor=acting_user,
        action=f"consent.{status}",
        target=customer,
        changes={f"{channel}/{purpose}": [old_status, status]},
    )
    emit(
        "consent.changed",
        payload={"customer_id": customer.pk, "old_status": old_status, "status": status, **data},
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return consent


def consent_grant(**kwargs) -> Consent:
    """consent_set(status=granted); same keyword arguments."""
    return consent_set(status=ConsentStatus.GRANTED, **kwargs)


def consent_withdraw(**kwargs) -> Consent:
    """consent_set(status=withdrawn); same keyword arguments: withdrawing is as easy as granting."""
    return consent_set(status=ConsentStatus.WITHDRAWN, **kwargs)
