from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tillit.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from tillit.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="tillit-swedish-collation")
