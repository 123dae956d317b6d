from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "tillit.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from tillit.organisations import personal_data

        personal_data.register()
