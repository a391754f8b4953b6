from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Impor berkas")

    def ready(self):
        # Each app declares its import kinds in an `import_kinds` module, as admin.py declares admin classes.
        autodiscover_modules("import_kinds")
