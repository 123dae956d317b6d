from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tillit.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from tillit.core import keys, tasks  # noqa: F401  (they register the database check, the periodic pruning)
        from tillit.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="tillit-swedish-collation")
        post_migrate.connect(keys.record_after_migrate, sender=self, dispatch_uid="tillit-record-data-key")
