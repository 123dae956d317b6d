"""Write a dialogue in Pol.is's open-data format: `python manage.py export_polis DIALOGUE DIR`.

The files hold every vote of every (anonymous, numbered) participant, as Pol.is's open data does:
treat them as raw data, not as a report. Nothing in them names a person.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.dialogues import analysis, interchange, worker
from tillit.dialogues.models import Dialogue, DialogueParticipant
from tillit.dialogues.polis import write_conversation


class Command(BaseCommand):
    help = "Write a dialogue as votes.csv, comments.csv, participants-votes.csv and summary.csv (Pol.is open data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dialogue", help="The dialogue's id (the UUID in its address /s/<id>/).")
        parser.add_argument("directory", type=Path, help="Folder to write into (created if missing).")

    def handle(self, *args: object, dialogue: str, directory: Path, **options: object) -> None:
        try:
            public_id = uuid.UUID(dialogue)
        except ValueError as error:
            raise CommandError(f"{dialogue!r} is not a dialogue id (a UUID).") from error
        found = Dialogue.objects.select_related("organisation").filter(public_id=public_id).first()
        if found is None:
            raise CommandError(f"No dialogue has the id {dialogue}.")
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a folder.")
        matrix, _inputs = worker.load_matrix(found)
        groups = analysis.analyse(matrix, seed=worker.SEED).groups if matrix.n_votes else np.zeros(0, dtype=int)
        numbers = list(
            DialogueParticipant.objects.filter(dialogue=found).order_by("number").values_list("number", flat=True)
        )
        by_number = {number: int(group) for number, group in zip(numbers, groups.tolist(), strict=False) if group >= 0}
        write_conversation(interchange.export_dialogue(found, by_number), directory)
        self.stdout.write(f"Wrote {found.question!r} to {directory}.")
