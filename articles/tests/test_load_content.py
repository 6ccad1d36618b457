import re
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from articles.content import CONTENT_DIR, load_article, parse_section_file, read_manifest
from articles.models import FEATURED_ARTICLE_SLUG, Article, EditorialNote, Section
from publishing.loading import LoadReport
from publishing.testing import make_superuser

# Every figure the article states, exactly as the source writes it.
KEY_FIGURES = [
    "1.8 million",
    "58%",
    "565.73 billion yuan",
    "7302.59 billion yuan",
    "64.5%",
    "83.5%",
    "80.5%",
    "from 1.56 in 2000 to 2.3 in 2016",
    "only 1.61",
    "7% to 9%",
    "12% to 14%",
    "44.3%",
    "156 projects, of which 150 were implemented, with 56 in the northeast",
    "8 national-level economic and technological industrial parks",
    "4 national-level border economic cooperation zones",
    "7 national-level high-tech industrial parks",
    "2 national-level mutual trade zones",
    "1 national-level comprehensive bonded zone",
    "1 national-level export processing zone",
    "114 provincial-level economic industrial parks",
    "Detroit’s 80%",
    "700,000",
    "25%",
    "33,000 dollars",
    "85% of the market主体",  # the source's wording; the correction is a note
]


def load(*args):
    out = StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def table_contents():
    return (
        list(Article.objects.order_by("pk").values()),
        list(Section.objects.order_by("pk").values()),
    )


class LoadContentTests(TestCase):
    """Each test starts from the shipped content, loaded once for the class (a load takes seconds)."""

    @classmethod
    def setUpTestData(cls):
        cls.first_output = load()

    def test_loads_the_article_with_its_sections_and_subsections(self):
        self.assertIn("Content loaded:", self.first_output)
        article = Article.objects.get(slug=FEATURED_ARTICLE_SLUG)
        self.assertEqual(article.author, "Jia Xiaobing")
        self.assertEqual(article.series, "Commercial Real Estate Series — Introduction to Park Industrial Real Estate")
        self.assertEqual(article.episode, 89)
        self.assertEqual(
            article.publication, "Hundred Battles Hundred Victories Business Innovation and REITS Research"
        )
        self.assertIs(article.is_published, True)
        self.assertIsNotNone(article.published_at)
        top = list(article.sections.top_level().order_by("order").values_list("slug", flat=True))
        self.assertEqual(
            top,
            [
                "major-rust-belts-in-the-world",
                "industrial-real-estate-park-development-in-chinas-rust-belt",
                "industrial-real-estate-park-development-in-the-northeast-rust-belt",
                "paths-for-updating-the-rust-belt",
            ],
        )
        paths = article.sections.get(slug="paths-for-updating-the-rust-belt")
        self.assertEqual(
            list(paths.subsections.order_by("order").values_list("slug", flat=True)),
            ["urbanization", "re-urbanization", "co-city", "revitalization-policy-and-its-limits"],
        )

    def test_every_key_figure_appears_verbatim(self):
        text = "\n".join(Section.objects.values_list("body", flat=True))
        for figure in KEY_FIGURES:
            self.assertIn(figure, text)

    def test_seed_glitches_are_cleaned_up(self):
        text = "\n".join(Section.objects.values_list("body", flat=True))
        # The untranslated 主体 is the source's wording: it stays, with a correction beside it
        # (corrections are never silent).
        self.assertEqual(text.count("主体"), 1)
        self.assertTrue(EditorialNote.objects.filter(kind="correction", passage__contains="主体").exists())
        self.assertNotIn("Detroit’s80%", text)
        self.assertNotIn("Source:", text)
        # No sentence runs into the next ("intelligent.Currently") and no heading into its text.
        self.assertEqual(re.findall(r"[a-z”][.?!][A-Z“0-9]", text), [])
        self.assertNotIn("UrbanizationExamples", text)
        self.assertNotIn("World“Rust Belt”", text)

    def test_running_twice_changes_nothing(self):
        before = table_contents()
        output = load()
        self.assertIn("0 created, 0 updated,", output)
        self.assertEqual(table_contents(), before)

    def test_an_admin_edit_survives_a_second_run_and_force_restores_it(self):
        section = Section.objects.get(slug="chicago")
        shipped_body = section.body
        self.client.force_login(make_superuser())
        response = self.client.post(
            reverse("admin:articles_section_change", args=[section.pk]),
            {
                "article": section.article_id,
                "parent": section.parent_id,
                "order": section.order,
                "title_en": section.title_en,
                "slug": section.slug,
                "body": "A researcher's corrected text.",
                "base_version": section.version,  # the admin refuses saves from stale forms
                "summary_status_zh_hans": "draft",
            },
        )
        self.assertEqual(response.status_code, 302)

        output = load()
        self.assertIn("0 created, 0 updated", output)
        self.assertIn("1 skipped", output)
        self.assertIn("skipped (edited in the admin): section chicago", output)
        self.assertEqual(Section.objects.get(pk=section.pk).body, "A researcher's corrected text.")

        output = load("--force")
        self.assertIn("1 updated", output)
        self.assertEqual(Section.objects.get(pk=section.pk).body, shipped_body)
        self.assertIn("0 created, 0 updated", load())

    def test_a_form_opened_before_a_forced_reload_is_stale_after_it(self):
        section = Section.objects.get(slug="chicago")
        opened_at = section.version
        Section.objects.filter(pk=section.pk).update(body="Edited elsewhere.")
        load("--force")
        self.client.force_login(make_superuser())
        response = self.client.post(
            reverse("admin:articles_section_change", args=[section.pk]),
            {
                "article": section.article_id,
                "parent": section.parent_id,
                "order": section.order,
                "title_en": section.title_en,
                "slug": section.slug,
                "body": "Typed into the old form.",
                "base_version": opened_at,
            },
        )
        self.assertEqual(response.status_code, 200)  # refused: the form is shown again with the message
        self.assertNotEqual(Section.objects.get(pk=section.pk).body, "Typed into the old form.")

    def test_an_edited_article_status_is_kept(self):
        Article.objects.filter(slug=FEATURED_ARTICLE_SLUG).update(status="draft")
        load()
        self.assertEqual(Article.objects.get(slug=FEATURED_ARTICLE_SLUG).status, "draft")

    def test_a_deleted_section_comes_back(self):
        Section.objects.filter(slug="co-city").delete()
        self.assertIn("1 created", load())
        self.assertIs(
            Section.objects.filter(slug="co-city", parent__slug="paths-for-updating-the-rust-belt").exists(), True
        )

    def test_a_new_release_updates_unedited_sections_even_after_the_article_was_retitled(self):
        Article.objects.filter(slug=FEATURED_ARTICLE_SLUG).update(title="Retitled by an editor")
        release = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, release)
        shutil.copytree(CONTENT_DIR, release, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        chapter = release / "3-industrial-real-estate-park-development-in-the-northeast-rust-belt.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA corrected closing paragraph.\n", encoding="utf-8")

        report = LoadReport()
        load_article(report, manifest=release / "article.toml")
        self.assertIn("section industrial-real-estate-park-development-in-the-northeast-rust-belt", report.updated)
        self.assertEqual(report.kept, [f"article {FEATURED_ARTICLE_SLUG}"])
        self.assertEqual(Article.objects.get().title, "Retitled by an editor")
        section = Section.objects.get(slug="industrial-real-estate-park-development-in-the-northeast-rust-belt")
        self.assertIs(section.body.endswith("A corrected closing paragraph."), True)

    def test_manifest_slug_is_the_featured_article(self):
        slug, fields, sections = read_manifest()
        self.assertEqual(slug, FEATURED_ARTICLE_SLUG)
        self.assertEqual(fields["status"], "published")
        self.assertEqual(len(sections), 4)


class LoadIntoAnEmptyDatabaseTests(TestCase):
    def test_verbose_output_lists_each_record(self):
        out = StringIO()
        call_command("load_content", verbosity=2, stdout=out)
        self.assertIn("created: section urbanization", out.getvalue())

    def test_report_from_the_loader_itself(self):
        report = LoadReport()
        load_article(report)
        self.assertEqual(len(report.created), 15)
        report = LoadReport()
        load_article(report)
        self.assertEqual((len(report.created), len(report.updated), len(report.unchanged)), (0, 0, 15))


class ParseSectionFileTests(TestCase):
    def test_splits_intro_and_subsections(self):
        section = parse_section_file(
            "s", "S", "Intro text.\n\n## First Part {#first}\n\nOne.\n\n## Second Part\n\nTwo.\n"
        )
        self.assertEqual(section.body, "Intro text.")
        self.assertEqual(
            [(sub.slug, sub.title, sub.body) for sub in section.subsections],
            [("first", "First Part", "One."), ("second-part", "Second Part", "Two.")],
        )

    def test_a_file_without_subsections(self):
        section = parse_section_file("s", "S", "Only text.\n\n### Not a subsection\n")
        self.assertEqual(section.subsections, [])
        self.assertIn("### Not a subsection", section.body)
