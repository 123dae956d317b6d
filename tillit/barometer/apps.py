from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometerConfig(AppConfig):
    name = "tillit.barometer"
    verbose_name = _("Governance barometer")

    def ready(self) -> None:
        from tillit.barometer import queries
        from tillit.organisations import ongoing

        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
