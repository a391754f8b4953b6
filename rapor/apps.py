from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaporConfig(AppConfig):
    name = "rapor"
    verbose_name = _("Rapor bulanan")
