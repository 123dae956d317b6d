"""The live results of one activity, from its answers: pure, without Django, so the screen, the moderator's view,
the export and the benchmark count the same way.

An answer row is `(participant, item, value, text)` (`models.Answer`). The tally holds how many participants
answered and, per kind, what they said. It is not yet a publication: `reporting` decides what of it may be shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from tillit.core.similarity import stems

__all__ = ["Row", "Tally", "WordCount", "count_words", "stem_of", "tally"]

_WORD: Final = re.compile(r"\w+(?:[-']\w+)*")


@dataclass(frozen=True)
class Row:
    participant: int
    item: int
    value: int | None = None
    text: str = ""


@dataclass(frozen=True)
class WordCount:
    stem: str
    word: str  # the spelling most participants used for the stem
    participants: int


@dataclass(frozen=True)
class Tally:
    """`participants`: how many answered. `counts[item][value]`: for a poll, `counts[option][1]` is how many chose
    the option; for a scale, `counts[0][value]`; for "rate these", `counts[item][value]`. `words`: a word cloud's
    words by stem, most said first."""

    participants: int
    counts: dict[int, dict[int, int]] = field(default_factory=dict)
    words: tuple[WordCount, ...] = ()

    def answered(self, item: int) -> int:
        return sum(self.counts.get(item, {}).values())

    def mean(self, item: int) -> float | None:
        values = self.counts.get(item, {})
        total = sum(values.values())
        if total == 0:
            return None
        return sum(value * n for value, n in values.items()) / total


def normal_words(text: str) -> str:
    """The answer as it is merged and shown: NFKC, lower case, words joined by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def stem_of(text: str) -> str:
    """What merges two answers of a word cloud: the Swedish stems of their words ("Tilliten", "tillit" → "tillit")."""
    return " ".join(stems(normal_words(text).split()))


def count_words(rows: Iterable[Row], hidden: Sequence[str] = ()) -> tuple[WordCount, ...]:
    """Words by stem: how many participants said each (one participant counts once per stem), most said first, then
    alphabetically; stems in `hidden` (moderated away) are left out."""
    people: dict[str, set[int]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    left_out = set(hidden)
    for row in rows:
        word = normal_words(row.text)
        stem = stem_of(word)
        if not stem or stem in left_out:
            continue
        people[stem].add(row.participant)
        spellings[stem][word] += 1
    counts = [
        WordCount(
            stem=stem, word=min(spellings[stem].items(), key=lambda pair: (-pair[1], pair[0]))[0], participants=len(who)
        )
        for stem, who in people.items()
    ]
    return tuple(sorted(counts, key=lambda count: (-count.participants, count.word)))


def tally(rows: Sequence[Row], *, words: bool = False, hidden_words: Sequence[str] = ()) -> Tally:
    """Count the rows of one activity: participants, and per item the number of each value (a word cloud's rows are
    counted as words instead)."""
    participants = len({row.participant for row in rows})
    if words:
        return Tally(participants=participants, words=count_words(rows, hidden_words))
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row.item][1 if row.value is None else row.value] += 1
    return Tally(participants=participants, counts={item: dict(values) for item, values in counts.items()})
