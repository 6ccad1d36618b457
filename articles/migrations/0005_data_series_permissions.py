from django.contrib.auth.management import create_permissions
from django.db import migrations

# Researchers correct the article's numbers like its text; Editors may also delete a series.
RESEARCHER_CODENAMES = [
    f"{action}_{model}" for model in ("dataseries", "datapoint") for action in ("add", "change", "view")
] + ["view_historicaldataseries", "view_historicaldatapoint"]
EDITOR_CODENAMES = RESEARCHER_CODENAMES + [
    "delete_dataseries", "delete_datapoint", "change_historicaldataseries", "change_historicaldatapoint"
]
GRANTS = {"Researchers": RESEARCHER_CODENAMES, "Editors": EDITOR_CODENAMES}


def grant(apps, schema_editor):
    config = apps.get_app_config("articles")
    config.models_module = True  # the migration's stub config lacks it
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_data_series_history"),
        ("workflow", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
