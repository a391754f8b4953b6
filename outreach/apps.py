from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Perluasan kepesertaan")

    def ready(self):
        from outreach import figures  # noqa: F401 - connects the figures refresh's receiver
