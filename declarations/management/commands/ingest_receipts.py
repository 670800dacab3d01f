from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.services.receipts import receipts_ingest


class Command(BaseCommand):
    help = "Read receipts from the inbox folder (default INBOX_DIR) and apply them."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", help="inbox folder; default: settings.INBOX_DIR")

    def handle(self, *args, directory=None, **options):
        summary = receipts_ingest(directory=Path(directory) if directory else None)
        self.stdout.write(
            _(
                "%(files)d files: %(applied)d applied, %(duplicates)d duplicates, %(stale)d stale, "
                "%(unmatched)d unmatched, %(failed)d failed"
            )
            % summary.as_dict()
        )
        if summary.reclaimed or summary.deferred:
            self.stdout.write(
                _(
                    "%(reclaimed)d files left in processing/ by a stopped process were taken again; "
                    "%(deferred)d given back to the inbox (database unavailable)."
                )
                % summary.as_dict()
            )
        for failure in summary.failures:
            self.stderr.write(failure)
