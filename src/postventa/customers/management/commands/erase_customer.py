"""`postventa erase-customer <id|email> [--yes]`: anonymise a customer's personal data (GDPR art. 17)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from postventa.core.errors import ApplicationError
from postventa.customers.gdpr import customer_erase
from postventa.customers.selectors import customer_find_by_reference


class Command(BaseCommand):
    help = "Anonymise a customer's personal data. Refused while a legal hold applies."

    def add_arguments(self, parser):
        parser.add_argument("customer", help="Customer id or any of their email addresses.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        try:
            customer = customer_find_by_reference(options["customer"])
        except ApplicationError as exc:
            raise CommandError(exc.message)
        if not options["yes"] and not self._confirm(customer):
            raise CommandError(_("Erasure cancelled: nothing was changed. Pass --yes to skip the question."))
        try:
            customer_erase(customer=customer, acting_user=None)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(_("Erased the personal data of customer #%(id)s.") % {"id": customer.pk})

    def _confirm(self, customer) -> bool:
        try:
            answer = input(
                _("Erase the personal data of customer #%(id)s (%(name)s)? [y/N] ")
                % {"id": customer.pk, "name": customer.display_name}
            )
        except (EOFError, OSError):  # no terminal (cron, pipes, tests): treat as "no"
            return False
        return answer.strip().lower() in ("y", "yes", "s", "si", "sí")
