"""Compare our opinion groups with Pol.is's own: `python manage.py compare_polis DIR`.

Imports the conversation into a scratch dialogue (in a transaction that is rolled back, so nothing
stays), runs our analysis on the votes as stored, and prints a summary and, as its last line, JSON:
{"clustered_ours": n, "clustered_polis": n, "k_ours": k, "k_polis": k, "ari": x}, where ari is the
adjusted Rand index between our groups and the group-id column of participants-votes.csv over the
participants both clustered.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tillit.dialogues import interchange, polis, worker
from tillit.dialogues.models import DialogueParticipant
from tillit.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import a Pol.is conversation into a scratch dialogue, analyse it and compare the groups with Pol.is's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The folder holding the conversation's CSV files.")
        parser.add_argument(
            "--meta",
            default="",
            help="Comment ids the Pol.is moderator marked as metadata (left out of clustering; the export "
            "does not say which), e.g. 1,4-13.",
        )

    def handle(self, *args: object, directory: Path, meta: str, **options: object) -> None:
        meta_ids = parse_ids(meta)
        try:
            conversation = polis.read_conversation(directory)
        except polis.PolisFormatError as error:
            raise CommandError(f"Cannot compare: {error}") from error
        published = {p.id: p.group_id for p in conversation.participants}
        if not any(group is not None for group in published.values()):
            raise CommandError(f"{directory} has no Pol.is groups (the group-id column is empty): nothing to compare.")
        with transaction.atomic():
            scratch = Organisation.objects.create(name="Pol.is comparison", slug=f"polis-{secrets.token_hex(6)}")
            dialogue = interchange.import_conversation(conversation, organisation=scratch, source=directory.name)
            matrix, inputs = worker.load_matrix(dialogue)
            unknown = meta_ids - set(inputs.statement_numbers)
            if unknown:
                raise CommandError(f"--meta names comments that are not in the conversation: {sorted(unknown)}")
            meta_mask = np.isin(np.array(inputs.statement_numbers), sorted(meta_ids))
            matrix = dataclasses.replace(matrix, meta=meta_mask)
            numbers = (
                DialogueParticipant.objects.filter(dialogue=dialogue)
                .order_by("number")
                .values_list("number", flat=True)
            )
            polis_groups = np.array([-1 if published[n] is None else published[n] for n in numbers], dtype=np.int64)
            result = polis.compare_groupings(matrix, polis_groups, imputation=polis.polis_imputation(conversation))
            transaction.set_rollback(True)
        summary = {key: result[key] for key in ("clustered_ours", "clustered_polis", "k_ours", "k_polis", "ari")}
        summary["ari"] = round(float(summary["ari"]), 4)
        self.stdout.write(
            f"{conversation.topic or directory.name}: {matrix.n_participants} participants, {matrix.n_statements} "
            f"statements ({int(meta_mask.sum())} metadata), {matrix.n_votes} votes; missing votes filled as Pol.is did "
            f"then ({result['imputation']}); {result['clustered_both']} clustered by both. Continuing from Pol.is's "
            f"published k: ARI {result['ari']:.3f}. Our silhouette alone picks k = {result['k_silhouette']}: "
            f"ARI {result['ari_silhouette']:.3f}."
        )
        self.stdout.write(json.dumps(summary))


def parse_ids(text: str) -> set[int]:
    """ "1,4-13" → {1, 4, 5, …, 13}."""
    ids: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        low, _dash, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError as error:
            raise CommandError(f"--meta takes comment ids such as 1,4-13, not {part!r}.") from error
        if last < first or last - first > 100_000:
            raise CommandError(f"--meta: {part!r} is not a range of comment ids.")
        ids.update(range(first, last + 1))
    return ids
