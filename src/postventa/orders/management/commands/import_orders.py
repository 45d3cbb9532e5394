"""`postventa import-orders file.csv [--skip-invalid]`: the same import the console runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postventa.orders.importing import CSV_COLUMNS, import_csv


class Command(BaseCommand):
    help = "Import orders from a CSV file (one row per order line). Columns: " + ", ".join(CSV_COLUMNS)

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8)")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid orders, skip bad rows"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.")
        try:
            result = import_csv(data, skip_invalid=options["skip_invalid"])
        except ValueError as exc:
            raise CommandError(str(exc))
        for error in result.errors[:200]:
            self.stderr.write(f"row {error['row']}: {error['message']}")
        if len(result.errors) > 200:
            self.stderr.write(f"... and {len(result.errors) - 200} more errors")
        if not result.written:
            raise CommandError(
                f"Nothing was imported: {len(result.errors)} rows have errors. "
                "Fix them, or run again with --skip-invalid."
            )
        self.stdout.write(
            f"Imported {result.total_rows} rows: {result.created} orders created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.skipped_rows} rows skipped."
        )
