from django.core.management.base import BaseCommand, CommandError

from postventa.core import search


class Command(BaseCommand):
    help = "Rebuild the search index from the source rows (all kinds, or one with --kind)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", help="Only this kind (e.g. customer).")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, kind=None, batch=500, **options):
        known = search.indexers()
        if kind is not None and kind not in known:
            raise CommandError(f"unknown kind {kind!r}; known: {', '.join(sorted(known)) or 'none'}")
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        for name, count in search.reindex(kind, batch=batch).items():
            self.stdout.write(f"{name}: {count} documents")
