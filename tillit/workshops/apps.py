from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "tillit.workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from tillit.organisations import ongoing
        from tillit.workshops import personal_data, queries

        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
        personal_data.register()
