"""Settle staged outbox files left by a process that died between staging and publishing."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.services.outbox_sweep import outbox_staged_sweep


class Command(BaseCommand):
    help = _(
        "Publish or remove the outbox's staged temp files older than --older-than seconds "
        "(published when their message is stored, else removed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            help=_("only files unchanged for at least this many seconds (default: OUTBOX_STAGED_MAX_AGE)"),
        )

    def handle(self, *args, **options):
        seconds = options["older_than"]
        result = outbox_staged_sweep(older_than=timedelta(seconds=seconds) if seconds is not None else None)
        self.stdout.write(
            _("Published %(published)s, removed %(removed)s staged files; %(conflicts)s conflicts.")
            % {"published": result.published, "removed": result.removed, "conflicts": len(result.conflicts)}
        )
        for name in result.conflicts:
            self.stderr.write(
                _("%(file)s differs from its stored message; its staged file is kept.") % {"file": name}
            )
        if result.conflicts:
            raise SystemExit(1)
