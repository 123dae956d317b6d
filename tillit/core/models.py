from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKeyFingerprint(models.Model):
    """Which data key the database's derived values were written with (`tillit.core.tokens.key_fingerprint`): one
    row, written at the first migrate and by `rekey_data`, read by the database check."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("data key fingerprint")

    def __str__(self) -> str:
        return self.fingerprint[:12]
