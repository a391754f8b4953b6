"""The config package doubles as the home of shared helpers (parsing, formatting, templates tags)."""

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Jangkau"

    def ready(self):
        from config import pagecache  # connects the cached pages' invalidation

        pagecache.connect_changes()
