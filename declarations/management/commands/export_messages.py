from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from declarations.messages.exchange import outbox_write
from declarations.models import Declaration


class Command(BaseCommand):
    help = "Write the stored messages of one declaration to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--declaration", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, declaration, out, **options):
        try:
            obj = Declaration.objects.get(pk=declaration)
        except Declaration.DoesNotExist as exc:
            raise CommandError(_("Declaration %(id)s does not exist.") % {"id": declaration}) from exc
        messages = list(obj.messages.all())
        if not messages:
            raise CommandError(_("Declaration %(id)s has no rendered messages yet.") % {"id": declaration})
        for message in messages:
            path = outbox_write(
                directory=Path(out), file_name=message.file_name, content=bytes(message.content)
            )
            self.stdout.write(str(path))
