"""Django admin for accounts: read-mostly. Day-to-day changes go through Settings (audited)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from postventa.accounts.models import ApiToken, Skill, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "role", "availability", "is_active", "last_login")
    list_filter = ("role", "availability", "is_active", "teams")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Postventa"),
            {"fields": ("role", "language", "time_zone", "availability", "capacity", "teams", "skills")},
        ),
    )
    filter_horizontal = ("groups", "user_permissions", "teams", "skills")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "created_at")
    search_fields = ("name",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code")
    list_filter = ("kind",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created in Settings > API tokens (the secret is shown there once); never here."""

    list_display = ("name", "user", "prefix", "last_used_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = (
        "name",
        "user",
        "prefix",
        "key_hash",
        "scopes",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )

    def has_add_permission(self, request) -> bool:
        return False
