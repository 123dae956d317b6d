"""The public *ni sa – vi gjorde* page of a service: what came in and what happened with it, as it may be published.

Only suggestions a process leader has published are on it, with their status, public reason and answer; never who
wrote them (service user, relative …), how they came in, or the day (the month only). The texts are shown only once
the service has at least k published suggestions (the organisation's anonymity threshold, `privacy.count`), so that
the first one or two cannot be told apart by when they appeared; until then the page says how it will work. Every
published suggestion counts towards k, also one merged into another; a merged one is then not listed on its own but
counted under the one it was merged into ("3 said something similar"), when that one is on the page too.

The same texts, and only those, are what a workshop shows as the service users' voice behind its cards and its
purpose (`Voice`): published, their texts kept, of a service with at least k of them; the theme but never who wrote
them or when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats

from tillit.privacy.suppression import NotAFigure, count
from tillit.voice.models import ServicePage, Suggestion

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Published", "ThemeGroup", "Voice", "VoicesByTheme", "YouSaid", "voice", "voices_by_theme", "you_said"]


@dataclass(frozen=True)
class Published:
    helps: str
    hinders: str
    status: str
    reason: str
    answer: str
    month: str  # "december 2026": when it came in, to the month
    language: str = "sv"  # the language it was written in (the page marks the text with it, lang=)
    # How many other published suggestions were merged into this one. Not a figure about people to protect: each of
    # them would be on the page as a text of its own had it not been merged, which tells more than their number.
    similar: NotAFigure[int] = 0


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    suggestions: list[Published]


@dataclass(frozen=True)
class YouSaid:
    service: str
    shown: bool  # at least k published: the texts are on the page
    k: NotAFigure[int]
    groups: list[ThemeGroup]


def you_said(page: ServicePage, published: Iterable[Suggestion]) -> YouSaid:
    """The page's publication from its published suggestions (in the order the page lists them: by theme)."""
    rows = list(published)
    k = page.organisation.anonymity_threshold
    if count(len(rows), k=k).hidden:  # every published suggestion counts, merged ones too: each is one person's
        return YouSaid(page.name, False, k, [])
    on_the_page = {suggestion.pk for suggestion in rows}
    groups: dict[str, list[Published]] = {}
    for suggestion in rows:
        if suggestion.merged_into_id in on_the_page:
            continue  # shown under the one it was merged into, as one of those who said something similar
        theme = suggestion.get_theme_display() if suggestion.theme else str(Suggestion.Theme.OTHER.label)
        groups.setdefault(str(theme), []).append(
            Published(
                suggestion.helps,
                suggestion.hinders,
                str(suggestion.get_status_display()),
                suggestion.reason,
                suggestion.answer,
                formats.date_format(suggestion.received_on, "F Y"),
                suggestion.language,
                getattr(suggestion, "similar", 0) or 0,
            )
        )
    return YouSaid(page.name, True, k, [ThemeGroup(theme, items) for theme, items in groups.items()])


@dataclass(frozen=True)
class Voice:
    """A published suggestion as a workshop shows it: its texts and theme, never who wrote it, how or when."""

    helps: str
    hinders: str
    theme: str
    language: str
    similar: NotAFigure[int]  # how many published ones were merged into it (see `Published.similar`)


@dataclass(frozen=True)
class VoicesByTheme:
    theme: str
    voices: list[Voice]


def voice(suggestion: Suggestion) -> Voice:
    """One suggestion that `queries` found shown publicly, as a workshop shows it."""
    theme = suggestion.get_theme_display() if suggestion.theme else str(Suggestion.Theme.OTHER.label)
    return Voice(
        suggestion.helps,
        suggestion.hinders,
        str(theme),
        suggestion.language,
        getattr(suggestion, "similar", 0) or 0,
    )


def voices_by_theme(suggestions: Iterable[Suggestion]) -> list[VoicesByTheme]:
    """The suggestions by theme, in the order of the themes' list (those without a theme with "Other")."""
    groups: dict[str, list[Voice]] = {}
    for suggestion in suggestions:
        groups.setdefault(suggestion.theme or Suggestion.Theme.OTHER, []).append(voice(suggestion))
    return [VoicesByTheme(str(label), groups[value]) for value, label in Suggestion.Theme.choices if value in groups]
