"""Dispatch again the work the broker lost: declarations submitted without messages, import jobs never run."""

from django.core.management.base import BaseCommand

from declarations.services.reconcile import reconcile_stuck


class Command(BaseCommand):
    help = (
        "Dispatch again declarations 'submitted' without messages and import jobs 'pending' (or 'running') "
        "past the bound; safe to run at any time (beat runs it every 5 minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, help="seconds; default RECONCILE_STUCK_SECONDS")
        parser.add_argument(
            "--running-older-than", type=float, help="seconds; default RECONCILE_RUNNING_SECONDS"
        )

    def handle(self, *args, **options):
        result = reconcile_stuck(
            older_than=options["older_than"], running_older_than=options["running_older_than"]
        )
        self.stdout.write(
            f"declarations {result.declarations}, imports {result.imports}, "
            f"imports failed {result.imports_failed}"
        )
