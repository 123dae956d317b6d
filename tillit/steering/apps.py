from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "tillit.steering"
    label = "steering"
    verbose_name = _("Steering signals")

    def ready(self) -> None:
        from tillit.core.keys import register_rekeyer
        from tillit.organisations import ongoing
        from tillit.steering import actions, personal_data, queries, tasks  # noqa: F401  (tasks: periodic sealing)

        register_rekeyer(actions.campaign_links_under_older_keys)
        personal_data.register()
        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
