from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometerConfig(AppConfig):
    name = "tillit.barometer"
    verbose_name = _("Governance barometer")

    def ready(self) -> None:
        from tillit.barometer import actions, personal_data, queries, tasks  # noqa: F401  (tasks: the periodic sealing)
        from tillit.core.keys import register_rekeyer
        from tillit.organisations import ongoing

        register_rekeyer(actions.links_under_older_keys)
        personal_data.register()
        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
