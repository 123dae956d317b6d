"""`manage.py seed_demo`: build the demo (Exempelkommun and Norrdala samordningsförbund) and print how to sign in.

The building itself is `tillit.demo.seeding`; this command only guards production servers, keeps a second run from
changing anything, and reports.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tillit.demo.organisations import EXEMPELKOMMUN, DemoTreeError, login_instructions
from tillit.demo.seeding import build_demo, delete_demo, demo_exists, entry_points, summary_lines
from tillit.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Build the demo organisations Exempelkommun and Norrdala samordningsförbund "
        "with Swedish demo people, and print the demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organisations and their demo people first, then build them again.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even though DEBUG is off. The demo password is public: only for closed test servers.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG is off, so this looks like a production server, and the demo accounts have a public "
                "password. Use make demo, or pass --allow-without-debug on a closed test server."
            )
        with transaction.atomic():
            if reset:
                try:
                    delete_demo()
                except DemoTreeError as error:
                    raise CommandError(str(error)) from error
            elif demo_exists():
                self.stdout.write("The demo already exists; nothing was changed. Use --reset to build it again.")
                for line in entry_points(Organisation.objects.get(slug=EXEMPELKOMMUN[1])):
                    self.stdout.write(self.style.SUCCESS(line))
                self.stdout.write(login_instructions())
                return
            organisations = build_demo()
        for line in summary_lines(organisations):
            self.stdout.write(self.style.SUCCESS(line))
        self.stdout.write(login_instructions())
