from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.spreadsheets.template import template_bytes


class Command(BaseCommand):
    help = "Write the bulk-upload spreadsheet template (with the current code tables) to FILE.xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        path.write_bytes(template_bytes())
        self.stdout.write(_("Template written to %(path)s") % {"path": path})
