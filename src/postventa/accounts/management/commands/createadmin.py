"""`postventa createadmin USERNAME EMAIL`: the first administrator (or another one)."""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from postventa.accounts import services
from postventa.accounts.models import Role
from postventa.core.errors import ApplicationError

ENV_PASSWORD = "POSTVENTA_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create an administrator account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--password", help="The password (visible in the shell history: prefer the prompt)."
        )
        parser.add_argument(
            "--no-input",
            action="store_true",
            dest="no_input",
            help=f"Never prompt; read the password from --password or ${ENV_PASSWORD}.",
        )

    def handle(self, *args, username: str, email: str, password: str | None, no_input: bool, **options):
        if not password:
            password = os.environ.get(ENV_PASSWORD, "")
        if not password:
            if no_input:
                raise CommandError(
                    f"No password given: pass --password or set {ENV_PASSWORD} when using --no-input."
                )
            password = self._prompt()
        try:
            user = services.user_create(
                acting_user=None, username=username, email=email, password=password, role=Role.ADMIN
            )
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            self.style.SUCCESS(f"Administrator {user.username} created. Sign in at /console/login/.")
        )

    def _prompt(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password entered.")
        if first != second:
            raise CommandError("The two passwords do not match.")
        if not first:
            raise CommandError("No password entered.")
        return first
