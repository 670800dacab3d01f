from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from declarations.selectors_rule_context import rule_context_load
from declarations.services.message_lint import message_lint_file


class Command(BaseCommand):
    help = "Lint CEB export XML files: our XSD, then the rules judgeable from one message. Exit 1 if any is invalid."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, files, **options):
        ctx = rule_context_load()
        invalid = 0
        for name in files:
            problems = message_lint_file(path=Path(name), ctx=ctx)
            for problem in problems:
                self.stdout.write(f"{name}: {problem.path}: {problem.code}: {problem.message}")
            if problems:
                invalid += 1
            else:
                self.stdout.write(f"{name}: " + _("OK"))
        if invalid:
            # SystemExit keeps the printed report; CommandError would add a traceback-like line.
            raise SystemExit(1)
