"""Move every value derived with an older data key (DATA_KEY_FALLBACKS) to the current DATA_KEY."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tillit.core.keys import record_data_key, rekeyers


class Command(BaseCommand):
    help = "Move values derived with a key in DATA_KEY_FALLBACKS to DATA_KEY, and record the key in the database."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for rekey in rekeyers():
                self.stdout.write(rekey())
            record_data_key(replace=True)
        self.stdout.write(self.style.SUCCESS("The database is now keyed with DATA_KEY."))
