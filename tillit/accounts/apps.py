from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tillit.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tillit.accounts import actions  # noqa: F401  (registers the account's share of personal data)
