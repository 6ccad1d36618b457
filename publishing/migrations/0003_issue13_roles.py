from importlib import import_module

from django.db import migrations

# The groups are rebuilt from roles.py as the first roles migration builds them.
create_groups = import_module("publishing.migrations.0001_roles").create_groups


class Migration(migrations.Migration):
    """Issue 13: editorial notes, fact sources, path evidence, article mentions and missing zones join the roles."""

    dependencies = [
        ("workflow", "0002_issue17_content_generation"),
        ("articles", "0004_issue13_translation_editorial_notes"),
        ("parks", "0006_issue13_replace_stand_ins"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
