"""Import a catalogue of steering signals from CSV or XLSX: read, check every row, and only then add them all.

`read_signals` turns uploaded bytes into checked rows (`tillit.core.tabular` reads the table; lookups only, no
writes); `actions.import_signals` adds them all or none. Headers are recognised in Swedish and English, numbers take
a decimal comma, units are written as paths from the top like the people import's
(`organisations.importing.units_by_path`), several separated by `;` or `|`. Between the preview and the
confirmation the rows are kept in the session as text and checked again when confirmed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from tillit.core import tabular
from tillit.core.text import normalise_text
from tillit.organisations.importing import normalise_path, units_by_path
from tillit.organisations.models import Organisation, Unit
from tillit.steering import burden
from tillit.steering.actions import NAME_MAX_LENGTH, SignalDetails, name_key, problem_message
from tillit.steering.actions.catalogue import USED_BY_MAX_LENGTH
from tillit.steering.models import DESCRIPTION_MAX_LENGTH, Kind, Signal, Source

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 2000

# Each column: the Swedish header the example file uses first, then every other header it is known by.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("namn", "name", "styrsignal", "signal", "signal name"),
    "description": ("beskrivning", "description"),
    "source": ("källa", "kalla", "source", "ursprung"),
    "kind": ("styrning", "typ av styrning", "styrningsform", "kind", "kind of steering", "typ"),
    "owner": ("ägare", "agare", "owner", "huvudman"),
    "task": ("vad som ska göras", "uppgift", "moment", "task", "what must be done"),
    "occurrences": (
        "gånger per år",
        "ganger per ar",
        "antal gånger per år",
        "frekvens",
        "times a year",
        "times per year",
        "occurrences per year",
        "occurrences_per_year",
        "frequency",
    ),
    "minutes": (
        "minuter per gång",
        "minuter per gang",
        "minuter",
        "tid per gång (minuter)",
        "minutes each time",
        "minutes per occurrence",
        "minutes_per_occurrence",
        "minutes",
    ),
    "people": ("personer", "antal personer", "people", "people who do it", "number of people"),
    "units": ("enheter", "enhet", "units", "unit", "units it reaches"),
    "used_by": ("används av", "anvands av", "mottagare", "used by", "who uses the result", "result_used_by"),
}
REQUIRED_COLUMNS = ("name", "source", "kind", "owner", "occurrences", "minutes", "people")

SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    Source.LAW: ("lag", "förordning", "lag eller förordning", "lag/förordning", "law", "ordinance"),
    Source.AGENCY_REGULATION: ("föreskrift", "föreskrifter", "myndighetsföreskrift", "allmänna råd", "regulation"),
    Source.TARGETED_GRANT: ("statsbidrag", "riktat statsbidrag", "ersättning", "kostnadsersättning", "grant"),
    Source.SKR_AGREEMENT: ("överenskommelse", "överenskommelse med skr", "skr", "agreement"),
    Source.GOVERNMENT_ASSIGNMENT: ("regeringsuppdrag", "uppdrag från regeringen", "assignment"),
    Source.DATA_COLLECTION: ("datainsamling", "nationell datainsamling", "uppgiftsinsamling", "kvalitetsregister"),
    Source.INSPECTION: ("tillsyn", "inspektion", "granskning", "inspection"),
    Source.COUNCIL: ("fullmäktige", "kommunfullmäktige", "regionfullmäktige", "council"),
    Source.BOARD: ("nämnd", "nämnden", "styrelse", "board", "committee"),
    Source.ADMINISTRATION: ("förvaltning", "förvaltningen", "administration"),
    Source.UNIT: ("enheten", "egen enhet", "enhet", "unit"),
}
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    Kind.RULES: ("regelstyrning", "regler", "rules", "rule-based steering"),
    Kind.ECONOMIC: ("ekonomisk styrning", "ekonomisk", "economic", "economic steering"),
    Kind.PERFORMANCE: ("prestationsstyrning", "prestation", "performance", "performance steering"),
    Kind.GOALS: (
        "mål- och resultatstyrning",
        "mål och resultatstyrning",
        "målstyrning",
        "resultatstyrning",
        "goals",
        "management by objectives",
    ),
    Kind.NORMS: ("normstyrning", "normer", "norms", "normative steering"),
}
UNIT_SEPARATORS = re.compile(r"[;|\n]")


def _lookup(aliases: dict[str, tuple[str, ...]], choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Every way to write a choice (its value, its label in English and Swedish, its aliases) → its value."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[value.casefold()] = value
        for language in ("en", "sv"):
            with override(language):
                found[normalise_text(str(label)).casefold()] = value
        for alias in aliases.get(value, ()):
            found[alias.casefold()] = value
    return found


@dataclass
class ImportRow:
    """One row of the file as text, what is wrong with it, and (when nothing is) the signal it becomes."""

    line: int
    name: str = ""
    description: str = ""
    source: str = ""
    kind: str = ""
    owner: str = ""
    task: str = ""
    occurrences: str = ""
    minutes: str = ""
    people: str = ""
    units: str = ""
    used_by: str = ""
    errors: list[str] = field(default_factory=list)
    details: SignalDetails | None = None
    hours: burden.Shown | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


TEXT_FIELDS = (
    "name",
    "description",
    "source",
    "kind",
    "owner",
    "task",
    "occurrences",
    "minutes",
    "people",
    "units",
    "used_by",
)


class ImportPreview(tabular.Preview[ImportRow]):
    def signals(self) -> list[SignalDetails]:
        return self.checked()

    @property
    def hours(self) -> burden.Shown:
        """The hours a year of the rows without errors together (an estimate)."""
        return burden.display(
            burden.total(
                burden.hours_per_year(d.minutes_per_occurrence, d.occurrences_per_year, d.people)
                for d in self.signals()
            )
        )


def limits() -> tuple[int, int]:
    """The largest file (bytes) and the most rows one import takes (settings `STEERING_IMPORT_MAX_BYTES`,
    `STEERING_IMPORT_MAX_ROWS`)."""
    return (
        int(getattr(settings, "STEERING_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)),
        int(getattr(settings, "STEERING_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
    )


def _row(line: int, texts: dict[str, str]) -> ImportRow:
    row = ImportRow(line=line)
    for column in TEXT_FIELDS:
        setattr(row, column, texts.get(column, ""))
    return row


def read_signals(data: bytes, *, organisation: Organisation, name: str = "") -> ImportPreview:
    """Read and check an uploaded CSV or XLSX catalogue; raises `tabular.TableError` when the file as a whole is
    unusable (too large, empty, not a table, a wrong header, too many rows)."""
    max_bytes, max_rows = limits()
    records = tabular.read_table(data, max_bytes=max_bytes, max_rows=max_rows, name=name)
    columns = tabular.header_columns(records[0], COLUMN_ALIASES)
    missing = [COLUMN_ALIASES[column][0] for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise tabular.TableError(
            _(
                "Columns are missing: %(columns)s. The first row must name the columns: namn, källa, styrning, "
                "ägare, gånger per år, minuter per gång, personer (and, if you like, beskrivning, vad som ska göras, "
                "enheter, används av). Download the example file to see how."
            )
            % {"columns": ", ".join(missing)}
        )
    body = tabular.body(records)
    if not body:
        raise tabular.TableError(_("The file has a header row but no signals."))
    if len(body) > max_rows:
        raise tabular.TableError(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
            % {"count": len(body), "limit": max_rows}
        )

    def cell(record: list[str], column: str) -> str:
        index = columns.get(column)
        return record[index] if index is not None and index < len(record) else ""

    rows = [
        _row(
            line,
            {
                column: (
                    cell(record, column).strip()
                    if column in ("description", "task", "units")
                    else normalise_text(cell(record, column))
                )
                for column in TEXT_FIELDS
            },
        )
        for line, record in body
    ]
    check_rows(rows, organisation=organisation)
    return ImportPreview(rows=rows)


def _figure(text: str, what: str, errors: list[str]) -> Decimal | None:
    if not text:
        errors.append(_("%(what)s is missing.") % {"what": what})
        return None
    amount = burden.parse_amount(text)
    if amount is None:
        errors.append(
            _("%(what)s: “%(text)s” is not a number (write e.g. 12 or 7,5).") % {"what": what, "text": text[:40]}
        )
    return amount


def check_rows(rows: list[ImportRow], *, organisation: Organisation) -> None:
    """Fill in each row's errors and, where it has none, the signal it becomes."""
    units = units_by_path(organisation)
    sources = _lookup(SOURCE_ALIASES, Source.choices)
    kinds = _lookup(KIND_ALIASES, Kind.choices)
    keys = {name_key(row.name) for row in rows if row.name}
    taken = set(Signal.objects.filter(organisation=organisation, name_key__in=keys).values_list("name_key", flat=True))
    seen: dict[str, int] = {}
    for row in rows:
        errors: list[str] = []
        row.details, row.hours = None, None
        key = name_key(row.name)
        if not row.name:
            errors.append(_("The name is missing."))
        elif len(row.name) > NAME_MAX_LENGTH:
            errors.append(_("The name is longer than %(most)s characters.") % {"most": NAME_MAX_LENGTH})
        elif key in seen:
            errors.append(_("The name appears on row %(line)s too.") % {"line": seen[key]})
        elif key in taken:
            errors.append(_("A signal named “%(name)s” is already in the catalogue.") % {"name": row.name})
        if row.name:
            seen.setdefault(key, row.line)
        source = sources.get(row.source.casefold())
        if not row.source:
            errors.append(_("The source is missing."))
        elif source is None:
            errors.append(
                _(
                    "Unknown source “%(source)s”: write e.g. lag, föreskrift, statsbidrag, överenskommelse, "
                    "regeringsuppdrag, datainsamling, tillsyn, fullmäktige, nämnd, förvaltning or enheten."
                )
                % {"source": row.source[:60]}
            )
        kind = kinds.get(row.kind.casefold())
        if not row.kind:
            errors.append(_("The kind of steering is missing."))
        elif kind is None:
            errors.append(
                _(
                    "Unknown kind of steering “%(kind)s”: write regelstyrning, ekonomisk styrning, "
                    "prestationsstyrning, mål- och resultatstyrning or normstyrning."
                )
                % {"kind": row.kind[:60]}
            )
        if not row.owner:
            errors.append(_("The owner is missing: who can change the signal?"))
        elif len(row.owner) > NAME_MAX_LENGTH:
            errors.append(_("The owner's name is longer than %(most)s characters.") % {"most": NAME_MAX_LENGTH})
        for text, what in ((row.description, _("The description")), (row.task, _("What must be done"))):
            if len(text) > DESCRIPTION_MAX_LENGTH:
                errors.append(
                    _("%(what)s is longer than %(most)s characters.") % {"what": what, "most": DESCRIPTION_MAX_LENGTH}
                )
        if len(row.used_by) > USED_BY_MAX_LENGTH:
            errors.append(_("“Who uses the result” is longer than %(most)s characters.") % {"most": USED_BY_MAX_LENGTH})
        occurrences = _figure(row.occurrences, _("Times a year"), errors)
        minutes = _figure(row.minutes, _("Minutes each time"), errors)
        people: int | None = None
        if not row.people:
            errors.append(_("%(what)s is missing.") % {"what": _("People who do it")})
        else:
            people = burden.parse_count(row.people)
            if people is None:
                errors.append(_("People who do it: “%(text)s” is not a whole number.") % {"text": row.people[:40]})
        if occurrences is not None and minutes is not None and people is not None:
            errors.extend(problem_message(problem) for problem in burden.problems(minutes, occurrences, people))
        reached: list[Unit] = []
        for path in (part.strip() for part in UNIT_SEPARATORS.split(row.units)):
            if not path:
                continue
            matches = units.get(normalise_path(path), [])
            if not matches:
                errors.append(
                    _("There is no open unit “%(path)s”. Write the path from the top, separated by /.")
                    % {"path": path[:200]}
                )
            elif len(matches) > 1:
                errors.append(
                    _("“%(path)s” fits more than one unit. Rename one of them so that each path is unique.")
                    % {"path": path[:200]}
                )
            else:
                reached.append(matches[0])
        row.errors = errors
        if errors or source is None or kind is None or occurrences is None or minutes is None or people is None:
            continue
        row.details = SignalDetails(
            name=row.name,
            source=source,
            kind=kind,
            owner_name=row.owner,
            occurrences_per_year=occurrences,
            minutes_per_occurrence=minutes,
            people=people,
            description=row.description,
            task=row.task,
            result_used_by=row.used_by,
            units=tuple(dict.fromkeys(reached)),
        )
        row.hours = burden.display(burden.hours_per_year(minutes, occurrences, people))


def rows_to_session(rows: list[ImportRow]) -> list[dict[str, object]]:
    return [{"line": row.line, **{column: getattr(row, column) for column in TEXT_FIELDS}} for row in rows]


def rows_from_session(data: list[dict[str, object]], *, organisation: Organisation) -> ImportPreview:
    """Rebuild and re-check a preview kept in the session, so the commit sees today's catalogue and units."""
    rows = [
        _row(int(str(item["line"])), {column: str(item.get(column, "")) for column in TEXT_FIELDS}) for item in data
    ]
    check_rows(rows, organisation=organisation)
    return ImportPreview(rows=rows)


def example_rows() -> list[list[str]]:
    """The example file: the header in Swedish and two signals, with a decimal comma."""
    header = [COLUMN_ALIASES[column][0] for column in TEXT_FIELDS]
    return [
        header,
        [
            "Genomförandeplan för varje brukare",
            "Krav i Socialstyrelsens föreskrifter om dokumentation.",
            "föreskrift",
            "regelstyrning",
            "Socialstyrelsen",
            "Upprätta planen med brukaren och följa upp den.",
            "24",
            "45",
            "14",
            "",
            "Biståndshandläggarna",
        ],
        [
            "Månadsuppföljning av beviljade timmar",
            "",
            "förvaltningen",
            "ekonomisk styrning",
            "Socialförvaltningen",
            "Sammanställa utförda och beviljade timmar.",
            "12",
            "7,5",
            "2",
            "",
            "Förvaltningens controller",
        ],
    ]
