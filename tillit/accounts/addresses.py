"""The one canonical form of an e-mail address, used wherever two addresses are compared.

Sign-in (`backends.EmailBackend`), the sign-in lockout's counter (`backends.lockout_username`),
password reset, and adding people to an organisation all ask "is this the same address?" by
comparing `canonical_email()` of both, in Python, never with the database's own case folding
(SQLite folds ASCII only, PostgreSQL's UPPER() also turns "ı" into "I" and "ſ" into "S"). The
account's form is stored in `User.canonical_email` under a unique constraint, so no two accounts
share one, and a look-up is an exact match on that column.

The form is NFKC, then Unicode full case folding, then NFKC again, without surrounding white
space:

- NFKC first turns compatibility forms into their plain letters: fullwidth "ａｄｍｉｎ", the
  Kelvin sign "K", the long s "ſ", ligatures such as "ﬁ", superscripts.
- Case folding (`str.casefold`, Unicode's default full folding, not Turkish) removes case:
  "ADMIN" and "admin", "ß" and "ss". The dotless "ı" and the dotted capital "İ" stay distinct
  letters, as Unicode's default folding keeps them: "admın@…" is another address than
  "admin@…" with a counter of its own, and signs in only to an account whose canonical address
  is exactly that.
- NFKC again, because folding can leave a string that is not normalised ("İ" folds to "i" and a
  combining dot); this makes the form a fixed point: canonical_email(canonical_email(x)) ==
  canonical_email(x) (checked for every code point in the tests).

The stored `User.email` keeps the address as it was written (in lower case), since that is the
mailbox mail goes to; only comparisons use the canonical form. Look-alike letters from other
scripts (Cyrillic "е" for Latin "e") are different letters, not spellings, and stay distinct.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 254


def canonical_email(address: str) -> str:
    """The address in its canonical form (see the module docstring); never raises."""
    folded = unicodedata.normalize("NFKC", address).casefold()
    return unicodedata.normalize("NFKC", folded).strip()
