from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from declarations.services.tariff import SAMPLE_TARIFF, TariffFileError, tariff_load_path


class Command(BaseCommand):
    help = (
        "Load the national tariff (税则) from a CSV or XLSX file with the columns "
        "code,name_zh,name_en,unit1,unit2,supervision,inspection,export_duty_rate,refund_rate,elements. "
        "Idempotent; refused rows are listed with their reasons; codes missing from the file become inactive."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SAMPLE_TARIFF), help="default: the shipped SAMPLE")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = tariff_load_path(path=path)
        except TariffFileError as exc:
            raise CommandError(str(exc)) from exc
        for refused in result.refused:
            self.stderr.write(
                _("row %(row)s (%(code)s) refused: %(reasons)s")
                % {"row": refused.row, "code": refused.code or "—", "reasons": "; ".join(refused.reasons)}
            )
        if result.sample:
            self.stdout.write(_("This is the SAMPLE tariff, not the official one."))
        self.stdout.write(result.summary)
