from django.contrib.auth.models import Group, Permission
from django.test import TestCase

from publishing.roles import EDITOR_PERMS, GROUPS, RESEARCHER_PERMS
from publishing.testing import make_staff


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}


class RoleMigrationTests(TestCase):
    def test_every_listed_codename_is_in_its_group(self):
        for name, perms in GROUPS.items():
            held = codenames(name)
            for app_label, app_codenames in perms.items():
                for codename in app_codenames:
                    with self.subTest(group=name, codename=codename):
                        self.assertIn((app_label, codename), held)

    def test_listed_codenames_all_exist(self):
        # A typo in roles.py would silently grant nothing.
        for perms in GROUPS.values():
            for app_label, app_codenames in perms.items():
                found = Permission.objects.filter(content_type__app_label=app_label, codename__in=app_codenames)
                self.assertEqual(found.count(), len(set(app_codenames)))

    def test_researchers_cannot_delete_publish_or_manage_users(self):
        held = {codename for _, codename in codenames("Researchers")}
        self.assertFalse({c for c in held if c.startswith("delete_")})
        self.assertNotIn("publish_article", held)
        self.assertNotIn("publish_park", held)
        self.assertFalse({c for c in held if c.endswith("_user") or c.endswith("_group")})

    def test_editors_hold_everything_researchers_hold_plus_publish_delete_restore(self):
        self.assertLess(codenames("Researchers"), codenames("Editors"))
        held = codenames("Editors")
        for perm in [
            ("articles", "publish_article"),
            ("parks", "publish_park"),
            ("parks", "delete_park"),
            ("parks", "change_historicalpark"),
            ("articles", "change_historicalsection"),
        ]:
            self.assertIn(perm, held)
        self.assertFalse({c for _, c in held if c.endswith("_user")})

    def test_group_membership_grants_the_permissions(self):
        researcher = make_staff("rita", "Researchers")
        editor = make_staff("eddie", "Editors")
        self.assertIs(researcher.has_perm("parks.change_park"), True)
        self.assertIs(researcher.has_perm("parks.delete_park"), False)
        self.assertIs(researcher.has_perm("auth.add_user"), False)
        self.assertIs(editor.has_perm("parks.publish_park"), True)
        self.assertIs(editor.has_perm("articles.delete_section"), True)
        self.assertEqual(set(RESEARCHER_PERMS), set(EDITOR_PERMS))
