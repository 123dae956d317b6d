"""A person's data on request, and the retention schedule, for the operator:

python manage.py personal_data export anna@norrby.se > anna.json
python manage.py personal_data erase anna@norrby.se          (asks; --yes does not)
python manage.py personal_data retention [--dry-run]         (what the worker runs daily)
python manage.py personal_data log                           (exports, erasures and retention runs)
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.accounts import actions
from tillit.accounts.models import User
from tillit.core import personal_data
from tillit.core.models import DataProtectionEvent


class Command(BaseCommand):
    help = "Export or erase a person's data on request; apply or preview the retention settings; show the log."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        export = commands.add_parser("export", help="Print everything that names the person, as JSON.")
        export.add_argument("email")
        erase = commands.add_parser("erase", help="Erase the person's account and what names them.")
        erase.add_argument("email")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        retention = commands.add_parser("retention", help="Remove what is kept longer than RETENTION_DAYS says.")
        retention.add_argument("--dry-run", action="store_true", help="Only count what would be removed.")
        commands.add_parser("log", help="List the recorded exports, erasures and retention runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "retention":
            self._retention(dry_run=options["dry_run"])
        elif command == "log":
            for event in DataProtectionEvent.objects.all()[:200]:
                counts = ", ".join(f"{kind} {count}" for kind, count in event.counts.items())
                self.stdout.write(f"{event.happened_at:%Y-%m-%d %H:%M}  {event.kind:<9}  {event.channel:<12}  {counts}")
        else:
            user = self._person(options["email"])
            if command == "export":
                exported = actions.export_personal_data(user, channel=DataProtectionEvent.Channel.OPERATOR)
                self.stdout.write(json.dumps(exported, ensure_ascii=False, indent=2))
            else:
                self._erase(user, confirmed=options["yes"])

    def _person(self, email: str) -> User:
        try:
            return User.objects.get_by_natural_key(email)
        except User.DoesNotExist:
            raise CommandError(f"No account has the address {email!r}.") from None

    def _erase(self, user: User, *, confirmed: bool) -> None:
        if not confirmed:
            answer = input(f"Erase the account {user.email} and what names it? This cannot be undone. [yes/no] ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        try:
            counts = actions.erase_person(user, channel=DataProtectionEvent.Channel.OPERATOR)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from None
        self.stdout.write(self.style.SUCCESS("Erased: " + ", ".join(f"{k} {v}" for k, v in counts.items())))

    def _retention(self, *, dry_run: bool) -> None:
        counts = personal_data.apply_retention(dry_run=dry_run)
        for rule in personal_data.retention_rules():
            days = personal_data.retention_days(rule.kind)
            kept = f"{days} days" if days > 0 else "until erased"
            done = "would be removed" if dry_run else "removed"
            count = counts.get(rule.kind, 0)
            self.stdout.write(f"{rule.kind:<22} kept {kept:<14} {count} {done}  ({rule.description})")
