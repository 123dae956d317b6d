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


class DataProtectionEvent(models.Model):
    """One export, erasure or retention run of personal data (`tillit.core.personal_data`): what, through which
    channel and how many rows of each kind; never whose. Kept `RETENTION_DAYS["data_protection_log"]` days."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")
        RETENTION = "retention", _("Retention")

    class Channel(models.TextChoices):
        SELF_SERVICE = "self-service", _("By the person, signed in")
        OPERATOR = "operator", _("By the operator, on request")
        SCHEDULE = "schedule", _("By the schedule")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    counts = models.JSONField(_("rows by kind"), default=dict)
    happened_at = models.DateTimeField(_("happened"), auto_now_add=True)

    class Meta:
        verbose_name = _("data protection event")
        ordering = ["-happened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_at:%Y-%m-%d}"
