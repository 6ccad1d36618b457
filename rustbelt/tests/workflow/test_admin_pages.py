import re
from pathlib import Path

import import_export
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.tests.factories import make_article, make_section
from parks.tests.factories import make_industry, make_park, make_province, make_source
from publishing.admin_mixins import WorkflowAdminMixin
from publishing.testing import make_staff

# The models the researchers' workflow first covered; models other helpers add later may choose their own admin.
WORKFLOW_MODELS = {
    "articles.Article",
    "articles.Section",
    "articles.Figure",
    "parks.Park",
    "parks.Province",
    "parks.DevelopmentPath",
    "parks.Industry",
    "parks.Source",
    "parks.OfficialCount",
}


class WorkflowAdminPagesTests(TestCase):
    """Every content model's admin pages open for Editors and Researchers, with the workflow attached."""

    @classmethod
    def setUpTestData(cls):
        cls.users = [make_staff("eddie", "Editors"), make_staff("rita", "Researchers")]
        article = make_article()
        make_section(article)
        make_park(slug="jilin-etdz").industries.set([make_industry("Fine chemicals")])
        make_source("Xinhua report (2010)")

    def registered(self):
        registered = [
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.label in WORKFLOW_MODELS
        ]
        self.assertEqual(len(registered), len(WORKFLOW_MODELS))
        return registered

    def test_every_content_model_uses_the_workflow(self):
        for model, model_admin in self.registered():
            with self.subTest(model=model._meta.label):
                self.assertIsInstance(model_admin, WorkflowAdminMixin)

    def test_list_add_change_history_and_deleted_pages_open(self):
        for user in self.users:
            self.client.force_login(user)
            for model, model_admin in self.registered():
                info = model._meta.app_label, model._meta.model_name
                obj = model.objects.first()
                urls = [reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_deleted" % info)]
                if obj is not None:
                    urls += [
                        reverse("admin:%s_%s_change" % info, args=[obj.pk]),
                        reverse("admin:%s_%s_history" % info, args=[obj.pk]),
                    ]
                if model_admin.has_add_permission(type("Request", (), {"user": user})()):
                    urls.append(reverse("admin:%s_%s_add" % info))
                for url in urls:
                    with self.subTest(user=user.username, url=url):
                        self.assertEqual(self.client.get(url).status_code, 200)


INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\sstyle=\"|\son[a-z]+=\"")


class WorkflowPagesCSPTests(TestCase):
    """The workflow's admin pages carry no inline script, style attribute or on* handler (CSP)."""

    def test_no_inline_code(self):
        self.client.force_login(make_staff("eddie", "Editors"))
        park = make_park(slug="jilin-etdz")
        park.delete()
        park = make_park(slug="jilin-etdz")
        urls = [
            reverse("admin:parks_park_history", args=[park.pk]),
            reverse("admin:parks_park_deleted"),
            reverse("admin:parks_park_export"),
            reverse("admin:parks_park_import"),
            reverse("admin:parks_park_changelist"),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(INLINE_CODE.findall(response.content.decode()), [])


class WorkflowPagesQueryCountTests(TestCase):
    """The history and deleted-records pages cost the same number of queries however long the list."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")

    def count_queries(self, url):
        self.client.get(url)  # warm up caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_deleted_list_query_count_is_flat(self):
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_deleted")
        make_park(slug="first").delete()
        one = self.count_queries(url)
        for n in range(5):
            make_park(slug=f"park-{n}", name_en=f"Park {n}").delete()
        self.assertEqual(self.count_queries(url), one)

    def test_history_query_count_is_flat(self):
        self.client.force_login(self.editor)
        park = make_park(slug="jilin-etdz")
        url = reverse("admin:parks_park_history", args=[park.pk])
        park.city = "Jilin"
        park.save()
        two = self.count_queries(url)
        other = make_province("liaoning", "Liaoning")
        for n in range(5):
            park.city = f"City {n}"
            park.province = other if n % 2 else make_province()
            park.save()
        self.assertEqual(self.count_queries(url), two)


class ExportTemplateDriftTests(SimpleTestCase):
    """Our export page overrides one block of django-import-export's; an upgrade that changes it must be seen."""

    # The only differences we make: no inline styles or handlers (the select-all box is wired by a static script).
    OUR_CHANGES = [
        ('<p style="padding: 0;">', "<p>"),
        (
            '<input type="checkbox" class="select-toggle" name="select-all-toggle" \n'
            '                    onchange="onSelectToggleChange(event)" checked>',
            '<input type="checkbox" class="select-toggle" name="select-all-toggle" id="select-all-toggle" checked>',
        ),
        (
            '<label style="font-weight: bold;" for="select-all-toggle">{% translate "Select all" %}',
            '<label for="select-all-toggle"><strong>{% translate "Select all" %}</strong>',
        ),
    ]

    @staticmethod
    def content_block(path):
        text = Path(path).read_text(encoding="utf-8")
        return text[text.index("{% block content %}") : text.rindex("{% endblock %}")]

    def test_our_content_block_is_upstreams_without_inline_code(self):
        package_templates = Path(import_export.__file__).parent / "templates"
        upstream = self.content_block(package_templates / "admin/import_export/export.html")
        for before, after in self.OUR_CHANGES:
            self.assertIn(before, upstream, "django-import-export's export.html changed: update ours to match.")
            upstream = upstream.replace(before, after)
        ours = self.content_block(Path(settings.BASE_DIR) / "publishing/templates/admin/import_export/export.html")
        self.assertEqual(ours, upstream)
