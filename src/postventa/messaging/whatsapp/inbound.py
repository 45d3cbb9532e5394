"""Webhook in: signature check, raw storage first, then parsing into tickets and status updates.

Meta signs the exact body bytes with the app secret (X-Hub-Signature-256: sha256=<hex>). A bad
signature writes nothing. A good one is stored raw before parsing, so a parser bug or a
database hiccup leaves a failed row an admin can retry, never a lost message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postventa.core.errors import ApplicationError
from postventa.messaging.whatsapp import client
from postventa.messaging.whatsapp.models import (
    InboundWhatsApp,
    OutboundWhatsApp,
    WhatsAppAccount,
    WhatsAppContact,
)

log = logging.getLogger(__name__)

MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
STATUS_RANK = {"pending": 0, "sent": 1, "delivered": 2, "read": 3}


class SignatureMissing(Exception):
    pass


class SignatureInvalid(Exception):
    pass


def verify_signature(raw: bytes, header: str | None) -> WhatsAppAccount:
    """The active account whose app secret signed `raw`; raises SignatureMissing / SignatureInvalid."""
    header = (header or "").strip()
    if not header:
        raise SignatureMissing()
    algo, _sep, given = header.partition("=")
    if algo.lower() != "sha256" or not given:
        raise SignatureInvalid()
    for account in WhatsAppAccount.objects.filter(is_active=True).order_by("id"):
        expected = hmac.new(account.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, given.strip().lower()):
            return account
    raise SignatureInvalid()


def verify_subscription(*, mode: str, token: str, challenge: str) -> str | None:
    """The GET handshake: the challenge to echo back when the verify token is one of ours."""
    if mode != "subscribe" or not token or not challenge:
        return None
    if WhatsAppAccount.objects.filter(is_active=True, verify_token=token).exists():
        return challenge
    return None


def inbound_store(*, raw: bytes, account: WhatsAppAccount | None) -> InboundWhatsApp:
    """Keep the payload exactly as received (decoded leniently: the bytes were signed, not the text)."""
    return InboundWhatsApp.objects.create(account=account, raw=raw.decode("utf-8", errors="replace").replace("\x00", ""))


def _fail(inbound: InboundWhatsApp, error: str, now: dt.datetime) -> InboundWhatsApp:
    inbound.status = InboundWhatsApp.Status.FAILED
    inbound.error = error[:4000]
    inbound.processed_at = now
    inbound.save(update_fields=["status", "error", "processed_at", "attempts"])
    return inbound


def is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def process_stored(inbound_id: int, *, now: dt.datetime | None = None) -> str:
    """The worker's job for one stored payload; returns its final status.

    Idempotent: only a `received` row is processed, and only by whoever claims it first (a
    conditional UPDATE of `attempts`), so a job that runs twice, or the sweep running beside
    the job, processes a payload once. A redelivered payload (a second row with the same
    message ids) files nothing twice either: known WhatsApp message ids are skipped.
    Failures end as `failed` rows, the dead-letter list an admin retries.
    """
    row = InboundWhatsApp.objects.filter(pk=inbound_id).first()
    if row is None:
        return "missing"
    if row.status != InboundWhatsApp.Status.RECEIVED:
        return row.status
    claimed = InboundWhatsApp.objects.filter(
        pk=row.pk, status=InboundWhatsApp.Status.RECEIVED, attempts=row.attempts
    ).update(attempts=row.attempts + 1)
    if not claimed:
        return InboundWhatsApp.objects.filter(pk=row.pk).values_list("status", flat=True).first() or "missing"
    return inbound_process(row, now=now).status


def process_stale(*, now: dt.datetime | None = None, older_than: dt.timedelta = dt.timedelta(minutes=5), limit: int = 200) -> int:
    """Payloads still `received` long after arriving (a lost job, a worker that died): process them."""
    now = now or timezone.now()
    ids = list(
        InboundWhatsApp.objects.filter(status=InboundWhatsApp.Status.RECEIVED, received_at__lte=now - older_than)
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        if process_stored(pk, now=now) != "missing":
            done += 1
    return done


def inbound_process(inbound: InboundWhatsApp, *, now: dt.datetime | None = None) -> InboundWhatsApp:
    """Parse a stored payload and apply it. Safe to run again: known message ids are skipped."""
    now = now or timezone.now()
    inbound.attempts += 1
    try:
        data = json.loads(inbound.raw)
    except ValueError as exc:
        return _fail(inbound, _("The body is not valid JSON: %(error)s") % {"error": exc}, now)
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        inbound.status = InboundWhatsApp.Status.IGNORED
        inbound.error = _("Not a WhatsApp Business Account notification.")
        inbound.processed_at = now
        inbound.save(update_fields=["status", "error", "processed_at", "attempts"])
        return inbound
    messages = statuses = 0
    try:
        for value in _values(data):
            account = _account_for(value, inbound.account)
            if account is None:
                continue
            names = _contact_names(value)
            for item in value.get("messages") or []:
                if isinstance(item, dict) and _receive_one(account, item, names, inbound, now):
                    messages += 1
            for item in value.get("statuses") or []:
                if isinstance(item, dict) and _apply_status(item, now):
                    statuses += 1
    except ApplicationError as exc:
        return _fail(inbound, exc.message, now)
    except Exception as exc:  # a parser bug must not lose the payload: it stays for a retry
        log.exception("whatsapp inbound %s failed", inbound.pk)
        return _fail(inbound, f"{type(exc).__name__}: {exc}", now)
    inbound.message_count, inbound.status_count = messages, statuses
    inbound.status = InboundWhatsApp.Status.PROCESSED if messages or statuses else InboundWhatsApp.Status.IGNORED
    inbound.error = ""
    inbound.processed_at = now
    inbound.save()
    return inbound


def _values(data: dict[str, Any]):
    for entry in data.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and change.get("field") == "messages" and isinstance(change.get("value"), dict):
                yield change["value"]


def _account_for(value: dict[str, Any], signer: WhatsAppAccount | None) -> WhatsAppAccount | None:
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    number_id = str(metadata.get("phone_number_id") or "")
    if number_id:
        account = WhatsAppAccount.objects.filter(phone_number_id=number_id, is_active=True).first()
        if account is not None:
            return account
    return signer


def _contact_names(value: dict[str, Any]) -> dict[str, str]:
    names = {}
    for contact in value.get("contacts") or []:
        if isinstance(contact, dict) and contact.get("wa_id"):
            profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
            names[str(contact["wa_id"])] = str(profile.get("name") or "")[:200]
    return names


def _timestamp(raw: Any, now: dt.datetime) -> dt.datetime:
    try:
        moment = dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(moment, now)  # a clock ahead of ours must not stretch the 24 h window


def _body_of(kind: str, item: dict[str, Any]) -> tuple[str, str]:
    """(text, media id) of one inbound message of any type."""
    part = item.get(kind) if isinstance(item.get(kind), dict) else {}
    if kind == "text":
        return str(part.get("body") or ""), ""
    if kind in MEDIA_TYPES:
        text = str(part.get("caption") or part.get("filename") or "")
        return text, str(part.get("id") or "")
    if kind == "location":
        label = " ".join(str(part.get(k) or "") for k in ("name", "address")).strip()
        return f"{label} ({part.get('latitude')}, {part.get('longitude')})".strip(), ""
    if kind == "button":
        return str(part.get("text") or part.get("payload") or ""), ""
    if kind == "interactive":
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str(reply.get("title") or "") if isinstance(reply, dict) else "", ""
    if kind == "reaction":
        return str(part.get("emoji") or ""), ""
    return "", ""


def _media_file(account: WhatsAppAccount, media_id: str, kind: str, item: dict[str, Any]):
    from postventa.helpdesk.content import IncomingFile, max_attachment_bytes

    media = client.fetch_media(account, media_id, max_bytes=max_attachment_bytes())
    part = item.get(kind) if isinstance(item.get(kind), dict) else {}
    mime = (part.get("mime_type") or media.mime_type or "").split(";")[0].strip()
    import mimetypes

    ext = mimetypes.guess_extension(mime) or ""
    filename = str(part.get("filename") or f"whatsapp-{kind}-{media_id}{ext}")
    return IncomingFile(filename=filename, content_type=mime, content=media.content)


def _receive_one(account, item: dict[str, Any], names: dict[str, str], inbound: InboundWhatsApp, now) -> bool:
    from postventa.customers.services import customer_identify
    from postventa.helpdesk.models import Channel, Message, Ticket
    from postventa.helpdesk.services import receive_message

    wamid = str(item.get("id") or "")[:200]
    wa_id = "".join(ch for ch in str(item.get("from") or "") if ch.isdigit())
    if not wamid or not wa_id:
        raise ApplicationError(_("A message without id or sender."), code="bad_message")
    if Message.objects.filter(channel=Channel.WHATSAPP, external_id=wamid).exists():
        return False  # a redelivery: already a ticket message
    kind = str(item.get("type") or "unknown")
    text, media_id = _body_of(kind, item)
    data: dict[str, Any] = {"wa_id": wa_id, "whatsapp_type": kind, "inbound_id": inbound.pk}
    files = []
    if media_id:
        data["media_id"] = media_id
        try:
            files = [_media_file(account, media_id, kind, item)]
        except client.CloudApiError as exc:
            data["media_error"] = exc.message
            text = "\n".join(t for t in (text, _("[attachment could not be downloaded: %(error)s]") % {"error": exc.message}) if t)
    if not text and not files:
        text = _("[unsupported message type]") if kind not in MEDIA_TYPES else f"[{kind}]"
    context = item.get("context") if isinstance(item.get("context"), dict) else {}
    if context.get("id"):
        data["context_id"] = str(context["id"])[:200]
    sent_at = _timestamp(item.get("timestamp"), now)
    profile = names.get(wa_id, "")
    first, _sp, last = profile.partition(" ")
    with transaction.atomic():
        customer, _created = customer_identify(phone="+" + wa_id, first_name=first[:120], last_name=last[:160])
        contact, _c = WhatsAppContact.objects.select_for_update().get_or_create(account=account, wa_id=wa_id)
        contact.customer = customer
        contact.profile_name = profile or contact.profile_name
        if contact.last_inbound_at is None or sent_at > contact.last_inbound_at:
            contact.last_inbound_at = sent_at
        contact.save()
        ticket, _message, created = receive_message(
            customer=customer, channel=Channel.WHATSAPP, body_text=text, external_id=wamid, thread_keys=[wa_id],
            attachments_in=files, raw_ref=f"whatsapp-inbound:{inbound.pk}", data=data, acknowledge=False, now=now,
        )  # fmt: skip
        if created and account.default_team_id and ticket.team_id is None:
            Ticket.objects.filter(pk=ticket.pk, team__isnull=True).update(team_id=account.default_team_id)
    return True


def _apply_status(item: dict[str, Any], now: dt.datetime) -> bool:
    """A delivery callback (sent, delivered, read, failed) for one of our outbound messages."""
    from postventa.helpdesk.models import Message

    wamid, status = str(item.get("id") or ""), str(item.get("status") or "")
    if not wamid or status not in ("sent", "delivered", "read", "failed"):
        return False
    with transaction.atomic():
        out = OutboundWhatsApp.objects.select_for_update().filter(wamid=wamid).first()
        if out is None:
            return False
        at = _timestamp(item.get("timestamp"), now)
        if status == "failed":
            errors = item.get("errors") if isinstance(item.get("errors"), list) else []
            first = errors[0] if errors and isinstance(errors[0], dict) else {}
            reason = str(first.get("message") or first.get("title") or _("Delivery failed."))
            details = (first.get("error_data") or {}).get("details") if isinstance(first.get("error_data"), dict) else ""
            if details:
                reason = f"{reason}: {details}"
            out.status, out.error_code, out.error, out.status_at = status, str(first.get("code") or ""), reason[:2000], at
            out.save(update_fields=["status", "error_code", "error", "status_at"])
            Message.objects.filter(pk=out.message_id).update(delivery_status=Message.Delivery.FAILED, last_error=reason[:2000])
            return True
        if out.status in (OutboundWhatsApp.Status.FAILED, OutboundWhatsApp.Status.PENDING):
            return True  # pending: the reply's files are still going out; deliver() settles the status
        if STATUS_RANK[status] <= STATUS_RANK.get(out.status, 0):
            return True  # callbacks arrive out of order: never step back from read to delivered
        out.status, out.status_at = status, at
        out.save(update_fields=["status", "status_at"])
        message = Message.objects.filter(pk=out.message_id).first()
        if message is not None:
            message.delivery_status = Message.Delivery.SENT
            message.data = {**(message.data or {}), "whatsapp_status": status}
            message.save(update_fields=["delivery_status", "data"])
    return True
