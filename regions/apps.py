from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs):
    """After migrate, each role's group carries exactly its permissions (a release may add some). Run
    once the last app (subsidies) has its permissions created."""
    if sender.label == "subsidies":
        from regions.services import role_groups_sync

        role_groups_sync()


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Wilayah dan kantor")

    def ready(self):
        post_migrate.connect(_sync_role_groups, dispatch_uid="jangkau-role-groups")
