"""Orders, their lines, status history, shipments with carrier events, and import jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from postventa.core.models import TimeStampedModel
from postventa.core.money import MoneyField
from postventa.orders import pipeline


class Order(TimeStampedModel):
    """A purchase by a customer; its status follows orders.pipeline."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    external_id = models.CharField(_("external id"), max_length=120, unique=True, null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=pipeline.choices(), default=pipeline.INITIAL, db_index=True
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    subtotal = MoneyField(_("subtotal"), default=0)
    shipping_total = MoneyField(_("shipping"), default=0)
    tax_total = MoneyField(_("tax"), default=0)
    total = MoneyField(_("total"), default=0)
    # A snapshot of where the order went, as it was at the time: later address edits in the CRM
    # must not rewrite history.
    ship_name = models.CharField(_("ship to"), max_length=200, blank=True)
    ship_line1 = models.CharField(_("address"), max_length=200, blank=True)
    ship_postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    ship_city = models.CharField(_("city"), max_length=120, blank=True)
    ship_country = models.CharField(_("country"), max_length=2, blank=True, default="ES")
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_idx"),
            models.Index(fields=["status", "-placed_at"], name="order_status_placed_idx"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return pipeline.label(self.status)

    @property
    def status_tone(self) -> str:
        s = pipeline.STATUSES.get(self.status)
        return s.tone if s else ""

    @property
    def next_statuses(self) -> list[str]:
        return pipeline.next_statuses(self.status)


class OrderLine(models.Model):
    """One product (or free-text item) on an order, with its price at the time."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = MoneyField(_("unit price"), default=0)
    line_total = MoneyField(_("line total"), default=0)

    class Meta:
        ordering = ["order", "position", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku or self.description}"


class OrderStatusChange(models.Model):
    """One move in an order's status history: from, to, who, when, why."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        CARRIER = "carrier", _("Carrier")
        IMPORT = "import", _("Import")
        API = "api", _("API")
        SYSTEM = "system", _("System")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["order", "occurred_at"], name="order_history_idx")]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"

    @property
    def who(self) -> str:
        if self.acting_user_id:
            return str(self.acting_user)
        return str(self.get_source_display())

    @property
    def to_label(self) -> str:
        return pipeline.label(self.to_status)

    @property
    def from_label(self) -> str:
        return pipeline.label(self.from_status) if self.from_status else ""


class Shipment(TimeStampedModel):
    """A parcel of an order handed to a carrier."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=80)
    tracking_url = models.URLField(_("tracking URL"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=pipeline.choices(), blank=True)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="shipment_tracking_unique"),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"

    @property
    def status_label(self) -> str:
        return pipeline.label(self.status) if self.status else ""


class CarrierInbound(models.Model):
    """A carrier webhook body exactly as received, stored before parsing so nothing is lost."""

    class Result(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Duplicate")
        OUT_OF_ORDER = "out_of_order", _("Recorded, out of order")
        UNMATCHED = "unmatched", _("No matching shipment")
        INVALID = "invalid", _("Invalid")

    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    body = models.TextField(_("body"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.RECEIVED)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("carrier webhook")
        verbose_name_plural = _("carrier webhooks")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.result}"


class ShipmentEvent(models.Model):
    """One tracking event reported by the carrier, unique per carrier event id."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    carrier = models.CharField(_("carrier"), max_length=40)
    carrier_event_id = models.CharField(_("carrier event id"), max_length=120)
    code = models.CharField(_("code"), max_length=40)
    description = models.CharField(_("description"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    applied = models.BooleanField(_("moved the status"), default=False)
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)
    inbound = models.ForeignKey(
        CarrierInbound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "carrier_event_id"], name="shipment_event_once"),
        ]
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")

    def __str__(self) -> str:
        return f"{self.carrier} {self.code} {self.occurred_at}"


class ImportJob(TimeStampedModel):
    """An uploaded orders CSV processed by the worker; the page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="imports/orders/%Y/%m")
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("total rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created_orders = models.PositiveIntegerField(_("orders created"), default=0)
    updated_orders = models.PositiveIntegerField(_("orders updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.DONE, self.Status.FAILED} else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))
