from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.services.simulation import OUTCOMES, customs_simulate


class Command(BaseCommand):
    help = "Development only: answer outbox messages with realistic receipts in the inbox (not a transport)."

    def add_arguments(self, parser):
        parser.add_argument("--outcome", choices=sorted(OUTCOMES), default="release")
        parser.add_argument("--outbox", default=None)
        parser.add_argument("--inbox", default=None)

    def handle(self, *args, outcome, outbox, inbox, **options):
        summary = customs_simulate(
            outbox_dir=Path(outbox or settings.OUTBOX_DIR),
            inbox_dir=Path(inbox or settings.INBOX_DIR),
            outcome=outcome,
        )
        self.stdout.write(
            _("Answered %(messages)d messages with %(receipts)d receipts.")
            % {"messages": len(summary.answered), "receipts": len(summary.receipts)}
        )
