"""Owner notices: tell every owner of a product (or a serial range) about a recall, firmware or end of life.

Sending is two steps. `notice_send` (in the request) writes the notice and one NoticeDelivery row
per owner, set-based, and emits "owner_notice.sent"; the outbox worker then runs `notice_deliver`,
which sends each pending delivery once through notify_customer with the key
"owner-notice:<notice>:<customer>". A retry finds sent rows and sends nothing twice.

Safety recalls are a legal obligation (product safety law): they go regardless of marketing
consent and of the weekly cap, as transactional messages, and every one is logged as a
Notification row. Firmware and end-of-life notices follow the same weekly cap as maintenance
reminders (held, not dropped, over the cap).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from postventa.aftercare.maintenance.models import NoticeDelivery, OwnerNotice
from postventa.aftercare.maintenance.services import _text, proactive_hold_until
from postventa.core import audit
from postventa.core.bulk import fast_insert
from postventa.core.errors import ValidationFailed
from postventa.core.events import emit
from postventa.core.permissions import require


def owners_assets(*, product, serial_from: str = "", serial_to: str = "", numeric: bool = False):
    """Assets of `product` whose serial lies in [from, to] (either end optional).

    Plain string order by default. `numeric` compares serials of the same pattern as numbers:
    a longer serial is a bigger one ("SN100" after "SN99"), and equal lengths compare as strings.
    """
    from postventa.catalog.models import Asset

    qs = Asset.objects.filter(product=product)
    if not numeric:
        if serial_from:
            qs = qs.filter(serial_number__gte=serial_from)
        if serial_to:
            qs = qs.filter(serial_number__lte=serial_to)
        return qs
    qs = qs.annotate(serial_len=Length("serial_number"))
    if serial_from:
        n = len(serial_from)
        qs = qs.filter(Q(serial_len__gt=n) | Q(serial_len=n, serial_number__gte=serial_from))
    if serial_to:
        n = len(serial_to)
        qs = qs.filter(Q(serial_len__lt=n) | Q(serial_len=n, serial_number__lte=serial_to))
    return qs


def _clean(product, kind, serial_from, serial_to, numeric, subject_es, subject_en, message_es, message_en):
    if product is None:
        raise ValidationFailed(_("Choose a product."), code="product_required")
    if kind not in OwnerNotice.Kind.values:
        raise ValidationFailed(_("Choose the kind of notice."), code="bad_kind")
    data = {
        "serial_from": _text(serial_from, _("Serial from"), max_length=80),
        "serial_to": _text(serial_to, _("Serial to"), max_length=80),
        "numeric_serials": bool(numeric),
        "subject_es": _text(subject_es, _("Subject (Spanish)"), max_length=200, required=True),
        "subject_en": _text(subject_en, _("Subject (English)"), max_length=200),
        "message_es": _text(message_es, _("Message (Spanish)"), max_length=5000, required=True),
        "message_en": _text(message_en, _("Message (English)"), max_length=5000),
    }
    lo, hi = data["serial_from"], data["serial_to"]
    if lo and hi:
        backwards = (len(lo), lo) > (len(hi), hi) if numeric else lo > hi
        if backwards:
            raise ValidationFailed(_("The serial range ends before it starts."), code="bad_range")
    return data


def notice_preview(*, product, serial_from: str = "", serial_to: str = "", numeric: bool = False) -> dict:
    """How many assets and distinct owners a notice would reach."""
    qs = owners_assets(product=product, serial_from=serial_from, serial_to=serial_to, numeric=numeric)
    agg = qs.aggregate(assets=Count("id"), owners=Count("customer_id", distinct=True))
    return {"assets": agg["assets"] or 0, "owners": agg["owners"] or 0}


@transaction.atomic
def notice_send(
    *,
    acting_user,
    product,
    kind: str,
    subject_es: str,
    message_es: str,
    subject_en: str = "",
    message_en: str = "",
    serial_from: str = "",
    serial_to: str = "",
    numeric_serials: bool = False,
) -> OwnerNotice:
    """Write the notice and one delivery per owner (maintenance.manage); the worker sends them."""
    require(acting_user, "maintenance.manage")
    data = _clean(product, kind, serial_from, serial_to, numeric_serials, subject_es, subject_en,
                  message_es, message_en)  # fmt: skip
    owners = list(
        owners_assets(
            product=product,
            serial_from=data["serial_from"],
            serial_to=data["serial_to"],
            numeric=data["numeric_serials"],
        )  # fmt: skip
        .filter(customer__erased_at__isnull=True)
        .values("customer_id")
        .annotate(asset_id=Min("id"))
        .order_by("customer_id")
        .values_list("customer_id", "asset_id")
    )
    if not owners:
        raise ValidationFailed(_("No owner has a product in this range: nothing to send."), code="no_owners")
    notice = OwnerNotice.objects.create(
        product=product, kind=kind, owners_total=len(owners), created_by=acting_user, **data
    )
    fast_insert(
        NoticeDelivery,
        (
            {"notice_id": notice.pk, "customer_id": c, "asset_id": a, "status": NoticeDelivery.Status.PENDING}
            for c, a in owners
        ),  # fmt: skip
    )
    audit.record(actor=acting_user, action="owner_notice.sent", target=notice,
                 changes={"owners": [None, len(owners)], "kind": [None, kind]})  # fmt: skip
    emit(
        "owner_notice.sent",
        payload={
            "notice_id": notice.pk,
            "product_id": product.pk,
            "sku": product.sku,
            "kind": kind,
            "serial_from": data["serial_from"],
            "serial_to": data["serial_to"],
            "owners": len(owners),
        },
        actor_id=acting_user.pk,
    )
    return notice


STATUS_OF_NOTIFICATION = {
    "sent": NoticeDelivery.Status.SENT,
    "queued": NoticeDelivery.Status.SENT,
    "deferred": NoticeDelivery.Status.DEFERRED,
    "suppressed": NoticeDelivery.Status.SUPPRESSED,
    "failed": NoticeDelivery.Status.FAILED,
}


def delivery_send(delivery: NoticeDelivery, *, now: dt.datetime) -> NoticeDelivery:
    """Send one owner's copy once."""
    from postventa.notifications import rendering
    from postventa.notifications.models import Notification
    from postventa.notifications.services import NotificationNotSent, notify_customer

    notice, customer = delivery.notice, delivery.customer
    key = f"owner-notice:{notice.pk}:{customer.pk}"
    recall = notice.kind == OwnerNotice.Kind.SAFETY_RECALL
    if not recall and not Notification.objects.filter(idempotency_key=key).exists():
        hold = proactive_hold_until(customer, now)
        if hold is not None:
            delivery.status, delivery.retry_after = NoticeDelivery.Status.HELD, hold
            delivery.note = _("Held: the customer reached the weekly message limit.")[:300]
            delivery.save(update_fields=["status", "retry_after", "note", "updated_at"])
            return delivery
    language = rendering.language_for(customer)
    with translation.override(language):
        context = {
            "first_name": customer.first_name,
            "kind": notice.kind,
            "kind_label": str(notice.get_kind_display()),
            "notice_subject": notice.subject,
            "message": notice.message,
            "product_name": notice.product.name,
            "serial_number": delivery.asset.serial_number if delivery.asset else "",
        }
    try:
        notification = notify_customer(
            customer=customer,
            template="owner_notice",
            context=context,
            idempotency_key=key,
            # Recalls: a legal duty to inform, never marketing. The others: service information
            # about the customer's own product, capped above like maintenance reminders.
            purpose="transactional",
            related=notice,
            now=now,
        )
    except NotificationNotSent:
        notification = Notification.objects.get(idempotency_key=key)
    delivery.status = STATUS_OF_NOTIFICATION.get(notification.status, NoticeDelivery.Status.FAILED)
    delivery.notification_id = notification.pk
    delivery.note = notification.last_error[:300]
    delivery.retry_after = None
    delivery.save(update_fields=["status", "notification_id", "note", "retry_after", "updated_at"])
    return delivery


def notice_deliver(*, notice_id: int, now: dt.datetime | None = None, batch: int = 200) -> dict[str, int]:
    """Send every pending (and every held whose time came) delivery of a notice. Idempotent."""
    now = now or timezone.now()
    sent = 0
    while True:
        rows = list(
            NoticeDelivery.objects.filter(notice_id=notice_id)
            .filter(
                Q(status=NoticeDelivery.Status.PENDING)
                | Q(status=NoticeDelivery.Status.HELD, retry_after__lte=now)
            )
            .select_related("notice__product", "customer", "asset")
            .order_by("id")[:batch]
        )
        if not rows:
            break
        progressed = 0
        for row in rows:
            before = row.status
            after = delivery_send(row, now=now).status
            progressed += int(after != before or after == NoticeDelivery.Status.SENT)
            sent += int(after == NoticeDelivery.Status.SENT)
        if not progressed:  # all of them held again: try later
            break
    _finish(notice_id, now)
    return {"sent": sent}


def _finish(notice_id: int, now: dt.datetime) -> None:
    open_left = NoticeDelivery.objects.filter(
        notice_id=notice_id, status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.HELD]
    ).exists()
    if not open_left:
        OwnerNotice.objects.filter(pk=notice_id, status=OwnerNotice.Status.SENDING).update(
            status=OwnerNotice.Status.SENT, finished_at=now
        )


def notices_continue(*, now: dt.datetime | None = None) -> int:
    """Periodic: resume notices with pending or held deliveries whose time has come."""
    now = now or timezone.now()
    ids = list(
        NoticeDelivery.objects.filter(notice__status=OwnerNotice.Status.SENDING)
        .filter(
            Q(status=NoticeDelivery.Status.PENDING)
            | Q(status=NoticeDelivery.Status.HELD, retry_after__lte=now)
        )
        .values_list("notice_id", flat=True)
        .distinct()
    )
    for notice_id in ids:
        notice_deliver(notice_id=notice_id, now=now)
    return len(ids)


def notice_progress(notice: OwnerNotice) -> dict[str, int]:
    counts = dict(
        NoticeDelivery.objects.filter(notice=notice).values_list("status").annotate(n=Count("id")).order_by()
    )
    done = sum(
        v for k, v in counts.items() if k not in (NoticeDelivery.Status.PENDING, NoticeDelivery.Status.HELD)
    )
    total = notice.owners_total or sum(counts.values())
    return {
        "total": total,
        "done": done,
        "percent": int(done * 100 / total) if total else 100,
        **{s.value: counts.get(s.value, 0) for s in NoticeDelivery.Status},
    }
