"""The config package doubles as the home of shared helpers (parsing, formatting, templates tags)."""

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Jangkau"

    def ready(self):
        from config import pagecache  # connects the cached pages' invalidation

        pagecache.connect_changes()
        _remember_cell_signatures()


def _remember_cell_signatures():
    """django-tables2 inspects the signature of a column's render function for every cell it draws
    (`utils.call_with_appropriate`): a third of the time of drawing /bsu/'s table. The answer depends on the
    function alone, so it is remembered (functions and bound methods hash by what they call)."""
    import functools

    from django_tables2 import utils

    if not hasattr(utils.signature, "cache_info"):
        utils.signature = functools.lru_cache(maxsize=4096)(utils.signature)
