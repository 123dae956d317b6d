"""Personal links: a one-time link per member to answer something anonymously (a barometer round, a rating campaign
of steering signals), sent by e-mail and reminded.

A link's row holds who it was sent to, their unit, level and actor group when it was made (what their answer will
carry), and whether they have answered; never the answer. Its secret is derived with the data key from the row
(`tillit.core.tokens.keyed_digests`, over the row's `secret_scope()`), so a reminder repeats the same link, and only
its SHA-256 is stored.

`PersonalLink` is the abstract row; each part that sends links has its own table of them (`barometer.Invitation`,
`steering.CampaignInvitation`), with a foreign key to what is answered, a unique constraint per member, and its
`secret_scope()`. The functions below are the machinery every such part shares:

- `create_links`: one link per member, with their unit, level and actor group, and the hash of its secret;
- `link_token`, `find_link`: the secret in a link, and the link a secret names;
- `send_links`: the e-mails (invitations and reminders), stamped when sent, counted when they fail (`Sent`);
- `links_under_older_keys`: how many waiting links were made with an older data key (for `rekey_data`);
- `keep_token`, `token_from_cookie`, `keep_cookie`, `cookie_age`: what the answering device keeps, in HttpOnly
  cookies scoped to the answering pages' path, so the token leaves the address after the link's first visit.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_delete
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tillit.accounts.models import User
from tillit.core import mail
from tillit.core.personal_data import RetentionRule, register_retention
from tillit.core.tokens import hash_token, keyed_digests
from tillit.organisations.models import ActorGroup, Level, Membership, Unit

__all__ = [
    "COOKIE_DAYS_AFTER_CLOSE",
    "TOKEN_MAX_LENGTH",
    "PersonalLink",
    "Sent",
    "cookie_age",
    "create_links",
    "find_link",
    "keep_cookie",
    "keep_token",
    "link_token",
    "links_under_older_keys",
    "send_links",
    "store_token_hashes",
    "token_from_cookie",
    "tokens_under_each_key",
]

TOKEN_MAX_LENGTH = 100  # longer than any token a link holds: refused before hashing
COOKIE_DAYS_AFTER_CLOSE = 1


class PersonalLink(models.Model):
    """A personal, one-time link. Holds "has answered"; never the answers."""

    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the token in the link
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, related_name="+")
    actor_group = models.ForeignKey(ActorGroup, on_delete=models.PROTECT, null=True, related_name="+")
    answered = models.BooleanField(default=False)
    # True from the answer until the inbox's batch is mixed: that transaction rewrites exactly these rows, so no
    # row version of a link shares a transaction with its answer once the answer is mixed.
    awaiting_mix = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def secret_scope(self) -> str:
        """What the link's secret is derived from under the data key: the kind of link, what it answers, and the
        row ("barometer-invitation:<round>:<id>"). Fixed once links are sent: changing it breaks them."""
        raise NotImplementedError


L = TypeVar("L", bound=PersonalLink)


# Secrets ---------------------------------------------------------------------------------------------------------


def tokens_under_each_key(link: PersonalLink) -> list[str]:
    """The link's secret under the data key, then under each older key still accepted."""
    return [digest[:24].hex() for digest in keyed_digests(link.secret_scope())]


def link_token(link: PersonalLink) -> str:
    """The secret in a personal link. Derived with the data key, so a reminder can repeat the same link: with the
    key the stored hash was made with, an older one while the key is being rotated (`tillit.core.tokens`)."""
    tokens = tokens_under_each_key(link)
    return next((token for token in tokens if hash_token(token) == link.token_hash), tokens[0])


def find_link(links: QuerySet[L], token: str | None) -> L | None:
    """The link among `links` whose secret is `token`, or None (also for an empty or absurdly long token)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return links.filter(token_hash=hash_token(token)).first()


def store_token_hashes(model: type[L], links: list[L]) -> None:
    """Store the hash of each link's secret (made from its id, so after the rows exist). The links carry what
    `secret_scope()` reads, so no query is made per link."""
    for link in links:
        link.token_hash = hash_token(_current_token(link))
    model._default_manager.bulk_update(links, ["token_hash"], batch_size=1000)


def _current_token(link: PersonalLink) -> str:
    return tokens_under_each_key(link)[0]


def create_links(model: type[L], memberships: Iterable[Membership], **parent: Any) -> int:
    """One link of `model` for each membership (whose `user` is selected), to `parent` (one keyword: the round,
    the campaign), with the member's address, unit, level and actor group as they are now, and the hash of its
    secret. Caller holds a transaction and has checked that `parent` has no links yet. How many were made."""
    (name, value), *rest = parent.items()
    if rest:
        raise ValueError("A link belongs to one parent.")
    made = model._default_manager.bulk_create(
        model(
            membership=membership,
            email=membership.user.email,
            token_hash=secrets.token_hex(32),  # replaced by the link's hash below, once the id is known
            unit_id=membership.unit_id,
            level_id=membership.level_id,
            actor_group_id=membership.actor_group_id,
            **{name: value},
        )
        for membership in memberships
    )
    links = list(model._default_manager.filter(**{name: value}).only("pk", f"{name}_id", "token_hash"))
    for link in links:
        setattr(link, name, value)
    store_token_hashes(model, links)
    return len(made)


def links_under_older_keys(links: Iterable[PersonalLink]) -> int:
    """How many of `links` were made with an older data key: a sent link cannot move to a new key, so that key
    must stay in DATA_KEY_FALLBACKS while they wait for an answer."""
    return sum(1 for link in links if link_token(link) != _current_token(link))


# Sending ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """How many e-mails went, and how many could not be sent (counted, not retried)."""

    sent: int
    failed: int


def send_links(
    links: QuerySet[L],
    *,
    subject: str,
    address: Callable[[str], str],
    body: Callable[[str], str],
    reminder: bool,
) -> Sent:
    """E-mail each of `links` (those with an address: erased people have none) its personal link: `address(token)`
    is the link's full address, `body(address)` the message. Each link sent is stamped (`sent_at`, or
    `reminded_at` for a reminder); one that cannot be sent is counted, not retried."""
    sent = failed = 0
    stamp_field = "reminded_at" if reminder else "sent_at"
    for link in links.exclude(email=""):
        if not mail.send_one(subject, body(address(link_token(link))), link.email):
            failed += 1
            continue
        type(link)._default_manager.filter(pk=link.pk).update(**{stamp_field: timezone.now()})
        sent += 1
    return Sent(sent, failed)


# What the answering device keeps -----------------------------------------------------------------------------------


def cookie_age(closes_on: datetime.date) -> int:
    """Seconds a cookie of the answering pages lives: until a day after the closing date, at least a day."""
    days = (closes_on - timezone.localdate()).days + COOKIE_DAYS_AFTER_CLOSE
    return max(days, 1) * 24 * 3600


def keep_token(response: HttpResponse, token: str, *, name: str, salt: str, path: str, max_age: int) -> None:
    """Keep a personal link's token on the device, signed (`salt` names the part and what is answered), in an
    HttpOnly cookie for the answering page's `path` only."""
    response.set_signed_cookie(
        name,
        token,
        salt=salt,
        max_age=max_age,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def token_from_cookie(request: HttpRequest, *, name: str, salt: str) -> str | None:
    """The token the first visit of a personal link kept on this device, if its signature holds."""
    token = request.get_signed_cookie(name, default=None, salt=salt)
    return token if isinstance(token, str) and token else None


def keep_cookie(response: HttpResponse, name: str, value: str, *, path: str, max_age: int) -> None:
    """Keep `value` on the device under `name`, HttpOnly, for the pages under `path`."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# A person's data: the addresses on the links ---------------------------------------------------------------------


def links_of(model: type[L], user: User) -> QuerySet[L]:
    """The person's links of `model`: through a membership, or (a membership ended before its address was forgotten)
    by the address itself."""
    return model._default_manager.filter(Q(membership__user=user) | Q(email__iexact=user.email))


def forget_addresses(links: QuerySet[L]) -> int:
    """The links stay (they say how many were asked), without address or membership; how many."""
    return links.update(email="", membership=None)


def addresses_of_ended(model: type[L], parent: str, cutoff: datetime.datetime) -> QuerySet[L]:
    """Links with an address whose `parent` (the round, the campaign) ended before the cutoff: closed early, or on
    its last day."""
    ended = Q(**{f"{parent}__closed_at__lt": cutoff}) | Q(
        **{f"{parent}__closed_at__isnull": True, f"{parent}__closes_on__lt": timezone.localdate(cutoff)}
    )
    return model._default_manager.filter(ended).exclude(email="")


def register_address_rules(model: type[L], *, parent: str, kind: str, description: str) -> None:
    """Forget the addresses on `model`'s links when someone leaves the organisation (no reminder reaches someone who
    is no longer a member), and `RETENTION_DAYS[kind]` days after the parent ended."""

    def forget_address_of_membership(sender: type[Membership], instance: Membership, **kwargs: object) -> None:
        forget_addresses(model._default_manager.filter(membership=instance))

    pre_delete.connect(
        forget_address_of_membership, sender=Membership, weak=False, dispatch_uid=f"{kind}-forget-address"
    )
    register_retention(
        RetentionRule(
            kind,
            description,
            lambda cutoff: addresses_of_ended(model, parent, cutoff).count(),
            lambda cutoff: addresses_of_ended(model, parent, cutoff).update(email=""),
        )
    )
