"""The marker that says the demo shop was loaded into this database."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoLoad(models.Model):
    """One run of `postventa demo`: its size, seed and what it added (`--once` looks for any row)."""

    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    seed = models.IntegerField(_("seed"))
    customers = models.PositiveIntegerField(_("customers requested"))
    orders = models.PositiveIntegerField(_("orders requested"))
    added = models.JSONField(_("rows added"), default=dict, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("demo load")
        verbose_name_plural = _("demo loads")

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M} {self.customers}/{self.orders}"
