"""Every write to a customer and their contact data.

`acting_user=None` means the system itself (imports, the CLI, the portal acting for the customer):
no permission check, audit rows say "system". Views and the API always pass the signed-in user.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require
from postventa.customers.models import (
    Address,
    Customer,
    CustomerEmail,
    CustomerPhone,
    ExternalId,
    Language,
    Tag,
    TimelineEntry,
)
from postventa.customers.normalise import as_pk, normalise_email, normalise_phone, reject_nul
from postventa.customers.timeline import timeline_record

# Fields customer_update accepts; anything else is refused so a typo never passes silently.
UPDATABLE_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "tax_id",
    "language",
    "time_zone",
    "attributes",
    "notes",
    "legal_hold_reason",
    "quiet_start",
    "quiet_end",
    "max_messages_per_week",
)
_MAX_LEN = {"first_name": 120, "last_name": 160, "company_name": 200, "tax_id": 32, "legal_hold_reason": 300}


def _check(acting_user, permission: str) -> None:
    if acting_user is not None:
        require(acting_user, permission)


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the plain fields of a customer; raises ValidationFailed."""
    reject_nul(data)
    unknown = sorted(set(data) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}, code="unknown_fields"
        )
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name in _MAX_LEN or name == "notes":
            value = (value or "").strip()
            if name in _MAX_LEN and len(value) > _MAX_LEN[name]:
                raise ValidationFailed(
                    _("%(field)s is too long (at most %(max)s characters).")
                    % {"field": name, "max": _MAX_LEN[name]}
                )
        elif name == "kind":
            if value not in Customer.Kind.values:
                raise ValidationFailed(_("The kind must be “person” or “company”."), code="bad_kind")
        elif name == "language":
            if value not in Language.values:
                raise ValidationFailed(
                    _("The language must be one of: %(choices)s.") % {"choices": ", ".join(Language.values)}
                )
        elif name == "time_zone":
            try:
                zoneinfo.ZoneInfo(value or "")
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValidationFailed(
                    _("“%(tz)s” is not a known time zone (e.g. Europe/Madrid).") % {"tz": value}
                )
        elif name == "attributes":
            value = value or {}
            if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                raise ValidationFailed(_("Custom attributes must be an object of names to values."))
        elif name in ("quiet_start", "quiet_end"):
            if value in ("", None):
                value = None
            elif isinstance(value, str):
                try:
                    value = dt.time.fromisoformat(value)
                except ValueError:
                    raise ValidationFailed(_("Quiet hours must be times like 22:00."))
            elif not isinstance(value, dt.time):
                raise ValidationFailed(_("Quiet hours must be times like 22:00."))
        elif name == "max_messages_per_week":
            if value in ("", None):
                value = None
            elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
                raise ValidationFailed(_("The maximum of messages per week must be a number from 0 to 1000."))
        clean[name] = value
    return clean


def _check_quiet_pair(customer: Customer) -> None:
    if (customer.quiet_start is None) != (customer.quiet_end is None):
        raise ValidationFailed(
            _("Give both the start and the end of the quiet hours, or neither."), code="quiet_hours"
        )


def _email_taken(email: str, *, exclude_customer_id: int | None = None) -> CustomerEmail | None:
    qs = CustomerEmail.objects.select_related("customer").filter(email=email)
    if exclude_customer_id:
        qs = qs.exclude(customer_id=exclude_customer_id)
    return qs.first()


def _phone_taken(number: str, *, exclude_customer_id: int | None = None) -> CustomerPhone | None:
    qs = CustomerPhone.objects.select_related("customer").filter(number=number)
    if exclude_customer_id:
        qs = qs.exclude(customer_id=exclude_customer_id)
    return qs.first()


def _sync_primary(customer: Customer) -> None:
    """Keep the denormalised Customer.email/phone equal to the primary (or first) contact."""
    emails = list(customer.emails.all())
    if emails and not any(e.is_primary for e in emails):
        emails[0].is_primary = True
        emails[0].save(update_fields=["is_primary"])
    phones = list(customer.phones.all())
    if phones and not any(p.is_primary for p in phones):
        phones[0].is_primary = True
        phones[0].save(update_fields=["is_primary"])
    primary_email = next((e.email for e in emails if e.is_primary), "")
    primary_phone = next((p.number for p in phones if p.is_primary), "")
    if customer.email != primary_email or customer.phone != primary_phone:
        customer.email, customer.phone = primary_email, primary_phone
        customer.save(update_fields=["email", "phone", "updated_at"])


def _add_email(customer: Customer, raw: str, *, primary: bool) -> CustomerEmail:
    email = normalise_email(raw)
    taken = _email_taken(email)
    if taken is not None:
        if taken.customer_id == customer.pk:
            raise Conflict(
                _("This customer already has the email %(email)s.") % {"email": email}, code="email_duplicate"
            )
        raise Conflict(
            _("The email %(email)s already belongs to another customer (#%(id)s).")
            % {"email": email, "id": taken.customer_id},
            code="email_taken",
            extra={"customer_id": taken.customer_id},
        )
    if primary:
        customer.emails.update(is_primary=False)
    try:
        with transaction.atomic():
            return CustomerEmail.objects.create(customer=customer, email=email, is_primary=primary)
    except IntegrityError:  # a concurrent request took it between the check and the insert
        raise Conflict(
            _("The email %(email)s already belongs to another customer.") % {"email": email},
            code="email_taken",
        )


def _add_phone(customer: Customer, raw: str, *, primary: bool, label: str = "") -> CustomerPhone:
    number = normalise_phone(raw)
    taken = _phone_taken(number)
    if taken is not None:
        if taken.customer_id == customer.pk:
            raise Conflict(
                _("This customer already has the phone %(phone)s.") % {"phone": number},
                code="phone_duplicate",
            )
        raise Conflict(
            _("The phone %(phone)s already belongs to another customer (#%(id)s).")
            % {"phone": number, "id": taken.customer_id},
            code="phone_taken",
            extra={"customer_id": taken.customer_id},
        )
    if primary:
        customer.phones.update(is_primary=False)
    try:
        with transaction.atomic():
            return CustomerPhone.objects.create(
                customer=customer, number=number, is_primary=primary, label=label[:40]
            )
    except IntegrityError:
        raise Conflict(
            _("The phone %(phone)s already belongs to another customer.") % {"phone": number},
            code="phone_taken",
        )


def _lock(customer: Customer) -> Customer:
    try:
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
    except Customer.DoesNotExist:
        raise NotFound(_("That customer does not exist."))
    if locked.erased_at is not None:
        raise Conflict(
            _("This customer's personal data was erased; it cannot be changed."), code="customer_erased"
        )
    if locked.merged_into_id is not None:
        raise Conflict(
            _("This customer was merged into customer #%(id)s; change that one instead.")
            % {"id": locked.merged_into_id},
            code="customer_merged",
        )
    return locked


@transaction.atomic
def customer_create(
    *,
    acting_user,
    kind: str = Customer.Kind.PERSON,
    first_name: str = "",
    last_name: str = "",
    company_name: str = "",
    tax_id: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    language: str = Language.ES,
    time_zone: str = "Europe/Madrid",
    tags: Iterable[str] = (),
    attributes: dict[str, Any] | None = None,
    notes: str = "",
    external_ids: dict[str, str] | None = None,
    quiet_start: dt.time | str | None = None,
    quiet_end: dt.time | str | None = None,
    max_messages_per_week: int | None = None,
) -> Customer:
    """Create a customer with their contacts; the first email and phone become primary."""
    _check(acting_user, "customers.change")
    fields = _clean_fields(
        {
            "kind": kind,
            "first_name": first_name,
            "last_name": last_name,
            "company_name": company_name,
            "tax_id": tax_id,
            "language": language,
            "time_zone": time_zone,
            "attributes": attributes or {},
            "notes": notes,
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "max_messages_per_week": max_messages_per_week,
        }
    )
    emails = [e for e in emails if (e or "").strip()]
    phones = [p for p in phones if (p or "").strip()]
    if not (fields["first_name"] or fields["last_name"] or fields["company_name"] or emails or phones):
        raise ValidationFailed(_("Give the customer a name, an email or a phone."), code="customer_empty")
    if fields["kind"] == Customer.Kind.COMPANY and not fields["company_name"]:
        raise ValidationFailed(_("A company needs a company name."), code="company_name_missing")
    customer = Customer(**fields)
    _check_quiet_pair(customer)
    customer.save()
    for i, raw in enumerate(emails):
        _add_email(customer, raw, primary=i == 0)
    for i, raw in enumerate(phones):
        _add_phone(customer, raw, primary=i == 0)
    for system, value in (external_ids or {}).items():
        _set_external_id(customer, system, value)
    if tags:
        _set_tags(customer, tags)
    _sync_primary(customer)
    audit.record(actor=acting_user, action="customer.created", target=customer)
    timeline_record(
        customer_id=customer.pk, kind="customer.created", summary=customer.display_name, actor=acting_user
    )
    emit(
        "customer.created",
        payload={"customer_id": customer.pk, "display_name": customer.display_name},
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, acting_user, data: dict[str, Any]) -> Customer:
    """Change plain fields (see UPDATABLE_FIELDS); audits old -> new; emits customer.updated."""
    _check(acting_user, "customers.change")
    if "legal_hold_reason" in data:
        _check(acting_user, "customers.erase")  # placing or lifting a hold is a GDPR decision
    customer = _lock(customer)
    clean = _clean_fields(data)
    before = audit.snapshot(customer, clean.keys())
    for name, value in clean.items():
        setattr(customer, name, value)
    _check_quiet_pair(customer)
    if customer.kind == Customer.Kind.COMPANY and not customer.company_name:
        raise ValidationFailed(_("A company needs a company name."), code="company_name_missing")
    changes = audit.diff(before, audit.snapshot(customer, clean.keys()))
    if not changes:
        return customer
    customer.save()
    audit.record(actor=acting_user, action="customer.updated", target=customer, changes=changes)
    emit(
        "customer.updated",
        payload={"customer_id": customer.pk, "fields": sorted(changes)},
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )
    return customer


def _contact_changed(customer: Customer, acting_user, action: str, old, new) -> None:
    _sync_primary(customer)
    audit.record(actor=acting_user, action=action, target=customer, changes={"value": [old, new]})
    emit(
        "customer.updated",
        payload={"customer_id": customer.pk, "fields": [action.split(".")[1]]},
        customer_id=customer.pk,
        actor_id=getattr(acting_user, "pk", None),
    )


@transaction.atomic
def customer_email_add(
    *, customer: Customer, acting_user, email: str, primary: bool = False
) -> CustomerEmail:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    row = _add_email(customer, email, primary=primary)
    _contact_changed(customer, acting_user, "customer.email_added", None, row.email)
    return row


@transaction.atomic
def customer_email_remove(*, customer: Customer, acting_user, email: str) -> None:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    address = (email or "").strip().lower()
    deleted, _n = customer.emails.filter(email=address).delete()
    if not deleted:
        raise NotFound(_("This customer has no email %(email)s.") % {"email": address})
    _contact_changed(customer, acting_user, "customer.email_removed", address, None)


@transaction.atomic
def customer_phone_add(
    *, customer: Customer, acting_user, phone: str, primary: bool = False, label: str = ""
) -> CustomerPhone:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    row = _add_phone(customer, phone, primary=primary, label=label)
    _contact_changed(customer, acting_user, "customer.phone_added", None, row.number)
    return row


@transaction.atomic
def customer_phone_remove(*, customer: Customer, acting_user, phone: str) -> None:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    number = normalise_phone(phone)
    deleted, _n = customer.phones.filter(number=number).delete()
    if not deleted:
        raise NotFound(_("This customer has no phone %(phone)s.") % {"phone": number})
    _contact_changed(customer, acting_user, "customer.phone_removed", number, None)


@transaction.atomic
def customer_address_add(
    *,
    customer: Customer,
    acting_user,
    line1: str,
    postcode: str,
    city: str,
    line2: str = "",
    region: str = "",
    country: str = "ES",
    kind: str = Address.Kind.SHIPPING,
    is_default: bool = False,
) -> Address:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    reject_nul([line1, line2, postcode, city, region, country, kind])
    line1, postcode, city = (line1 or "").strip(), (postcode or "").strip(), (city or "").strip()
    country = (country or "ES").strip().upper()
    if not (line1 and postcode and city):
        raise ValidationFailed(
            _("An address needs a street line, a postcode and a city."), code="address_incomplete"
        )
    if kind not in Address.Kind.values:
        raise ValidationFailed(_("The address kind must be shipping, billing or other."))
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed(_("The country must be a two-letter code such as ES."))
    if (
        len(line1) > 200
        or len(line2 or "") > 200
        or len(postcode) > 16
        or len(city) > 120
        or len(region or "") > 120
    ):
        raise ValidationFailed(_("One of the address lines is too long."))
    first = not customer.addresses.exists()
    if is_default:
        customer.addresses.update(is_default=False)
    address = Address.objects.create(
        customer=customer,
        kind=kind,
        line1=line1,
        line2=(line2 or "").strip(),
        postcode=postcode,
        city=city,
        region=(region or "").strip(),
        country=country,
        is_default=is_default or first,
    )
    audit.record(
        actor=acting_user,
        action="customer.address_added",
        target=customer,
        changes={"address": [None, str(address)]},
    )
    return address


@transaction.atomic
def customer_address_remove(*, customer: Customer, acting_user, address_id: int) -> None:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    pk = as_pk(address_id)
    address = customer.addresses.filter(pk=pk).first() if pk else None
    if address is None:
        raise NotFound(_("That address does not exist."))
    text = str(address)
    address.delete()
    audit.record(
        actor=acting_user,
        action="customer.address_removed",
        target=customer,
        changes={"address": [text, None]},
    )


def _set_tags(customer: Customer, names: Iterable[str]) -> list[str]:
    names = list(names)
    reject_nul(names)
    slugs = []
    for name in names:
        slug = slugify((name or "").strip(), allow_unicode=True)[:60]
        if not slug and (name or "").strip():
            raise ValidationFailed(_("“%(tag)s” is not a valid tag.") % {"tag": name})
        if slug and slug not in slugs:
            slugs.append(slug)
    tags = [Tag.objects.get_or_create(name=slug)[0] for slug in slugs]
    customer.tags.set(tags)
    return slugs


@transaction.atomic
def customer_tags_set(*, customer: Customer, acting_user, tags: Iterable[str]) -> list[str]:
    """Replace the customer's tags (names are slugified: "VIP client" -> "vip-client")."""
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    before = sorted(customer.tags.values_list("name", flat=True))
    after = sorted(_set_tags(customer, tags))
    if before != after:
        audit.record(
            actor=acting_user, action="customer.tags_set", target=customer, changes={"tags": [before, after]}
        )
        emit(
            "customer.updated",
            payload={"customer_id": customer.pk, "fields": ["tags"]},
            customer_id=customer.pk,
            actor_id=getattr(acting_user, "pk", None),
        )
    return after


def _set_external_id(customer: Customer, system: str, value: str) -> ExternalId:
    reject_nul([system, value])
    system, value = (system or "").strip()[:40], str(value or "").strip()[:120]
    if not system or not value:
        raise ValidationFailed(_("An external id needs a system and a value."))
    existing = ExternalId.objects.filter(system=system, value=value).first()
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise Conflict(
                _("The id %(value)s in %(system)s already belongs to customer #%(id)s.")
                % {"value": value, "system": system, "id": existing.customer_id},
                code="external_id_taken",
            )
        return existing
    return ExternalId.objects.create(customer=customer, system=system, value=value)


@transaction.atomic
def customer_external_id_set(*, customer: Customer, acting_user, system: str, value: str) -> ExternalId:
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    row = _set_external_id(customer, system, value)
    audit.record(
        actor=acting_user, action="customer.external_id_set", target=customer, changes={system: [None, value]}
    )
    return row


@transaction.atomic
def customer_note_add(*, customer: Customer, acting_user, text: str) -> TimelineEntry:
    """A staff note on the customer's timeline."""
    _check(acting_user, "customers.change")
    customer = _lock(customer)
    text = (text or "").strip()
    reject_nul(text)
    if not text:
        raise ValidationFailed(_("Write the note first."), code="note_empty")
    if len(text) > 5000:
        raise ValidationFailed(_("The note is too long (at most 5000 characters)."), code="note_too_long")
    entry = timeline_record(
        customer_id=customer.pk, kind="note.added", summary=text[:300], data={"text": text}, actor=acting_user
    )
    audit.record(actor=acting_user, action="customer.note_added", target=customer)
    return entry


@transaction.atomic
def customers_by_email(emails: Iterable[str]) -> dict[str, Customer]:
    """The customers owning these emails, in one query: {normalised email: customer}.

    For inbound channels that identify many senders at once (an IMAP batch): the same answer
    as `customer_identify` gives for an existing customer. Emails that are invalid, unknown or
    whose customer was merged away are left out; `customer_identify` handles those one by one.
    """
    wanted: set[str] = set()
    for raw in emails:
        if not (raw or "").strip() or "\x00" in raw:
            continue
        try:
            wanted.add(normalise_email(raw))
        except ValidationFailed:
            continue
    if not wanted:
        return {}
    found: dict[str, Customer] = {}
    for row in CustomerEmail.objects.select_related("customer").filter(email__in=sorted(wanted)):
        if row.customer.merged_into_id is None:
            found[row.email] = row.customer
    return found


def customer_identify(
    *,
    acting_user=None,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = Language.ES,
) -> tuple[Customer, bool]:
    """The customer owning `email` or `phone`, or a new one with them: (customer, created).

    For inbound channels (email, chat, WhatsApp, forms) that must attach a message to a person.
    Looks up by email first, then by phone; a new customer gets both as primary contacts.
    """
    from postventa.customers.selectors import customer_find

    email = normalise_email(email) if (email or "").strip() else ""
    found = customer_find(email=email or None, phone=phone or None)
    if found is not None:
        return found, False
    customer = customer_create(
        acting_user=acting_user,
        first_name=first_name,
        last_name=last_name,
        emails=[email] if email else [],
        phones=[phone] if phone else [],
        language=language,
    )
    return customer, True
