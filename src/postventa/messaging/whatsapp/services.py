"""Admin writes for WhatsApp: the account, its templates, retrying failed inbound payloads.

Sending lives in whatsapp.outbound (replies, templates); the webhook in whatsapp.inbound.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from postventa.core import audit
from postventa.core.errors import Conflict, NotFound, ValidationFailed
from postventa.core.permissions import require
from postventa.messaging.whatsapp import inbound as inbound_mod
from postventa.messaging.whatsapp.models import InboundWhatsApp, WhatsAppAccount, WhatsAppTemplate
from postventa.messaging.whatsapp.outbound import send_template  # noqa: F401  (re-exported: one place to call)

_VERSION = re.compile(r"^v\d{1,3}\.\d{1,2}$")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(_("The text contains a NUL character, which is not allowed."), code="nul_character")
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label}, code=f"{field}_missing", extra={"field": field})
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (at most %(n)s characters).") % {"field": label, "n": max_length},
            code=f"{field}_too_long", extra={"field": field},
        )  # fmt: skip
    return value


def new_verify_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def account_save(
    *,
    acting_user,
    account: WhatsAppAccount | None = None,
    name: str,
    phone_number_id: str,
    display_phone_number: str = "",
    access_token: str = "",
    app_secret: str = "",
    verify_token: str = "",
    base_url: str = "",
    api_version: str = "",
    default_team_id: int | None = None,
    is_active: bool = True,
) -> WhatsAppAccount:
    """Create or change the WhatsApp account. Empty secrets on an existing account keep the old ones."""
    require(acting_user, "tickets.manage")
    is_new = account is None
    account = account or WhatsAppAccount()
    account.name = _text(name, field="name", label=_("Name"), max_length=120)
    number_id = _text(phone_number_id, field="phone_number_id", label=_("Phone number id"), max_length=40)
    if not number_id.isdigit():
        raise ValidationFailed(_("The phone number id is the number Meta shows for it (digits only)."), code="phone_number_id_invalid", extra={"field": "phone_number_id"})
    account.phone_number_id = number_id
    account.display_phone_number = _text(display_phone_number, field="display_phone_number", label=_("Display phone number"), max_length=40, required=False)
    for field, label, value, max_length in (
        ("access_token", _("Access token"), access_token, 4000),
        ("app_secret", _("App secret"), app_secret, 200),
    ):
        value = _text(value, field=field, label=label, max_length=max_length, required=is_new)
        if value:
            setattr(account, field, value)
    account.verify_token = _text(verify_token, field="verify_token", label=_("Verify token"), max_length=200, required=False) or account.verify_token or new_verify_token()
    url = _text(base_url, field="base_url", label=_("API base URL"), max_length=300, required=False) or "https://graph.facebook.com"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        raise ValidationFailed(_("Enter a valid http(s) URL for the API."), code="base_url_invalid", extra={"field": "base_url"})
    account.base_url = url.rstrip("/")
    version = _text(api_version, field="api_version", label=_("API version"), max_length=12, required=False) or "v21.0"
    if not _VERSION.match(version):
        raise ValidationFailed(_("The API version looks like v21.0."), code="api_version_invalid", extra={"field": "api_version"})
    account.api_version = version
    if default_team_id:
        from postventa.accounts.models import Team
        from postventa.customers.normalise import as_pk

        if not as_pk(default_team_id) or not Team.objects.filter(pk=default_team_id).exists():
            raise ValidationFailed(_("That team does not exist."), code="team_invalid", extra={"field": "default_team"})
    account.default_team_id = default_team_id or None
    account.is_active = bool(is_active)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise Conflict(_("Another account already uses this phone number id."), code="phone_number_id_taken")
    # Never the secrets themselves in the audit trail.
    audit.record(actor=acting_user, action="whatsapp.account_created" if is_new else "whatsapp.account_changed",
                 target=account, changes={"phone_number_id": [None, account.phone_number_id], "base_url": [None, account.base_url]})  # fmt: skip
    return account


@transaction.atomic
def template_save(
    *,
    acting_user,
    account: WhatsAppAccount,
    name: str,
    language: str,
    category: str,
    body: str,
    template: WhatsAppTemplate | None = None,
    is_active: bool = True,
) -> WhatsAppTemplate:
    """Mirror a template approved in Meta's manager (its exact name and language code)."""
    require(acting_user, "tickets.manage")
    template = template or WhatsAppTemplate(account=account)
    name = _text(name, field="name", label=_("Name"), max_length=512)
    if not _TEMPLATE_NAME.match(name):
        raise ValidationFailed(_("Template names use lowercase letters, digits and underscores, as in Meta's manager."), code="template_name_invalid", extra={"field": "name"})
    language = _text(language, field="language", label=_("Language code"), max_length=12)
    if not _LANGUAGE.match(language):
        raise ValidationFailed(_("Use a language code such as es, en or en_US."), code="language_invalid", extra={"field": "language"})
    if category not in WhatsAppTemplate.Category.values:
        raise ValidationFailed(_("Choose utility or marketing."), code="category_invalid", extra={"field": "category"})
    template.name, template.language, template.category = name, language, category
    template.body = _text(body, field="body", label=_("Body preview"), max_length=1024)
    template.is_active = bool(is_active)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise Conflict(_("A template with this name and language already exists."), code="template_taken")
    audit.record(actor=acting_user, action="whatsapp.template_saved", target=template, changes={"name": [None, name]})
    return template


@transaction.atomic
def template_delete(*, acting_user, template: WhatsAppTemplate) -> None:
    require(acting_user, "tickets.manage")
    audit.record(actor=acting_user, action="whatsapp.template_deleted", target=template, changes={"name": [template.name, None]})
    template.delete()


def webhook_receive(*, raw: bytes, signature: str | None) -> InboundWhatsApp:
    """Verify, store raw, queue the processing job; the webhook answers without waiting for it.

    Raises inbound.SignatureMissing / SignatureInvalid (nothing stored). A body that is not
    JSON cannot be processed by anyone: it is stored and marked failed at once (the API
    answers 400). Everything else is committed as `received` and processed by the worker
    (whatsapp.tasks.process_inbound_task), which downloads media outside the request: Meta
    wants its 200 within a few seconds and redelivers otherwise.
    """
    account = inbound_mod.verify_signature(raw, signature)
    with transaction.atomic():
        stored = inbound_mod.inbound_store(raw=raw, account=account)
        if not inbound_mod.is_json(raw):
            return inbound_mod.inbound_process(stored)
        pk = stored.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return stored


def _enqueue(inbound_id: int) -> None:
    from postventa.messaging.whatsapp.tasks import process_inbound_task

    try:
        process_inbound_task(inbound_id)
    except Exception:  # noqa: BLE001 - the row is committed; the periodic sweep processes it later
        inbound_mod.log.exception("could not queue WhatsApp payload %s; the sweep will pick it up", inbound_id)


def inbound_retry(*, acting_user, inbound_id: int) -> InboundWhatsApp:
    """Process a failed payload again (after a fix); messages already received are skipped."""
    require(acting_user, "tickets.manage")
    from postventa.customers.normalise import as_pk

    pk = as_pk(inbound_id)
    row = InboundWhatsApp.objects.filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFound(_("That payload does not exist."))
    if row.status != InboundWhatsApp.Status.FAILED:
        raise Conflict(_("Only failed payloads can be retried."), code="not_failed")
    row = inbound_mod.inbound_process(row)
    with transaction.atomic():
        audit.record(actor=acting_user, action="whatsapp.inbound_retried", target=row, changes={"status": ["failed", row.status]})
    return row
