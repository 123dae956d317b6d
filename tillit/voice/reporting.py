"""The public *ni sa – vi gjorde* page of a service: what came in and what happened with it, as it may be published.

Only suggestions a process leader has published are on it, with their status, public reason and answer; never who
wrote them (service user, relative …), how they came in, or the day (the month only). The texts are shown only once
the service has at least k published suggestions (the organisation's anonymity threshold, `privacy.count`), so that
the first one or two cannot be told apart by when they appeared; until then the page says how it will work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats

from tillit.privacy.suppression import NotAFigure, count
from tillit.voice.models import ServicePage, Suggestion

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Published", "ThemeGroup", "YouSaid", "you_said"]


@dataclass(frozen=True)
class Published:
    helps: str
    hinders: str
    status: str
    reason: str
    answer: str
    month: str  # "december 2026": when it came in, to the month


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
    if count(len(rows), k=k).hidden:
        return YouSaid(page.name, False, k, [])
    groups: dict[str, list[Published]] = {}
    for suggestion in rows:
        theme = suggestion.get_theme_display() if suggestion.theme else str(Suggestion.Theme.OTHER.label)
        groups.setdefault(str(theme), []).append(
            Published(
                suggestion.helps,
                suggestion.hinders,
                str(suggestion.get_status_display()),
                suggestion.reason,
                suggestion.answer,
                formats.date_format(suggestion.received_on, "F Y"),
            )
        )
    return YouSaid(page.name, True, k, [ThemeGroup(theme, items) for theme, items in groups.items()])
