from django.contrib import admin

from postventa.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "template", "purpose", "status", "attempts", "sent_at")
    list_filter = ("status", "purpose", "channel")
    search_fields = ("to_address", "subject", "idempotency_key")
    raw_id_fields = ("customer",)
    readonly_fields = ("message_id", "idempotency_key", "created_at", "updated_at")
