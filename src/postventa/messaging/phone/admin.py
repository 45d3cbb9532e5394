from django.contrib import admin

from postventa.messaging.phone.models import PhoneCall


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ("id", "direction", "number", "outcome", "duration_seconds", "created_at")
    list_filter = ("direction", "outcome")
    raw_id_fields = ("ticket", "message", "customer", "logged_by")
