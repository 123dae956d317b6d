"""Fill User.canonical_email for the accounts that exist.

The canonical form is copied from tillit/accounts/addresses.py (a migration imports nothing from
tillit.*): NFKC, case folding, NFKC again, stripped. Two accounts whose addresses share a
canonical form (say "sara@…" and "ſara@…", which PostgreSQL's lower() keeps apart) cannot both
keep signing in under one form; the migration stops and names them, so that an operator merges
or renames one by hand, rather than choosing which account loses its sign-in.
"""

import unicodedata

from django.db import migrations


def canonical_email(address):
    folded = unicodedata.normalize("NFKC", address).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    clashes = []
    for user in User.objects.order_by("pk").only("pk", "email"):
        key = canonical_email(user.email)
        if key in seen:
            clashes.append(f"{seen[key]!r} and {user.email!r}")
        seen.setdefault(key, user.email)
        if len(key) > 254:
            raise RuntimeError(f"The address {user.email!r} is longer than 254 characters in canonical form.")
        User.objects.filter(pk=user.pk).update(canonical_email=key)
    if clashes:
        raise RuntimeError(
            "These accounts' e-mail addresses are the same address written differently, and only one "
            "account per address can sign in: " + "; ".join(clashes) + ". Merge them or change one "
            "address, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_add_user_canonical_email"),
    ]

    # Backwards there is nothing to undo: reversing 0002 drops the column.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
