"""The migration that moves the sections' Chinese columns to django-modeltranslation's."""

from django.utils import timezone

from publishing.testing import MigrationTestCase

BEFORE = [("articles", "0004_translation_editorial_notes")]
AFTER = [("articles", "0005_translated_section_fields")]


class TranslatedSectionFieldsMigrationTests(MigrationTestCase):
    def test_titles_summaries_and_their_status_keep_their_values_in_the_table_and_the_history(self):
        apps = self.migrate(BEFORE)
        Article = apps.get_model("articles", "Article")
        Section = apps.get_model("articles", "Section")
        HistoricalSection = apps.get_model("articles", "HistoricalSection")
        article = Article.objects.create(title="Rust belts", slug="a", author="Jia Xiaobing")
        section = Section.objects.create(
            article=article,
            slug="paths",
            title="Paths for updating",
            title_zh="锈带更新路径",
            summary_zh="本节提出三条发展路径。",
            summary_zh_status="reviewed",
        )
        HistoricalSection.objects.create(
            id=section.pk,
            article_id=article.pk,
            slug="paths",
            title="Paths",
            title_zh="路径",
            summary_zh="早先的摘要。",
            summary_zh_status="draft",
            history_date=timezone.now(),
            history_type="~",
            order=0,
            version=1,
            updated_at=timezone.now(),
        )

        apps = self.migrate(AFTER)
        section = apps.get_model("articles", "Section").objects.get(slug="paths")
        self.assertEqual(
            (section.title_en, section.title_zh_hans, section.summary_zh_hans, section.summary_status_zh_hans),
            ("Paths for updating", "锈带更新路径", "本节提出三条发展路径。", "reviewed"),
        )
        record = apps.get_model("articles", "HistoricalSection").objects.get()
        self.assertEqual(
            (record.title_en, record.title_zh_hans, record.summary_zh_hans, record.summary_status_zh_hans),
            ("Paths", "路径", "早先的摘要。", "draft"),
        )

        # And back: the old columns get the values again.
        apps = self.migrate(BEFORE)
        section = apps.get_model("articles", "Section").objects.get(slug="paths")
        self.assertEqual(
            (section.title_zh, section.summary_zh, section.summary_zh_status),
            ("锈带更新路径", "本节提出三条发展路径。", "reviewed"),
        )
