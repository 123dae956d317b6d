from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "tillit.voice"
    label = "voice"
    verbose_name = _("Service users' voice")

    def ready(self) -> None:
        from tillit.organisations import ongoing
        from tillit.voice import personal_data, queries, tasks  # noqa: F401  (tasks: the daily retention of texts)

        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
        personal_data.register()
