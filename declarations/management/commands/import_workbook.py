from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from declarations.services.imports import ImportRejected, import_job_create, import_job_run


class Command(BaseCommand):
    help = "Import a filled bulk-upload workbook as USERNAME and print the summary."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="username of the uploader (tenancy applies)")
        parser.add_argument("--dry-run", action="store_true", help="check only; store nothing")
        parser.add_argument(
            "--submit",
            action="store_true",
            help="submit the stored declarations: render them into the outbox",
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, file, user, dry_run, submit, language, **options):
        with translation.override(language):
            self._handle(file, user, dry_run, submit, language)

    def _handle(self, file, user, dry_run, submit, language):
        try:
            uploader = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("User %(user)s does not exist.") % {"user": user}) from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File %(path)s does not exist.") % {"path": path})
        with path.open("rb") as fh:
            try:
                job = import_job_create(
                    user=uploader,
                    uploaded_file=File(fh, name=path.name),
                    dry_run=dry_run,
                    submit=submit,
                    run_async=False,
                )
            except ImportRejected as exc:
                raise CommandError(str(exc)) from exc
        job = import_job_run(job_id=job.pk, language=language)
        with translation.override(language):
            self._summary(job, dry_run)

    def _summary(self, job, dry_run):
        if job.error_message:
            raise CommandError(job.error_message)
        counts = job.counts
        self.stdout.write(
            _(
                "%(mode)s: %(create)s to create, %(update)s to update, %(reject)s rejected; %(errors)s errors, "
                "%(warnings)s warnings."
            )
            % {
                "mode": _("Dry run") if dry_run else _("Import"),
                "create": counts.get("create", 0),
                "update": counts.get("update", 0),
                "reject": counts.get("reject", 0),
                "errors": counts.get("errors", 0),
                "warnings": counts.get("warnings", 0),
            }
        )
        if counts.get("kept"):
            self.stdout.write(
                _("%(kept)s rows kept: already stored by an earlier run.") % {"kept": counts["kept"]}
            )
        if "submitted" in counts:
            self.stdout.write(
                _("Submitted %(submitted)s: %(sent)s sent to the outbox, %(failed)s could not be rendered.")
                % {
                    "submitted": counts["submitted"],
                    "sent": counts.get("sent", 0),
                    "failed": counts.get("render_failed", 0),
                }
            )
        self.stdout.write(
            _("Job %(id)s, %(seconds)s s.") % {"id": job.pk, "seconds": job.timings.get("total", 0)}
        )
        if job.report:
            self.stdout.write(_("Error report: %(path)s") % {"path": job.report.path})
