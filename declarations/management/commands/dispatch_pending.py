"""Republish task intents that are still pending (the broker was down when they were committed)."""

from django.core.management.base import BaseCommand

from declarations.services.dispatch import DEFAULT_BATCH, DEFAULT_GRACE_SECONDS, dispatch_pending


class Command(BaseCommand):
    help = "Publish pending task dispatch intents (transactional outbox) older than --older-than seconds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=DEFAULT_GRACE_SECONDS,
            help="only intents pending at least this many seconds (default %(default)s)",
        )
        parser.add_argument(
            "--limit", type=int, default=DEFAULT_BATCH, help="at most this many (default %(default)s)"
        )

    def handle(self, *args, **options):
        result = dispatch_pending(older_than=options["older_than"], limit=options["limit"])
        self.stdout.write(
            f"dispatched {result.dispatched}, failed {result.failed}, pending {result.pending}, "
            f"pruned {result.pruned}"
        )
        if result.failed:
            # Non-zero so cron and scripts notice the broker is still unreachable.
            raise SystemExit(1)
