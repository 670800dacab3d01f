from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.services.codes import code_tables_load


class Command(BaseCommand):
    help = "Load the shipped code tables (idempotent)."

    def handle(self, *args, **options):
        for result in code_tables_load():
            self.stdout.write(
                _("%(table)s: %(created)d created, %(updated)d updated")
                % {"table": result.table, "created": result.created, "updated": result.updated}
            )
