"""CRM: the customer, how to reach them, and the timeline of everything that happened with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel


class Language(models.TextChoices):
    ES = "es", "Español"
    EN = "en", "English"


class Tag(models.Model):
    """A label on customers (e.g. "vip", "b2b"), usable by segments and routing."""

    name = models.SlugField(_("name"), max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """A person or company who bought from the business."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=160, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    # Denormalised primary contact, kept in sync by services, for lists and search.
    email = models.EmailField(_("primary email"), blank=True, db_index=True)
    phone = models.CharField(_("primary phone"), max_length=32, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ES)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Madrid")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    attributes = models.JSONField(_("custom attributes"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    legal_hold_reason = models.CharField(_("legal hold"), max_length=300, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    # Communication preferences: local times in `time_zone`; start > end means an overnight window.
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    max_messages_per_week = models.PositiveSmallIntegerField(
        _("max messages per week"), null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="customer_name_idx"),
            models.Index(fields=["company_name"], name="customer_company_idx"),
            models.Index(fields=["language"], name="customer_language_idx"),
            models.Index(fields=["first_name"], name="customer_first_name_idx"),
        ]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.COMPANY and self.company_name:
            return self.company_name
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.company_name or self.email or f"#{self.pk}"


class CustomerEmail(models.Model):
    """One of a customer's email addresses, stored lower-cased; unique across customers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("email"), unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "email"]
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")

    def __str__(self) -> str:
        return self.email


class CustomerPhone(models.Model):
    """One of a customer's phone numbers, normalised to E.164 (+34600111222); unique across customers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "number"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.number


class Address(models.Model):
    """A postal address of a customer (shipping, billing)."""

    class Kind(models.TextChoices):
        SHIPPING = "shipping", _("Shipping")
        BILLING = "billing", _("Billing")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHIPPING)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, db_index=True)
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("province / region"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, default="ES")
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.line1}, {self.postcode} {self.city}"


class ExternalId(models.Model):
    """The customer's id in another system (shop, ERP), unique per system."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="external_ids")
    system = models.CharField(_("system"), max_length=40)
    value = models.CharField(_("value"), max_length=120)

    class Meta:
        ordering = ["system"]
        constraints = [models.UniqueConstraint(fields=["system", "value"], name="external_id_unique")]
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class TimelineEntry(models.Model):
    """One thing that happened with a customer, in one chronological feed.

    `kind` selects a renderer registered in customers.timeline that turns `data` into a sentence in
    the reader's language; `summary` is the fallback text.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=60)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="timeline_customer_idx")]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PHONE = "phone", _("Phone")


class Purpose(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")
    SURVEYS = "surveys", _("Surveys")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    CONSOLE = "console", _("Console")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    PORTAL = "portal", _("Portal")


class Consent(models.Model):
    """The current consent state of one customer for one channel and purpose.

    One row per (customer, channel, purpose); every change also appends a ConsentEvent, which is
    the proof kept for LSSI/GDPR. This row is only the latest state, for fast checks.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    source = models.CharField(_("source"), max_length=12, choices=ConsentSource.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    text_version = models.CharField(_("text version"), max_length=40, blank=True)
    proof = models.JSONField(_("proof"), default=dict, blank=True)

    class Meta:
        ordering = ["channel", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "channel", "purpose"], name="consent_unique_per_purpose"
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}/{self.purpose}: {self.status}"


class ConsentEvent(models.Model):
    """One grant or withdrawal, never updated or deleted (append-only consent history)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    source = models.CharField(_("source"), max_length=12, choices=ConsentSource.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    text_version = models.CharField(_("text version"), max_length=40, blank=True)
    proof = models.JSONField(_("proof"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="consent_event_customer_idx")]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent history")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}/{self.purpose} -> {self.status}"


class Segment(TimeStampedModel):
    """A saved filter over customers; `definition` is {"match": "all"|"any", "conditions": [...]}.

    Each condition is {"key": <registered condition key>, "params": {...}}; see customers.segments.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    definition = models.JSONField(_("definition"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class CustomerMerge(models.Model):
    """The record of one duplicate folded into another: what moved, who did it, when."""

    source = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merged_away")
    target = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges_received")
    moved = models.JSONField(_("moved"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"
