from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Section
from publishing.testing import load_shipped_content, make_superuser


class AdminPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.user = make_superuser()
        cls.article = Article.objects.get()
        cls.section = Section.objects.get(slug="urbanization")

    def setUp(self):
        self.client.force_login(self.user)

    def test_changelists_load(self):
        for name in ("articles_article", "articles_section", "articles_figure"):
            response = self.client.get(reverse(f"admin:{name}_changelist"))
            self.assertEqual(response.status_code, 200, name)
        response = self.client.get(reverse("admin:articles_section_changelist"))
        self.assertContains(response, "Urbanization")

    def test_article_changelist_search_and_filter(self):
        url = reverse("admin:articles_article_changelist")
        self.assertContains(self.client.get(url, {"q": "Rust Belts"}), self.article.title)
        self.assertContains(self.client.get(url, {"status__exact": "published"}), self.article.title)
        self.assertNotContains(self.client.get(url, {"status__exact": "draft"}), self.article.get_absolute_url())

    def test_article_change_page_shows_sections_inline_and_a_site_link(self):
        response = self.client.get(reverse("admin:articles_article_change", args=[self.article.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="sections-0-title_en"')
        self.assertContains(response, 'name="sections-0-order"')
        self.assertContains(response, 'name="figures-TOTAL_FORMS"')
        self.assertContains(response, 'class="viewsitelink"')
        # Parent choices are this article's top-level sections (the page shows two levels).
        parent_select = response.content.decode().split('name="sections-0-parent"')[1].split("</select>")[0]
        self.assertIn("Paths for Updating the Rust Belt", parent_select)
        self.assertNotIn("Urbanization", parent_select)

    def test_article_list_links_to_the_page_on_the_site(self):
        response = self.client.get(reverse("admin:articles_article_changelist"))
        self.assertContains(response, f'<a href="{self.article.get_absolute_url()}">View</a>', html=True)

    def test_article_change_page_queries_do_not_grow_per_inline_row(self):
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        self.client.get(url)  # warm caches (content types) shared by both measurements
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        for number in range(10):
            Section.objects.create(
                article=self.article, title=f"Extra {number}", slug=f"extra-{number}", order=900 + number
            )
        with CaptureQueriesContext(connection) as after:
            self.client.get(url)
        self.assertEqual(len(before), len(after))

    def test_section_change_and_add_pages_load(self):
        self.assertEqual(
            self.client.get(reverse("admin:articles_section_change", args=[self.section.pk])).status_code, 200
        )
        self.assertEqual(self.client.get(reverse("admin:articles_section_add")).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:articles_article_add")).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:articles_figure_add")).status_code, 200)

    def test_section_order_is_editable_from_the_list(self):
        response = self.client.get(reverse("admin:articles_section_changelist"))
        self.assertContains(response, "form-0-order")

    def test_saving_the_article_with_its_inlines_keeps_the_sections(self):
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        form = self.client.get(url).context["adminform"].form
        inline_formsets = self.client.get(url).context["inline_admin_formsets"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(status="published", episode=89)
        data["published_at_0"], data["published_at_1"] = self.article.published_at.strftime("%Y-%m-%d"), "00:00:00"
        for inline in inline_formsets:
            formset = inline.formset
            management = formset.management_form
            for field in management.fields:
                data[f"{formset.prefix}-{field}"] = management[field].value()
            for index, inline_form in enumerate(formset.forms):
                for name in inline_form.fields:
                    value = inline_form[name].value()
                    if value is not None:
                        data[f"{formset.prefix}-{index}-{name}"] = value
        data["sections-0-title_en"] = "Renamed in the admin"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context["errors"])
        self.assertEqual(Section.objects.filter(article=self.article).count(), 14)
        self.assertIs(Section.objects.filter(title="Renamed in the admin").exists(), True)


class SectionOrderTests(TestCase):
    def test_sections_are_listed_in_reading_order(self):
        load_shipped_content()
        slugs = list(Section.objects.in_reading_order().values_list("slug", flat=True))
        self.assertEqual(slugs[:3], ["major-rust-belts-in-the-world", "the-rust-belt", "rust-belts-around-the-world"])
        paths = slugs.index("paths-for-updating-the-rust-belt")
        self.assertEqual(slugs[paths + 1 : paths + 4], ["urbanization", "re-urbanization", "co-city"])
