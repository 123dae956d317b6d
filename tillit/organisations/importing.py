"""Import people from CSV: parse, check every row, and only then add them all.

`read_people_csv` turns uploaded bytes into checked rows without touching the
database beyond lookups; `actions.add_people` commits them all or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tillit.accounts import addresses
from tillit.core import tabular
from tillit.core.text import normalise_text
from tillit.organisations.actions import PersonDetails
from tillit.organisations.models import ActorGroup, Level, Membership, Organisation, PendingMembership, Unit
from tillit.organisations.queries import unit_tree

COLUMN_ALIASES = {
    "name": {"name", "namn", "full_name", "fullständigt namn"},
    "email": {"email", "e-mail", "e-post", "epost", "e-postadress", "mejl"},
    "unit": {"unit", "enhet", "unit path", "enhetssökväg", "organisatorisk tillhörighet"},
    "actor_group": {"actor_group", "actor group", "aktörsgrupp", "aktorsgrupp"},
    "level": {"level", "nivå", "niva"},
    "role": {"role", "roll"},
}
REQUIRED_COLUMNS = ("name", "email", "unit", "actor_group")
ROLE_ALIASES = {
    "admin": Membership.Role.ADMIN,
    "administratör": Membership.Role.ADMIN,
    "organisationsadministratör": Membership.Role.ADMIN,
    "facilitator": Membership.Role.FACILITATOR,
    "process leader": Membership.Role.FACILITATOR,
    "processledare": Membership.Role.FACILITATOR,
    "participant": Membership.Role.PARTICIPANT,
    "deltagare": Membership.Role.PARTICIPANT,
    "": Membership.Role.PARTICIPANT,
}


ImportFileError = tabular.TableError  # the file as a whole cannot be read; nothing in it is imported


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    unit_path: str
    actor_group_name: str
    level_name: str = ""
    role_name: str = ""
    errors: list[str] = field(default_factory=list)
    details: PersonDetails | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


class ImportPreview(tabular.Preview[ImportRow]):
    def people(self) -> list[PersonDetails]:
        return self.checked()


def normalise_path(path: str) -> str:
    """A unit path as typed ("Socialförvaltningen / Hemtjänst Norr"), in the form paths are compared in."""
    return " / ".join(part.strip().casefold() for part in path.replace("\\", "/").split("/") if part.strip())


def units_by_path(organisation: Organisation) -> dict[str, list[Unit]]:
    """The organisation's open units by their normalised paths from the top (more than one where names repeat)."""
    found: dict[str, list[Unit]] = {}
    for node in unit_tree(organisation):
        found.setdefault(normalise_path(node.path), []).append(node.unit)
    return found


def _header_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        title = raw.strip().casefold()
        for column, aliases in COLUMN_ALIASES.items():
            if title in aliases and column not in found:
                found[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    if missing:
        raise ImportFileError(
            _("Columns are missing: %(columns)s. The first row must name the columns: name, email, unit, actor_group.")
            % {"columns": ", ".join(missing)}
        )
    return found


def read_people_csv(data: bytes, *, organisation: Organisation, max_bytes: int, max_rows: int) -> ImportPreview:
    """Parse and check a CSV of people; raises ImportFileError when the file as a whole is unusable."""
    tabular.check_size(data, max_bytes=max_bytes)
    text = tabular.decode_csv(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    records = tabular.csv_records(text)
    columns = _header_map(records[0])
    body = tabular.body(records)
    if not body:
        raise ImportFileError(_("The file has a header row but no people."))
    if len(body) > max_rows:
        raise ImportFileError(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
            % {"count": len(body), "limit": max_rows}
        )

    def cell(record: list[str], column: str) -> str:
        index = columns.get(column)
        return record[index] if index is not None and index < len(record) else ""

    rows = [
        ImportRow(
            line=line,
            name=normalise_text(cell(record, "name")),
            email=cell(record, "email").strip().lower(),
            unit_path=normalise_text(cell(record, "unit")),
            actor_group_name=normalise_text(cell(record, "actor_group")),
            level_name=normalise_text(cell(record, "level")),
            role_name=normalise_text(cell(record, "role")),
        )
        for line, record in body
    ]
    check_rows(rows, organisation=organisation)
    return ImportPreview(rows=rows)


def check_rows(rows: list[ImportRow], *, organisation: Organisation) -> None:
    """Fill in each row's errors and, where it has none, the person details to add."""
    units = units_by_path(organisation)
    groups = list(ActorGroup.objects.in_organisation(organisation))
    groups_by_name = {group.name.casefold(): group for group in groups}
    groups_by_name.update({group.key: group for group in groups if group.key})
    levels_by_name = {level.name.casefold(): level for level in Level.objects.in_organisation(organisation)}
    # Compared in canonical form, as sign-in does. Only this organisation's own people are looked
    # up: whether an address has an account elsewhere never shows here, such rows look like new ones.
    members = {
        addresses.canonical_email(email)
        for email in Membership.objects.in_organisation(organisation).values_list("user__email", flat=True)
    }
    invited = {
        addresses.canonical_email(email)
        for email in PendingMembership.objects.in_organisation(organisation).values_list("email", flat=True)
    }
    seen: dict[str, int] = {}

    for row in rows:
        row.errors = []
        row.details = None
        if not row.name:
            row.errors.append(_("The name is missing."))
        elif len(row.name) > 150:
            row.errors.append(_("The name is longer than 150 characters."))
        key = addresses.canonical_email(row.email)
        try:
            validate_email(row.email)
            if len(row.email) > addresses.MAX_LENGTH or len(key) > addresses.MAX_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email[:80]})
        else:
            if key in seen:
                row.errors.append(_("The e-mail address appears on row %(line)s too.") % {"line": seen[key]})
            elif key in members:
                row.errors.append(_("%(email)s already belongs to the organisation.") % {"email": row.email})
            elif key in invited:
                row.errors.append(
                    _("%(email)s has already been invited to the organisation and has not answered yet.")
                    % {"email": row.email}
                )
            seen.setdefault(key, row.line)
        unit: Unit | None = None
        if row.unit_path:
            matches = units.get(normalise_path(row.unit_path), [])
            if not matches:
                row.errors.append(
                    _("There is no open unit “%(path)s”. Write the path from the top, separated by /.")
                    % {"path": row.unit_path[:200]}
                )
            elif len(matches) > 1:
                row.errors.append(
                    _("“%(path)s” fits more than one unit. Rename one of them so that each path is unique.")
                    % {"path": row.unit_path[:200]}
                )
            else:
                unit = matches[0]
        group = groups_by_name.get(row.actor_group_name.casefold())
        if group is None:
            row.errors.append(
                _("There is no actor group “%(name)s”.") % {"name": row.actor_group_name[:100]}
                if row.actor_group_name
                else _("The actor group is missing.")
            )
        level: Level | None = None
        if row.level_name:
            level = levels_by_name.get(row.level_name.casefold())
            if level is None:
                row.errors.append(_("There is no level “%(name)s”.") % {"name": row.level_name[:100]})
        role = ROLE_ALIASES.get(row.role_name.casefold())
        if role is None:
            row.errors.append(
                _("Unknown role “%(role)s”: use deltagare, processledare or administratör.")
                % {"role": row.role_name[:50]}
            )
        if not row.errors and group is not None and role is not None:
            row.details = PersonDetails(
                full_name=row.name, email=row.email, unit=unit, actor_group=group, level=level, role=role
            )


def rows_to_session(rows: list[ImportRow]) -> list[dict[str, object]]:
    return [
        {
            "line": row.line,
            "name": row.name,
            "email": row.email,
            "unit_path": row.unit_path,
            "actor_group_name": row.actor_group_name,
            "level_name": row.level_name,
            "role_name": row.role_name,
        }
        for row in rows
    ]


def rows_from_session(data: list[dict[str, object]], *, organisation: Organisation) -> ImportPreview:
    """Rebuild and re-check a preview kept in the session, so the commit sees today's units and members."""
    rows = [
        ImportRow(
            line=int(str(item["line"])),
            name=str(item["name"]),
            email=str(item["email"]),
            unit_path=str(item["unit_path"]),
            actor_group_name=str(item["actor_group_name"]),
            level_name=str(item.get("level_name", "")),
            role_name=str(item.get("role_name", "")),
        )
        for item in data
    ]
    check_rows(rows, organisation=organisation)
    return ImportPreview(rows=rows)
