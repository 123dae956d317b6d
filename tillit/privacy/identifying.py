"""Likely names and street addresses in free text, flagged for a person to review before anything is published.

`masking` removes what rules can recognise for certain (personnummer, phone numbers, e-mail addresses). Names and
addresses cannot be told from ordinary words by rules (every street, town and first name is also a word somewhere),
so they are not removed: they are *flagged*, and a text with a flag is never published without a moderator having
read it (Brukarrösten's pre-moderation, issue 16). A flag errs on the side of flagging.

- **Names**: a capitalised word that is one of the 1,000 most common Swedish first names or 500 most common surnames
  (the Swedish lists the demo's Faker already ships, from Statistics Sweden's name statistics), written with a
  capital, also at the start of a sentence ("Karin på förmiddagen är fantastisk."), except the names that are also
  common words ("Maj", "Dag", "Bo", "Sten" …, `_ALSO_WORDS`), which open a sentence as ordinary words and are flagged
  there only when another name follows ("Bo Ek kom aldrig.").
- **Street addresses**: a word ending in a Swedish street suffix (gatan, vägen, stigen, gränd, torget, allén, backen,
  leden, liden, stranden, plan, …) after at least one letter, followed by a house number and perhaps a letter
  ("Storgatan 12", "björkvägen 3 B", "Norra Långgatan 4a"; not "på gatan 5 gånger"), and a postcode followed by a
  capitalised place name ("123 45 Norrby").

Pure: no database, no settings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

from faker.providers.person.sv_SE import Provider as SwedishNames

__all__ = ["ADDRESS", "NAME", "Flag", "flag_identifying_details"]

NAME: Final = "name"
ADDRESS: Final = "address"

_STREET: Final = re.compile(
    r"""
    \b(?:(?:Norra|Södra|Östra|Västra|Stora|Lilla|Gamla|Nya)\s+)?[^\W\d_]+(?i:gatan|gata|vägen|väg|stigen|gränd|gränden|torget|torg|allén|allé|backen|backe|leden|liden|stranden|
    strand|plan|stråket|promenaden|kajen|platsen|slingan|höjden|ringen)
    \s+\d{1,4}(?:[A-Za-z]|\s[A-Z])?(?![^\W\d_])
    """,
    re.VERBOSE,
)
_POSTCODE: Final = re.compile(r"(?<!\d)\d{3}\s?\d{2}(?!\d)\s+[A-ZÅÄÖ][^\W\d_]+")
_WORD: Final = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
_SENTENCE_END: Final = re.compile(r"[.!?:;\n]\s*$")


# Names that are also ordinary Swedish words, in lower case: at the start of a sentence they are taken for the word.
_ALSO_WORDS: Final = frozenset(
    [
        "maj",
        "dag",
        "bo",
        "sten",
        "sol",
        "ros",
        "stig",
        "björn",
        "berg",
        "ek",
        "lind",
        "björk",
        "ström",
        "strand",
        "holm",
        "sjöberg",
        "eng",
        "hav",
        "rut",
        "siv",
        "vera",
        "liv",
        "juni",
        "april",
        "ekström",
        "åsa",
        "hans",
        "hennes",
        "bengt",
        "mats",
        "alma",
        "gun",
        "mona",
        "saga",
        "minna",
        "lilly",
        "ella",
        "idun",
    ]
)


@dataclass(frozen=True)
class Flag:
    """A stretch of the text (start, end: character offsets) that may name a person or their address."""

    kind: str
    start: int
    end: int
    text: str


@functools.cache
def _names() -> frozenset[str]:
    return frozenset([*SwedishNames.first_names_female, *SwedishNames.first_names_male, *SwedishNames.last_names])


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word[1:].isupper())


def flag_identifying_details(text: str) -> list[Flag]:
    """Every likely name and street address in `text`, in order of where they start."""
    flags = [Flag(ADDRESS, m.start(), m.end(), m.group()) for m in (*_STREET.finditer(text), *_POSTCODE.finditer(text))]
    names = _names()
    words = list(_WORD.finditer(text))
    for index, match in enumerate(words):
        word = match.group()
        if not _is_capitalised(word) or (word not in names and not any(part in names for part in word.split("-"))):
            continue
        opens_sentence = not text[: match.start()].strip() or bool(_SENTENCE_END.search(text[: match.start()]))
        following = words[index + 1] if index + 1 < len(words) else None
        followed_by_name = (
            following is not None
            and not text[match.end() : following.start()].strip()
            and _is_capitalised(following.group())
        )
        if not opens_sentence or followed_by_name or word.casefold() not in _ALSO_WORDS:
            flags.append(Flag(NAME, match.start(), match.end(), word))
    covered: list[Flag] = []
    for flag in sorted(flags, key=lambda flag: (flag.start, -flag.end)):
        if not covered or flag.start >= covered[-1].end:
            covered.append(flag)
    return covered
