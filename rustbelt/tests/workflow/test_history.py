import shutil
import tempfile

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from articles.models import Figure, Section
from articles.tests.factories import make_article, make_section
from parks.models import Park
from parks.tests.factories import make_industry, make_park, make_source
from publishing import testing as images
from publishing.testing import admin_form_data, make_staff


class ParkHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")
        cls.eddie = make_staff("eddie", "Editors")

    def edit(self, user, park, **changes):
        self.client.force_login(user)
        url = reverse("admin:parks_park_change", args=[park.pk])
        data = admin_form_data(self.client.get(url), "park_form")
        response = self.client.post(url, {**data, **changes})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))

    def test_history_page_shows_who_and_a_readable_diff(self):
        park = make_park(slug="jilin-etdz", city="Jilin", established_year=1998)
        self.edit(self.rita, park, city="Jilin City")
        self.edit(self.rita, park, established_year="1992")
        response = self.client.get(reverse("admin:parks_park_history", args=[park.pk]))
        self.assertContains(response, "<li><strong>City:</strong> Jilin → Jilin City</li>", html=True)
        self.assertContains(response, "<li><strong>Established year:</strong> 1998 → 1992</li>", html=True)
        self.assertContains(response, "rita")
        # Bookkeeping fields stay out of the diff.
        self.assertNotContains(response, "<strong>version:</strong>", html=False)
        self.assertEqual(park.history.count(), 3)
        self.assertEqual(park.history.first().history_user, self.rita)

    def test_editor_reverts_to_an_earlier_version(self):
        park = make_park(slug="jilin-etdz", city="Jilin")
        self.edit(self.rita, park, city="Jilin City")
        self.edit(self.rita, park, city="Wrong city")
        original = park.history.order_by("history_date").first()
        self.client.force_login(self.eddie)
        url = reverse("admin:parks_park_simple_history", args=[park.pk, original.history_id])
        data = admin_form_data(self.client.get(url), "historicalpark_form")
        self.assertEqual(data["city"], "Jilin")
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        park.refresh_from_db()
        self.assertEqual(park.city, "Jilin")
        self.assertEqual(park.history.first().history_user, self.eddie)

    def test_researcher_cannot_revert(self):
        park = make_park(slug="jilin-etdz", city="Jilin")
        self.edit(self.rita, park, city="Jilin City")
        original = park.history.order_by("history_date").first()
        url = reverse("admin:parks_park_simple_history", args=[park.pk, original.history_id])
        self.assertEqual(self.client.get(url).status_code, 200)  # may look
        data = admin_form_data(self.client.get(url), "historicalpark_form")
        self.assertEqual(self.client.post(url, data).status_code, 403)
        park.refresh_from_db()
        self.assertEqual(park.city, "Jilin City")

    def test_deleted_park_is_restored_with_its_industries_and_sources(self):
        park = make_park(slug="jilin-etdz", city="Jilin", established_year=1998)
        park.industries.set([make_industry("Fine chemicals"), make_industry("Branded food")])
        park.sources.set([make_source("Xinhua report (2010)")])
        self.edit(self.rita, park, city="Jilin City")
        public_url = park.get_absolute_url()
        self.assertEqual(self.client.get(public_url).status_code, 200)

        self.client.force_login(self.eddie)
        response = self.client.post(reverse("admin:parks_park_delete", args=[park.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Park.objects.filter(slug="jilin-etdz").exists())
        self.assertEqual(self.client.get(public_url).status_code, 404)

        response = self.client.get(reverse("admin:parks_park_deleted"))
        self.assertContains(response, "Restore “Jilin Economic and Technological Development Zone”")
        record = Park.history.get(history_type="-")
        response = self.client.post(reverse("admin:parks_park_restore", args=[record.history_id]), follow=True)
        self.assertContains(response, "Restored “Jilin Economic and Technological Development Zone”")

        restored = Park.objects.get(slug="jilin-etdz")
        self.assertEqual((restored.city, restored.established_year), ("Jilin City", 1998))
        industries = sorted(restored.industries.values_list("name", flat=True))
        self.assertEqual(industries, ["Branded food", "Fine chemicals"])
        self.assertEqual(list(restored.sources.values_list("citation", flat=True)), ["Xinhua report (2010)"])
        self.assertEqual(self.client.get(public_url).status_code, 200)
        self.assertNotContains(self.client.get(reverse("admin:parks_park_deleted")), "Restore “")

    def test_researcher_sees_deleted_list_but_cannot_restore(self):
        park = make_park(slug="jilin-etdz")
        park.delete()
        self.client.force_login(self.rita)
        response = self.client.get(reverse("admin:parks_park_deleted"))
        self.assertContains(response, "Ask an editor")
        record = Park.history.get(history_type="-")
        response = self.client.post(reverse("admin:parks_park_restore", args=[record.history_id]))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Park.objects.exists())

    def test_restore_refuses_when_the_slug_was_reused(self):
        park = make_park(slug="jilin-etdz")
        park.delete()
        make_park(slug="jilin-etdz", name_en="A new park with the old slug")
        record = Park.history.get(history_type="-")
        self.client.force_login(self.eddie)
        response = self.client.post(reverse("admin:parks_park_restore", args=[record.history_id]), follow=True)
        self.assertContains(response, "cannot be restored")
        self.assertEqual(Park.objects.get().name_en, "A new park with the old slug")

    def test_changelist_links_to_deleted_objects(self):
        self.client.force_login(self.rita)
        response = self.client.get(reverse("admin:parks_park_changelist"))
        self.assertContains(response, reverse("admin:parks_park_deleted"))
        self.assertContains(response, "Import")
        self.assertContains(response, "Export")


class SectionAndFigureRestoreTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.eddie = make_staff("eddie", "Editors")

    def test_deleted_section_comes_back_on_the_article_page(self):
        article = make_article(status="published")
        section = make_section(article, title="Co-city", slug="co-city", body="Share the city.")
        self.client.force_login(self.eddie)
        self.client.post(reverse("admin:articles_section_delete", args=[section.pk]), {"post": "yes"})
        self.assertNotContains(self.client.get(article.get_absolute_url()), 'id="co-city"')
        record = Section.history.get(history_type="-")
        response = self.client.post(reverse("admin:articles_section_restore", args=[record.history_id]), follow=True)
        self.assertContains(response, "Restored “Co-city”")
        self.assertContains(self.client.get(article.get_absolute_url()), 'id="co-city"')

    def test_figure_whose_image_was_deleted_is_not_restored_half(self):
        media = tempfile.mkdtemp(prefix="rb-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        with self.settings(MEDIA_ROOT=media):
            figure = Figure.objects.create(
                article=make_article(), image=images.upload(images.photo_bytes(300, 200)), alt_text="Map"
            )
            self.client.force_login(self.eddie)
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(reverse("admin:articles_figure_delete", args=[figure.pk]), {"post": "yes"})
            record = Figure.history.get(history_type="-")
            restore_url = reverse("admin:articles_figure_restore", args=[record.history_id])
            response = self.client.post(restore_url, follow=True)
        self.assertContains(response, "its image file was deleted with it")
        self.assertFalse(Figure.objects.exists())


class LinkHistoryTests(TestCase):
    def test_history_shows_industries_added_and_removed(self):
        editor = make_staff("eddie", "Editors")
        park = make_park(slug="jilin-etdz")
        chemicals, food = make_industry("Fine chemicals"), make_industry("Branded food")
        park.industries.set([chemicals])
        park.industries.set([food])
        self.client.force_login(editor)
        response = self.client.get(reverse("admin:parks_park_history", args=[park.pk]))
        # set() removes, then adds: two versions.
        self.assertContains(response, "<li><strong>Industries:</strong> [] → [Fine chemicals]</li>", html=True)
        self.assertContains(response, "<li><strong>Industries:</strong> [Fine chemicals] → []</li>", html=True)
        self.assertContains(response, "<li><strong>Industries:</strong> [] → [Branded food]</li>", html=True)


class RestoreBadRequestsTests(TestCase):
    def test_restore_needs_post_and_a_deletion_record(self):
        park = make_park(slug="jilin-etdz")
        self.client.force_login(make_staff("eddie", "Editors"))
        creation = park.history.get()
        not_a_deletion = reverse("admin:parks_park_restore", args=[creation.history_id])
        self.assertEqual(self.client.get(not_a_deletion).status_code, 405)
        self.assertEqual(self.client.post(not_a_deletion).status_code, 404)
        self.assertEqual(self.client.post(reverse("admin:parks_park_restore", args=[999999])).status_code, 404)
        self.assertEqual(Park.objects.count(), 1)


class SectionTranslationHistoryTests(TestCase):
    """The Chinese title and summary (django-modeltranslation's columns) are recorded and revertible."""

    @classmethod
    def setUpTestData(cls):
        cls.rita = make_staff("rita", "Researchers")
        cls.eddie = make_staff("eddie", "Editors")
        cls.article = make_article(slug="a", status="published")
        cls.section = make_section(
            cls.article,
            title="Paths for updating",
            slug="paths",
            title_zh_hans="锈带更新路径",
            summary_zh_hans="本节提出三条发展路径。",
            summary_status_zh_hans="reviewed",
        )

    def edit(self, user, **changes):
        self.client.force_login(user)
        url = reverse("admin:articles_section_change", args=[self.section.pk])
        data = admin_form_data(self.client.get(url), "section_form")
        response = self.client.post(url, {**data, **changes})
        self.assertRedirects(response, reverse("admin:articles_section_changelist"))

    def test_an_edited_chinese_summary_is_in_the_history_and_reverts(self):
        self.edit(self.rita, summary_zh_hans="改错了的摘要。")
        response = self.client.get(reverse("admin:articles_section_history", args=[self.section.pk]))
        self.assertContains(
            response, "<li><strong>Chinese summary:</strong> 本节提出三条发展路径。 → 改错了的摘要。</li>", html=True
        )
        # Changed without a new review: back to draft, so Chinese readers see neither version.
        self.assertContains(response, "<li><strong>Chinese summary status:</strong> reviewed → draft</li>", html=True)

        original = self.section.history.order_by("history_date").first()
        self.client.force_login(self.eddie)
        url = reverse("admin:articles_section_simple_history", args=[self.section.pk, original.history_id])
        data = admin_form_data(self.client.get(url), "historicalsection_form")
        self.assertEqual(data["summary_zh_hans"], "本节提出三条发展路径。")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        section = Section.objects.get(pk=self.section.pk)
        self.assertEqual(
            (section.title_en, section.title_zh_hans, section.summary_zh_hans, section.summary_status_zh_hans),
            ("Paths for updating", "锈带更新路径", "本节提出三条发展路径。", "reviewed"),
        )
        self.assertEqual(section.history.first().history_user, self.eddie)
        self.client.logout()
        with translation.override("zh-hans"):
            page = self.client.get(reverse("articles:detail", args=["a"]))
        self.assertContains(page, "本节提出三条发展路径。")
