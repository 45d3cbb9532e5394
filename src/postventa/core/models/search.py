"""The search index: one row per searchable object, whatever app owns it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """A searchable copy of one object (a customer, a ticket, a message).

    `title`/`body` keep the original text for highlighting; `stemmed_*` hold the accent-folded,
    Snowball-stemmed tokens that the database's full-text index covers (FTS5 on SQLite, a
    tsvector column on PostgreSQL; both created in migration 0003 outside the ORM).
    `customer_id`/`team_id`/`assignee_id`/`staff_only` let search filter by who may see the object;
    `status`/`channel`/`occurred_at` are filter facets; `parent_id` links a document to the object
    it belongs to (a message to its ticket). Ids grow with time, so "newest" means highest id.

    Careful with later migrations of this table: on SQLite, Django rebuilds a table to alter a
    column, which drops the FTS triggers; such a migration must re-run migration 0003's SQL.
    """

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64)
    customer_id = models.BigIntegerField(_("customer id"), null=True, blank=True, db_index=True)
    team_id = models.BigIntegerField(_("team id"), null=True, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="es")
    stemmed_title = models.TextField(_("stemmed title"), blank=True)
    stemmed_body = models.TextField(_("stemmed body"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Facets for filters and permissions (migration 0004; nullable so SQLite adds them in place).
    status = models.CharField(_("status"), max_length=20, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, null=True, blank=True)
    assignee_id = models.BigIntegerField(_("assignee id"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("date"), null=True, blank=True)
    staff_only = models.BooleanField(_("staff only"), null=True, blank=True)
    parent_id = models.CharField(_("parent id"), max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")]
        indexes = [models.Index(fields=["kind", "parent_id"], name="search_document_parent")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
