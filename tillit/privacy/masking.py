"""Masking of personal data that people type into free text, before the text is stored.

The barometer, dialogues and workshops pass the free text people type through `mask_personal_data` before
they save it. Every match is replaced by a placeholder in the language that is
active at that moment ("[personnummer]", "[telefonnummer]", "[e-postadress]" in Swedish), and the result says
how many of each kind were removed, so the writer can be told with `removal_notice`. The functions are pure:
no database, no settings, regular expressions compiled once.

What is masked:

- **Personnummer and samordningsnummer.** Twelve digits (YYYYMMDDNNNC, century 18, 19 or 20) or ten digits
  (YYMMDDNNNC), written together or with a dash, a plus (100 years or older) or a space before the last four.
  The month must be 1–12 and the day 1–31, or 61–91 for a samordningsnummer (day + 60). The check digit must
  be the Luhn digit of YYMMDDNNN (on the ten-digit form, also for twelve digits). A number with a wrong date or
  check digit is not a personnummer (but it may still be a phone number). The number must not continue into
  more digits, but it may sit right next to letters or punctuation: "pnr:19121212-1212," and "(121212-1212)"
  are masked.

- **Phone numbers.** Digits in groups separated by single spaces or dashes (a dash may have spaces around it),
  with an area code possibly in parentheses or followed by a slash (070/123 45 67):

  - a Swedish number starts with the trunk 0 (not 00) and has 8–10 digits, such as 070-123 45 67,
    0701234567, 08-123 456 78, 08 12 34 56, 031-123456, (08) 123 45 67 or 010-…; when written in groups the
    first group is the area code, so a first group of two digits must be 08 (this keeps "01-05-2024" out);
  - an international number starts with + or 00 and has 7–15 digits after it, such as +46 70 123 45 67,
    +46701234567, 0046 70 123 45 67 or +46 (0)8-123 456 78 (the "(0)" is not counted).

  A phone number starts a token: right after a letter ("AB0701234567") it is taken for a code. If more digit
  groups follow a number ("ring 070-123 45 67 15 gånger"), the longest reading that is a phone number is
  masked and the rest is left.

- **E-mail addresses.** A local part of at most 64 letters (å, ä, ö too), digits, "%", "+", "-", "_" and
  inner dots, an "@", and a domain of one or more labels and a top-level domain of at least two letters, as in
  anna.berg+tillit@mail.norrby.kommun.se or åsa@exempel.se.

When two readings overlap, the longer one wins (an e-mail address that contains a phone number is one e-mail
address); when they cover the same characters, personnummer wins over phone number. So a ten-digit number
written together that is both a valid personnummer and a possible phone number (0701234569) is counted as a
personnummer; it is masked either way. Every occurrence counts, so the same personnummer written twice is two.

What is deliberately not masked, to keep false positives down:

- numbers that do not start with 0, + or 00 as phone numbers: years (2024), amounts (2 000 kr, 15 000),
  postcodes (123 45), counts, Swish and bank numbers;
- dates (2024-05-01, 1/5, 08-05-2024), times (kl. 08.00, 08:30), decimals, percentages and version numbers:
  a number that continues another with ".", ":", "/" or a dash is not a phone number, nor are groups of three
  digits that continue a number after a space (5 001 000 000); a number followed by a unit (kr, SEK, %, st …)
  is an amount, and so is "+1 000 000" (a sign and groups of three);
- organisationsnummer (556036-0793): their "month" is 20 or more, so they are not valid dates;
- an "@" without an address around it ("@anna", "a @ b", "anna@kommun");
- names, street addresses and other identifying details. Telling a name or an address from an ordinary word in
  free text cannot be done reliably by rules: every street, town and first name is also a common word
  somewhere ("Björk", "Storgatan", "Vallentuna"), so masking them would destroy ordinary answers. They are
  left to moderation and to the writer, who is asked not to include them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

from django.utils.translation import gettext, ngettext, pgettext

__all__ = [
    "EMAIL",
    "KINDS",
    "PERSONAL_NUMBER",
    "PHONE_NUMBER",
    "Masked",
    "mask_personal_data",
    "removal_notice",
    "removed_in",
]

PERSONAL_NUMBER: Final = "personal_number"
PHONE_NUMBER: Final = "phone_number"
EMAIL: Final = "email"
KINDS: Final = (PERSONAL_NUMBER, PHONE_NUMBER, EMAIL)
"""Every kind of personal data, in the order a removal notice names them."""


@dataclass(frozen=True)
class Masked:
    """Text with its personal data replaced by placeholders, and how many of each kind were removed."""

    text: str
    removed: Mapping[str, int]  # kind -> count; only kinds that were found; read with .get(kind, 0)

    @property
    def changed(self) -> bool:
        return any(count > 0 for count in self.removed.values())


# Separators a person types between digit groups: a space (also the no-break spaces word processors insert),
# or a dash with or without spaces around it (hyphen, non-breaking hyphen, figure dash, en dash, minus).
_SPACE: Final = r"[ \u00a0\u202f]"
_DASH: Final = r"[-\u2010\u2011\u2012\u2013\u2212]"
_SEPARATOR: Final = rf"(?:{_SPACE}?{_DASH}{_SPACE}?|{_SPACE})"

_MIGHT_CONTAIN_PERSONAL_DATA: Final = re.compile(r"[\d@]")

# Each pattern begins with a plain character class, so the scan skips ahead quickly to where a match can start;
# the "not after a digit" checks come right after that first character.
_PERSONAL_NUMBER: Final = re.compile(
    rf"""
    (?P<date>\d(?<!\d\d)\d{{5}}(?:\d\d)?)     # YYMMDD or YYYYMMDD, not continuing another number
    (?:{_DASH}|\+|{_SPACE})?
    (?P<serial>\d{{3}})
    (?P<check>\d)
    (?!\d)
    """,
    re.VERBOSE,
)

# A candidate only; `_phone_number_end` decides. Possessive and bounded quantifiers keep the scan linear.
_PHONE_NUMBER: Final = re.compile(
    rf"""
    [+0(]                                         # a phone number starts with +, 0 or (
    (?<![\w+@].)                                  # at the start of a token, not inside a word or an e-mail
    (?<!\d[-\u2010-\u2013\u2212./:].)              # not the later part of a date, time, decimal or version
    (?:
        (?<=0)\d{{1,3}}{_SPACE}?/{_SPACE}?\d++        # an area code and a slash: 070/123 45 67
      | (?:(?<=\+){_SPACE}?[1-9]|(?<=0))\d*+        # + and a country code, or the trunk 0 (00 for abroad)
        (?:{_SEPARATOR}?\(0\){_SPACE}?\d++)?+        # the trunk after a country code: +46 (0)70
      | (?<=\()0\d{{1,3}}\){_SEPARATOR}?\d++          # an area code in parentheses: (08) 123
    )
    (?:{_SEPARATOR}\d++){{0,8}}+                   # at most nine groups, so a long run of numbers stays linear
    """,
    re.VERBOSE,
)
_DIGIT_RUN: Final = re.compile(r"\d+")
_AFTER_A_NUMBER: Final = re.compile(rf"(?<=\d{_SPACE})")
_UNIT_AFTER: Final = re.compile(
    rf"{_SPACE}?(?:kr\b|kronor\b|sek\b|tkr\b|mkr\b|msek\b|mdkr\b|:-|%|procent\b|st\b|styck|eur\b|euro|€|\$|usd\b)",
    re.IGNORECASE,
)

_EMAIL: Final = re.compile(
    r"""
    (?<![\w%+-])(?<![\w%+-]\.)        # the start of a local part, not the middle of one
    [\w%+-]+(?:\.[\w%+-]+)*           # local part, with å, ä, ö and plus-addressing
    @
    (?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+
    [^\W\d_]{2,63}                    # top-level domain: letters only
    """,
    re.VERBOSE,
)

_FEWEST_PHONE_DIGITS: Final = 7
_LONGEST_LOCAL_PART: Final = 64  # RFC 5321
_LONGEST_DOMAIN: Final = 255

# Which reading wins when two cover exactly the same characters (lower wins).
_PRIORITY: Final = {PERSONAL_NUMBER: 0, PHONE_NUMBER: 1, EMAIL: 2}


class _Found(NamedTuple):
    start: int
    end: int
    kind: str


def mask_personal_data(text: str) -> Masked:
    """Return `text` with every personnummer, phone number and e-mail address replaced by a translated placeholder.

    Uses the active language for the placeholders. Text without personal data comes back unchanged.
    """
    if not _MIGHT_CONTAIN_PERSONAL_DATA.search(text):
        return Masked(text=text, removed={})
    found = _without_overlaps(_find_all(text))
    if not found:
        return Masked(text=text, removed={})
    placeholders = {
        PERSONAL_NUMBER: gettext("[personal identity number]"),
        PHONE_NUMBER: gettext("[phone number]"),
        EMAIL: gettext("[e-mail address]"),
    }
    pieces: list[str] = []
    counts = dict.fromkeys(KINDS, 0)
    position = 0
    for item in found:
        pieces += [text[position : item.start], placeholders[item.kind]]
        counts[item.kind] += 1
        position = item.end
    pieces.append(text[position:])
    return Masked(text="".join(pieces), removed={kind: count for kind, count in counts.items() if count})


def removed_in(*texts: Masked) -> dict[str, int]:
    """What was removed from several masked texts together, per kind (for one `removal_notice` about all of them)."""
    total: dict[str, int] = {}
    for masked in texts:
        for kind, count in masked.removed.items():
            total[kind] = total.get(kind, 0) + count
    return total


def removal_notice(removed: Mapping[str, int]) -> str:
    """A translated sentence telling the writer what was removed from their text; "" when nothing was.

    Accepts counts summed over several texts; zero counts are ignored. Raises ValueError for an unknown kind.
    """
    unknown = set(removed) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown kinds of personal data: {sorted(unknown)}.")
    items = [_removed_items(kind, count) for kind in KINDS if (count := removed.get(kind, 0)) > 0]
    if not items:
        return ""
    if len(items) == 1:
        listed = items[0]
    elif len(items) == 2:
        # Translators: joins two phrases such as "a phone number" and "2 e-mail addresses".
        listed = pgettext("list of removed personal data", "%(first)s and %(second)s") % {
            "first": items[0],
            "second": items[1],
        }
    else:
        # Translators: joins three phrases such as "a personal identity number", "a phone number", "2 e-mail addresses".
        listed = pgettext("list of removed personal data", "%(first)s, %(second)s and %(third)s") % {
            "first": items[0],
            "second": items[1],
            "third": items[2],
        }
    # Translators: %(items)s is a list such as "a phone number and an e-mail address".
    return gettext("We removed %(items)s from your text before it was saved.") % {"items": listed}


def _removed_items(kind: str, count: int) -> str:
    # Each kind is its own ngettext call, so the translator sees the whole phrase, gender and plural included.
    if kind == PERSONAL_NUMBER:
        # Translators: what was removed from a text, as an item in a list ("We removed … and …").
        text = ngettext("a personal identity number", "%(count)s personal identity numbers", count)
    elif kind == PHONE_NUMBER:
        # Translators: what was removed from a text, as an item in a list ("We removed … and …").
        text = ngettext("a phone number", "%(count)s phone numbers", count)
    else:
        # Translators: what was removed from a text, as an item in a list ("We removed … and …").
        text = ngettext("an e-mail address", "%(count)s e-mail addresses", count)
    return text % {"count": count}


def _find_all(text: str) -> Iterator[_Found]:
    yield from _emails(text)
    for match in _PERSONAL_NUMBER.finditer(text):
        if _is_personal_number(match):
            yield _Found(match.start(), match.end(), PERSONAL_NUMBER)
    position = 0
    while candidate := _PHONE_NUMBER.search(text, position):
        end = _phone_number_end(text, candidate)
        if end is None:
            position = candidate.start() + 1
        else:
            yield _Found(candidate.start(), end, PHONE_NUMBER)
            # Groups dropped from the end of the candidate may begin the next number.
            position = end


def _emails(text: str) -> Iterator[_Found]:
    # Working back from each "@" rather than searching the whole text: a local part may start with almost any
    # character, so a search could not skip ahead and would try every position.
    position = 0
    while (at := text.find("@", position)) != -1:
        if at == position or not (text[at - 1].isalnum() or text[at - 1] in "_%+.-"):
            position = at + 1  # nothing before the "@" that could be a local part
            continue
        start, floor = at, max(position, at - _LONGEST_LOCAL_PART)
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in "_%+.-"):  # [\w%+.-]
            start -= 1
        # The local part starts at the beginning of that run or right after one of its dots ("…anna@").
        starts = [start, *(index + 1 for index in range(start, at) if text[index] == ".")]
        match = next(
            (found for begin in starts if (found := _EMAIL.match(text, begin, at + _LONGEST_DOMAIN + 1))),
            None,
        )
        if match:
            yield _Found(match.start(), match.end(), EMAIL)
            position = match.end()
        else:
            position = at + 1


def _without_overlaps(found: Iterator[_Found]) -> list[_Found]:
    kept: list[_Found] = []
    for item in sorted(found, key=lambda item: (item.start, _PRIORITY[item.kind])):
        if kept and item.start < kept[-1].end:
            last = kept[-1]
            # Keep the longer reading; sorted by start, so nothing kept before `last` can overlap `item`.
            if item.end - item.start > last.end - last.start:
                kept[-1] = item
            continue
        kept.append(item)
    return kept


def _is_personal_number(match: re.Match[str]) -> bool:
    date = match["date"]
    if len(date) == 8:
        century, date = date[:2], date[2:]
        if century not in {"18", "19", "20"}:
            return False
    month, day = int(date[2:4]), int(date[4:6])
    if not 1 <= month <= 12 or not (1 <= day <= 31 or 61 <= day <= 91):
        return False
    return _luhn_digit(date + match["serial"]) == int(match["check"])


def _luhn_digit(digits: str) -> int:
    """The Luhn check digit of `digits`: double every other digit from the right, starting with the last."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _phone_number_end(text: str, match: re.Match[str]) -> int | None:
    """Where the phone number that starts at `match` ends, or None if there is none.

    Trailing digit groups are dropped one at a time, since the words after a number may begin with digits.
    """
    candidate = match[0]
    if len(candidate) < _FEWEST_PHONE_DIGITS or not _has_a_possible_start(candidate):
        return None
    international = candidate.startswith(("+", "00"))
    groups: list[str] = []  # the digit groups, without the "(0)" of "+46 (0)70"
    ends: list[int] = []  # where the number ends if it ends with that group
    for run in _DIGIT_RUN.finditer(candidate):
        if run[0] == "0" and run.start() > 0 and candidate[run.start() - 1 : run.end() + 1] == "(0)":
            if not international:
                return None
            continue
        groups.append(run[0])
        ends.append(run.end() + 1 if candidate[run.end() : run.end() + 1] == ")" else run.end())
    fewest, most = (_FEWEST_PHONE_DIGITS, 15) if international else (8, 10)
    after_a_number = bool(_AFTER_A_NUMBER.match(text, match.start()))
    digits = sum(len(group) for group in groups) - (2 if candidate.startswith("00") else 0)
    for count in range(len(groups), 0, -1):
        if count < len(groups):
            digits -= len(groups[count])
        if not fewest <= digits <= most:
            continue
        number = groups[:count]
        if international and candidate[0] == "+" and _is_signed_amount(number):
            continue
        if not international and _is_date(number):
            continue
        if after_a_number and all(len(group) == 3 for group in number):
            continue  # 001 000 000 in "5 001 000 000"
        end = match.start() + ends[count - 1]
        if not _UNIT_AFTER.match(text, end):
            return end
    return None


def _has_a_possible_start(candidate: str) -> bool:
    """What dropping trailing groups cannot change: 00 leads to a country code, 0 in groups to an area code.

    Checked before anything else, so that a run like "0 0 0 0 …" costs little per group.
    """
    if candidate.startswith("00"):
        country_code = _DIGIT_RUN.search(candidate, 2)
        return country_code is not None and country_code[0][0] != "0"
    if candidate.startswith("+"):
        return True
    # A Swedish number in groups starts with its area code: 08, or three or four digits (070, 031, 0141).
    area_code = _DIGIT_RUN.match(candidate, 1 if candidate.startswith("(") else 0)
    return area_code is None or area_code.end() == len(candidate) or len(area_code[0]) > 2 or area_code[0] == "08"


def _is_signed_amount(groups: list[str]) -> bool:
    """+1 000 000: a sign and thousands in groups of three. +46 701 234 567 stays a Swedish number."""
    return (
        len(groups) >= 3
        and len(groups[0]) <= 3
        and not groups[0].startswith("46")
        and all(len(group) == 3 for group in groups[1:])
    )


def _is_date(groups: list[str]) -> bool:
    """08-05-2024: day, month and year."""
    if [len(group) for group in groups] != [2, 2, 4]:
        return False
    day, month, year = groups
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and year[:2] in {"19", "20"}
