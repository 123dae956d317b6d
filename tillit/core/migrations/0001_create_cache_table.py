"""Create the database cache table that settings.CACHES uses in production.

The cache is shared by every app process; `createcachetable` creates only missing tables,
so this is safe to run on any database, and does nothing where CACHES has no database cache.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    # Backwards: the table is the cache's own and holds nothing that must be kept.
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
