from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.services.demo import demo_load


class Command(BaseCommand):
    help = "Load code tables and demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = demo_load()
        self.stdout.write(_("Demo data loaded. Log in at http://127.0.0.1:8000/ with:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password}   {login.description}")
