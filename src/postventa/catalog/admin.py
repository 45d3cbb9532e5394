from django.contrib import admin

from postventa.catalog.models import Asset, Category, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_es", "name_en")
    search_fields = ("slug", "name_es", "name_en")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_es", "category", "brand", "price", "currency", "is_active")
    list_filter = ("category", "is_active", "is_recyclable")
    search_fields = ("sku", "name_es", "name_en", "brand")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "product", "customer", "purchased_on", "source")
    list_filter = ("source",)
    search_fields = ("serial_number", "product__sku", "customer__email")
    raw_id_fields = ("product", "customer", "order_line", "registered_by")
