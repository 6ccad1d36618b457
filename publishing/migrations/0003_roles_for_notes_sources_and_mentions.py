from importlib import import_module

from django.db import migrations

# The groups are rebuilt from roles.py as the first roles migration builds them.
create_groups = import_module("publishing.migrations.0001_roles").create_groups


class Migration(migrations.Migration):
    """Editorial notes, fact sources, path evidence, article mentions and missing zones join the roles."""

    # The name this migration had before; databases that recorded it count it as applied.
    replaces = [("workflow", "0003_issue13_roles")]
    dependencies = [
        ("workflow", "0002_content_generation"),
        ("articles", "0004_translation_editorial_notes"),
        ("parks", "0006_replace_stand_ins"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
