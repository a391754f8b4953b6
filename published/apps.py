from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishedConfig(AppConfig):
    name = "published"
    verbose_name = _("Angka resmi")
