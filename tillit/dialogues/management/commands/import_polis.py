"""Import a Pol.is open-data conversation: `python manage.py import_polis DIR --organisation SLUG`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.dialogues import interchange
from tillit.dialogues.polis import PolisFormatError, read_conversation
from tillit.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import a conversation in Pol.is's open-data format (votes.csv, comments.csv, ...) as a closed dialogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The folder holding the conversation's CSV files.")
        parser.add_argument("--organisation", required=True, help="Slug of the organisation that gets the dialogue.")

    def handle(self, *args: object, directory: Path, organisation: str, **options: object) -> None:
        owner = Organisation.objects.filter(slug=organisation).first()
        if owner is None:
            raise CommandError(f"No organisation has the slug {organisation!r}.")
        try:
            conversation = read_conversation(directory)
            dialogue = interchange.import_conversation(conversation, organisation=owner, source=directory.name)
        except PolisFormatError as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        self.stdout.write(
            f"Imported {dialogue.question!r} into {owner.name}: {dialogue.statements.count()} statements, "
            f"{dialogue.participants.count()} participants, {dialogue.votes.count()} votes. "
            f"Dialogue {dialogue.public_id}; the analysis runs with the dialogue worker."
        )
