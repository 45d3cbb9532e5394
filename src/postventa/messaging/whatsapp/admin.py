from django.contrib import admin

from postventa.messaging.whatsapp.models import (
    InboundWhatsApp,
    OutboundWhatsApp,
    WhatsAppAccount,
    WhatsAppTemplate,
)


@admin.register(WhatsAppAccount)
class WhatsAppAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "phone_number_id", "display_phone_number", "is_active")
    exclude = ("access_token", "app_secret")


@admin.register(WhatsAppTemplate)
class WhatsAppTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "category", "is_active")


@admin.register(InboundWhatsApp)
class InboundWhatsAppAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "received_at", "message_count", "status_count")
    list_filter = ("status",)


@admin.register(OutboundWhatsApp)
class OutboundWhatsAppAdmin(admin.ModelAdmin):
    list_display = ("id", "message", "kind", "status", "to", "sent_at")
    list_filter = ("status", "kind")
