"""Who may run a barometer round and who may read which of its results: the door to a round and its permissions.

A round is reached by its public id through `ROUND` (`tillit.organisations.door`): outside its organisation it does
not exist (404; a visitor who is not signed in is sent to sign in). The barometer's organisation pages (the list of
rounds, the questionnaire) go through the organisation's own door, `ORGANISATION`. Permissions are django-rules
predicates of one argument, the door's `Access`:

| permission | administrator | process leader | manager | politician | other member | no membership, signed in | not signed in |
| --- | --- | --- | --- | --- | --- | --- | --- |
| `barometer.view_rounds` (the list of rounds) | yes | yes | yes | yes | yes | 404 | sign in |
| `barometer.read_questionnaire` | yes | yes | yes | yes | yes | 404 | sign in |
| `barometer.edit_questionnaire` | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.create_round` | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.enter_round` (know the round exists) | yes | yes | yes | yes | yes | 404 | sign in |
| `barometer.manage_round` (edit, open, remind, close, publish) | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.read_results` (some of the results) | yes | yes | yes | yes | yes | 404 | sign in |
| `barometer.read_organisation_results` (the organisation's page) | yes | yes | yes | yes | yes | 404 | sign in |
| `barometer.read_every_result` (levels, actor groups, every unit) | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.read_unit_results` of the requester's own unit | yes | yes | yes | 403 | yes | 404 | sign in |
| `barometer.read_unit_results` of a unit below the requester's own | yes | yes | yes | 403 | 403 | 404 | sign in |
| `barometer.read_unit_results` of any other unit | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.download_results` (CSV and XLSX, of the units one reads in full) | yes | yes | yes | 403 | 403 | 404 | sign in |
| `barometer.read_results`, results to leaders and politicians | yes | yes | yes | yes | 403 | 404 | sign in |
| `barometer.read_organisation_results`, results to leaders and politicians | yes | yes | 403 | yes | 403 | 404 | sign in |
| `barometer.read_unit_results` of the requester's own unit, results to leaders and politicians | yes | yes | yes | 403 | 403 | 404 | sign in |
| `barometer.read_results`, results to leaders only | yes | yes | yes | 403 | 403 | 404 | sign in |
| `barometer.read_organisation_results`, results to leaders only | yes | yes | 403 | 403 | 403 | 404 | sign in |
| `barometer.read_unit_results` of the requester's own unit, results to leaders only | yes | yes | yes | 403 | 403 | 404 | sign in |

A manager is a member whose actor group is top, middle or first-line management and who is placed on a unit; they
answer for that unit and every unit below it (the organisation's tree as it stands, walked by
`tillit.organisations.tree`). A politician is a member of the politicians' actor group; the politician of the table is
placed on no unit, as most are (one placed on a unit is a member there like any other). "Other member" is an employee
placed on the manager's unit.

Who reads which results is the round's setting, `Round.results_readers`; the rows without a setting named are the
default, the whole steering chain (PRODUCT §2):

- *leaders*: process leaders and administrators read everything, managers their own units and those below them;
- *politicians*: as above, and politicians the organisation's page;
- *chain*: as above, and every member the organisation's page and their own unit's (the unit their membership is
  placed on; not the units below it, unless they manage them).

The pages of levels, actor groups, and units one neither manages nor is placed on, are opened only by those who read
everything. The pages one may open show their rows as published, though: the organisation's page its top units and
its level and actor-group comparisons, a unit's page the units right below it, each with its figures where the
engine shows them (the comparisons across the chain are the barometer's point). Their links lead only where the
reader may go. The setting can change until the round closes, never after (`actions.update_round`). It changes no
figure: every page of a round's result is one publication, audited as a whole (see docs/privacy.md), so a reader of a
part of it learns nothing that the whole does not allow. Which results exist at
all is the round's business, not a permission: they open when the round is closed and sealed
(`Round.results_open`), and are published once; before, every page refuses with 403 (`reports.refusals`).

The answering pages (personal link, open link, thanks) are not behind this door: the secret in the link is the
right to answer, and nobody needs an account (`responding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules

from tillit.barometer.models import Round
from tillit.organisations import tree
from tillit.organisations.door import Access, Door, by_public_id, organisation_of
from tillit.organisations.models import ActorGroup
from tillit.organisations.permissions import is_facilitator, is_member
from tillit.organisations.queries import unit_parents

__all__ = [
    "CREATE_ROUND",
    "DOWNLOAD_RESULTS",
    "EDIT_QUESTIONNAIRE",
    "ENTER_ROUND",
    "MANAGER_GROUPS",
    "MANAGE_ROUND",
    "READ_EVERY_RESULT",
    "READ_ORGANISATION_RESULTS",
    "READ_QUESTIONNAIRE",
    "READ_RESULTS",
    "READ_UNIT_RESULTS",
    "ROUND",
    "VIEW_ROUNDS",
    "UnitOfRound",
    "is_manager",
    "managed_units",
    "round_access",
    "unit_access",
]

VIEW_ROUNDS = "barometer.view_rounds"
READ_QUESTIONNAIRE = "barometer.read_questionnaire"
EDIT_QUESTIONNAIRE = "barometer.edit_questionnaire"
CREATE_ROUND = "barometer.create_round"
ENTER_ROUND = "barometer.enter_round"
MANAGE_ROUND = "barometer.manage_round"
READ_RESULTS = "barometer.read_results"
READ_EVERY_RESULT = "barometer.read_every_result"
READ_UNIT_RESULTS = "barometer.read_unit_results"
READ_ORGANISATION_RESULTS = "barometer.read_organisation_results"
DOWNLOAD_RESULTS = "barometer.download_results"

MANAGER_GROUPS = frozenset(
    {ActorGroup.Key.TOP_MANAGEMENT, ActorGroup.Key.MIDDLE_MANAGEMENT, ActorGroup.Key.FIRST_LINE_MANAGER}
)


@dataclass(frozen=True)
class UnitOfRound:
    """One unit's results in a round: what `barometer.read_unit_results` is asked about."""

    round: Round
    unit_id: int


def unit_access(access: Access[Round], unit_id: int) -> Access[UnitOfRound]:
    """The requester's access to one unit's results in the round they came in to."""
    return Access(access.request, UnitOfRound(access.target, unit_id), access.organisation, access.membership)


def round_access(access: Access[Any], round: Round) -> Access[Round]:
    """The requester's access to one of the organisation's rounds, asked from a page of the organisation (the list
    of rounds). The caller has found the round in the requester's organisation."""
    return Access(access.request, round, access.organisation, access.membership)


def managed_units(access: Access[Any]) -> frozenset[int]:
    """The units the requester answers for as a manager: their own unit and everything below it; empty for anyone
    who is not a manager. Read once per request."""
    membership = access.membership
    if membership is None or membership.unit_id is None or not _is_manager(access):
        return frozenset()
    cache: dict[int, frozenset[int]] = access.request.__dict__.setdefault("_barometer_managed_units", {})
    if membership.pk not in cache:
        parents = unit_parents(membership.organisation_id)
        cache[membership.pk] = frozenset(tree.subtree(membership.unit_id, parents))
    return cache[membership.pk]


def _is_manager(access: Access[Any]) -> bool:
    membership = access.membership
    return membership is not None and membership.unit_id is not None and membership.actor_group.key in MANAGER_GROUPS


@rules.predicate
def is_manager(access: Access[Any]) -> bool:
    """A member in a management actor group who is placed on a unit."""
    return _is_manager(access)


@rules.predicate
def manages_the_unit(access: Access[UnitOfRound]) -> bool:
    """The unit is the manager's own or below it."""
    return access.target.unit_id in managed_units(access)


def _round_of(access: Access[Any]) -> Round | None:
    target = access.target
    if isinstance(target, UnitOfRound):
        return target.round
    return target if isinstance(target, Round) else None


@rules.predicate
def results_reach_politicians(access: Access[Any]) -> bool:
    """The round's results go to politicians too (its setting, `Round.results_readers`)."""
    round = _round_of(access)
    return round is not None and round.results_readers in (
        Round.ResultsReaders.POLITICIANS,
        Round.ResultsReaders.CHAIN,
    )


@rules.predicate
def results_reach_every_member(access: Access[Any]) -> bool:
    """The round's results go to the whole steering chain (its setting, `Round.results_readers`)."""
    round = _round_of(access)
    return round is not None and round.results_readers == Round.ResultsReaders.CHAIN


@rules.predicate
def is_politician(access: Access[Any]) -> bool:
    """A member of the politicians' actor group."""
    membership = access.membership
    return membership is not None and membership.actor_group.key == ActorGroup.Key.POLITICIAN


@rules.predicate
def is_placed_on_the_unit(access: Access[UnitOfRound]) -> bool:
    """The unit is the one the requester's membership is placed on (not one below it)."""
    membership = access.membership
    return membership is not None and membership.unit_id is not None and membership.unit_id == access.target.unit_id


reads_the_organisation_page = (
    is_facilitator | (is_politician & results_reach_politicians) | (is_member & results_reach_every_member)
)

rules.add_perm(VIEW_ROUNDS, is_member)
rules.add_perm(READ_QUESTIONNAIRE, is_member)
rules.add_perm(EDIT_QUESTIONNAIRE, is_facilitator)
rules.add_perm(CREATE_ROUND, is_facilitator)
rules.add_perm(ENTER_ROUND, is_member)
rules.add_perm(MANAGE_ROUND, is_facilitator)
rules.add_perm(READ_RESULTS, is_manager | reads_the_organisation_page)
rules.add_perm(READ_ORGANISATION_RESULTS, reads_the_organisation_page)
rules.add_perm(READ_EVERY_RESULT, is_facilitator)
rules.add_perm(
    READ_UNIT_RESULTS, is_facilitator | manages_the_unit | (is_placed_on_the_unit & results_reach_every_member)
)
rules.add_perm(DOWNLOAD_RESULTS, is_facilitator | is_manager)


# A round's pages: only the organisation's members know it exists.
ROUND: Door[Round] = Door(
    url_kwarg="round",
    find=by_public_id(Round, "instrument"),
    organisation=organisation_of,
    enter=ENTER_ROUND,
    participants_are_inside=False,
)
