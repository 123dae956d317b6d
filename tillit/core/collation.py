"""Swedish alphabetical order: a–z, then å, ä, ö (binary order puts Ä before Å).

In Python, sort with `swedish_sort_key`. In the database, order by `SwedishCollate(field)`:
PostgreSQL's ICU collation sv-x-icu, and on SQLite a collation that CoreConfig registers
on every connection, using the same key.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Collate

_SWEDISH = str.maketrans(
    {
        "å": "{",
        "ä": "|",
        "æ": "|",
        "ö": "}",
        "ø": "}",
        "é": "e",
        "è": "e",
        "ü": "y",
        "à": "a",
    }
)
SQLITE_COLLATION = "swedish"
POSTGRESQL_COLLATION = "sv-x-icu"


def swedish_sort_key(text: str) -> tuple[str, str]:
    """A key that sorts strings as a Swedish dictionary does, case-insensitively."""
    folded = text.casefold()
    # '{', '|' and '}' follow 'z' in code-point order, as å, ä and ö do in Swedish.
    return folded.translate(_SWEDISH), text


def _compare(left: str, right: str) -> int:
    left_key, right_key = swedish_sort_key(left), swedish_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


class SwedishCollate(Collate):
    """Order a text column in Swedish, on PostgreSQL and on SQLite."""

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, POSTGRESQL_COLLATION)

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler, connection, collation=connection.ops.quote_name(SQLITE_COLLATION), **extra_context
        )
