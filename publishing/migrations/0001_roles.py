from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# Changing workflow/roles.py later needs a new migration that runs create_groups again.
from publishing.roles import GROUPS


def create_groups(apps, schema_editor):
    for label in ["articles", "parks"]:
        config = apps.get_app_config(label)
        config.models_module = True  # the migration's stub config lacks it
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for app_label, codenames in perms.items():
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.set(Permission.objects.filter(wanted))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("parks", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
