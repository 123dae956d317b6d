from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "tillit.dialogues"
    verbose_name = _("Dialogues")

    def ready(self) -> None:
        from tillit.core.keys import register_rekeyer
        from tillit.dialogues import actions, personal_data, queries
        from tillit.organisations import ongoing

        register_rekeyer(actions.rekey_member_keys)
        ongoing.register(self.name, queries.ongoing_for)  # the start page's "Ongoing work"
        personal_data.register()
