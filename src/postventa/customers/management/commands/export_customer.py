"""`postventa export-customer <id|email> [--output FILE]`: a customer's data as JSON (GDPR art. 15/20)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from postventa.core.errors import ApplicationError
from postventa.customers.gdpr import customer_export
from postventa.customers.selectors import customer_find_by_reference


class Command(BaseCommand):
    help = "Export everything held about a customer as JSON (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("customer", help="Customer id or any of their email addresses.")
        parser.add_argument("--output", "-o", help="Write the JSON to this file instead of stdout.")

    def handle(self, *args, **options):
        try:
            customer = customer_find_by_reference(options["customer"])
            # The CLI runs with the operator's server access: it acts as the system (acting_user=None).
            data = customer_export(customer=customer, acting_user=None)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options.get("output"):
            path = Path(options["output"])
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("Could not write %(path)s: %(error)s.") % {"path": path, "error": exc.strerror or exc}
                )
            self.stderr.write(_("Exported customer #%(id)s to %(path)s.") % {"id": customer.pk, "path": path})
        else:
            self.stdout.write(text)
