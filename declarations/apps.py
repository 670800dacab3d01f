from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declarations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from declarations.services.staff import reviewer_group_repair

        # After the permissions themselves are created (also post_migrate, by contrib.auth, listed earlier).
        post_migrate.connect(reviewer_group_repair, sender=self)
