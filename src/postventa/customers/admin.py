"""Django admin: read-mostly views for support; every change goes through services in the console."""

from django.contrib import admin

from postventa.customers.models import Consent, ConsentEvent, Customer, CustomerMerge, Segment, Tag


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "language",
        "created_at",
    )
    search_fields = ("first_name", "last_name", "company_name", "email", "phone")
    list_filter = ("kind", "language")
    readonly_fields = ("erased_at", "merged_into", "created_at", "updated_at")


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    """Append-only proof: visible, never editable."""

    list_display = ("customer", "channel", "purpose", "status", "source", "occurred_at")
    list_filter = ("channel", "purpose", "status", "source")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(Tag)
admin.site.register(Consent)
admin.site.register(Segment)
admin.site.register(CustomerMerge)
