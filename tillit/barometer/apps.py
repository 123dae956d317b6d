from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometerConfig(AppConfig):
    name = "tillit.barometer"
    verbose_name = _("Governance barometer")
