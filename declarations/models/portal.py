"""Records behind the portal's conveniences: product catalogue, notifications, spreadsheet import jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.choices import ImportState


class CatalogueItem(models.Model):
    """The enterprise's own product catalogue (商品库) used to fill goods lines."""

    enterprise = models.ForeignKey(
        "declarations.Enterprise",
        on_delete=models.CASCADE,
        related_name="catalogue",
        db_index=False,  # indexed by catalogue_item_unique, which leads with it
    )
    item_no = models.CharField(_("item number"), max_length=20)
    item_name = models.CharField(_("item name"), max_length=250)
    gcode = models.CharField(_("HS code"), max_length=10)
    gname = models.CharField(_("goods name"), max_length=250)
    gmodel = models.CharField(_("model / specification"), max_length=250)
    bar_code = models.CharField(_("barcode"), max_length=50, default="无")
    unit = models.CharField(_("unit"), max_length=3)
    unit1 = models.CharField(_("first legal unit"), max_length=3)
    unit2 = models.CharField(_("second legal unit"), max_length=3, blank=True)

    class Meta:
        ordering = ["enterprise", "item_no"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "item_no"], name="catalogue_item_unique")
        ]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")

    def __str__(self) -> str:
        return f"{self.item_no} {self.item_name}"


class Notification(models.Model):
    """An in-portal notice (also e-mailed): rejection, inspection, release, a reviewed filing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=1000)
    read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.text


class ImportJob(models.Model):
    """A spreadsheet upload processed by a worker: state, progress, counts and the error report."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    file = models.FileField(_("workbook"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("dry run"), default=True)
    # Submit the declarations it stores (批量申报): rendered, checked and written to the outbox by the job.
    submit = models.BooleanField(_("submit after import"), default=False)
    state = models.CharField(
        _("state"), max_length=15, choices=ImportState.choices, default=ImportState.PENDING, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    timings = models.JSONField(_("timings"), default=dict, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    # Times a worker started the job (counted before any work): a job that kills its worker is redelivered
    # (acks_late), and after a few deliveries it is set aside as poison instead of killing the next one.
    deliveries = models.PositiveSmallIntegerField(_("deliveries"), default=0)
    # What the upload's scan of each data sheet found (spreadsheets.scan.SheetScan.as_json, by sheet name): the
    # worker trusts it for this stored file instead of streaming the sheets again.
    sheet_scans = models.JSONField(_("sheet scans"), default=dict, blank=True)
    report = models.FileField(_("error report"), upload_to="import-reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
