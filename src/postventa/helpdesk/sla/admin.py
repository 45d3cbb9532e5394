from django.contrib import admin

from postventa.helpdesk.sla.models import SlaPolicy, TicketSla


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "position",
        "is_active",
        "calendar",
        "first_response_minutes",
        "resolution_minutes",
    )
    ordering = ("position", "id")


@admin.register(TicketSla)
class TicketSlaAdmin(admin.ModelAdmin):
    list_display = ("ticket", "metric", "due_at", "achieved_at", "breached_at", "paused_seconds")
    list_filter = ("metric",)
    raw_id_fields = ("ticket",)
