"""Admin: mostly for looking; writes go through services. Carrier bodies that failed can be retried."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from postventa.core.errors import ApplicationError
from postventa.orders.models import CarrierInbound, ImportJob, Order, OrderLine, OrderStatusChange, Shipment
from postventa.orders.shipments import carrier_webhook_receive


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


class HistoryInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "source", "acting_user", "note", "occurred_at")
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "placed_at", "total", "currency")
    list_filter = ("status",)
    search_fields = ("number", "external_id", "customer__email")
    raw_id_fields = ("customer",)
    readonly_fields = ("status",)  # status moves only through the pipeline (console or API)
    inlines = [LineInline, HistoryInline]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("carrier", "tracking_number", "order", "status", "last_event_at")
    search_fields = ("tracking_number", "order__number")
    raw_id_fields = ("order",)


@admin.action(description=_("Process again"))
def reprocess(modeladmin, request, queryset):
    for inbound in queryset:
        try:
            carrier_webhook_receive(inbound)
        except ApplicationError as exc:
            messages.error(request, f"{inbound.pk}: {exc.message}")


@admin.register(CarrierInbound)
class CarrierInboundAdmin(admin.ModelAdmin):
    list_display = ("received_at", "result", "error")
    list_filter = ("result",)
    readonly_fields = ("received_at", "body", "result", "error")
    actions = [reprocess]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "status", "total_rows", "processed_rows", "created_by", "created_at")
    list_filter = ("status",)
    readonly_fields = ("errors",)
