from django.test import TestCase

from articles.models import EditorialNote, NoteKind, Section
from parks.models import Fact, FactSource, Park, Source
from publishing.testing import load_shipped_content, make_staff
from releases.changes import paragraph_changes, word_diff
from releases.tests.test_releases import ReleaseFilesFolder, make_release


class WordDiffTests(TestCase):
    def test_words_and_chinese_characters_are_compared_one_by_one(self):
        self.assertEqual(
            word_diff("The zone opened in 1992.", "The zone opened in 1991."),
            [["equal", "The zone opened in "], ["delete", "1992"], ["insert", "1991"], ["equal", "."]],
        )
        self.assertEqual(
            word_diff("开发区成立", "高新区成立"), [["delete", "开发"], ["insert", "高新"], ["equal", "区成立"]]
        )

    def test_paragraphs_added_removed_and_changed(self):
        old = "First paragraph.\n\nSecond one here.\n\nThird."
        new = "First paragraph.\n\nSecond one there.\n\nThird.\n\nA fourth."
        self.assertEqual(
            paragraph_changes(old, new),
            [
                {
                    "change": "changed",
                    "old": "Second one here.",
                    "new": "Second one there.",
                    "diff": [["equal", "Second one "], ["delete", "here"], ["insert", "there"], ["equal", "."]],
                },
                {"change": "added", "old": "", "new": "A fourth.", "diff": [["insert", "A fourth."]]},
            ],
        )
        self.assertEqual(
            paragraph_changes("Gone.\n\nKept.", "Kept."),
            [{"change": "removed", "old": "Gone.", "new": "", "diff": [["delete", "Gone."]]}],
        )


class ChangesBetweenReleasesTests(ReleaseFilesFolder, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.editor = make_staff("eddie", "Editors")

    def setUp(self):
        self.client.force_login(self.editor)

    def make_known_edits(self):
        """One of each change a release can bring; returns what the change list must say."""
        section = Section.objects.filter(article__status="published").exclude(body="").order_by("pk").first()
        Section.objects.filter(pk=section.pk).update(body=section.body + "\n\nA paragraph the editors added.")
        note = EditorialNote.objects.create(
            section=section,
            key="a-new-correction",
            kind=NoteKind.CORRECTION,
            passage="added",
            corrected_wording="appended",
            text="A slip.",
        )
        changed, removed = Park.objects.published().order_by("slug")[:2]
        source = Source.objects.create(citation="Yearbook of the zone, 2001")
        changed.sources.add(source)
        FactSource.objects.create(park=changed, fact=Fact.ESTABLISHED_YEAR, source=source, note="Founded 1991.")
        Park.objects.filter(pk=changed.pk).update(established_year=1991)
        Park.objects.filter(pk=removed.pk).update(is_published=False)
        added = Park.objects.create(
            name_en="A New Test Zone", slug="a-new-test-zone", province=changed.province, zone_type="etdz"
        )
        return section, note, changed, removed, added

    def test_the_changes_page_and_json_show_exactly_the_edits(self):
        make_release(self.client, "1.0")
        section, note, changed, removed, added = self.make_known_edits()
        make_release(self.client, "1.1")
        self.client.logout()

        data = self.client.get("/en/releases/1.1/changes.json").json()
        self.assertEqual(data["from"], "1.0")
        self.assertEqual(data["to"], "1.1")
        key = f"{section.article.slug}/{section.slug}"
        self.assertEqual(
            data["sections"],
            {
                "added": [],
                "removed": [],
                "changed": [
                    {
                        "key": key,
                        "old_title": section.title_en,
                        "title": section.title_en,
                        "paragraphs": [
                            {
                                "change": "added",
                                "old": "",
                                "new": "A paragraph the editors added.",
                                "diff": [["insert", "A paragraph the editors added."]],
                            },
                        ],
                    },
                ],
            },
        )
        self.assertEqual(
            data["notes_added"],
            [
                {
                    "section": key,
                    "key": "a-new-correction",
                    "kind": "correction",
                    "passage": "added",
                    "corrected_wording": "appended",
                    "text": "A slip.",
                }
            ],
        )
        self.assertEqual(
            data["parks"]["added"], [{"slug": "a-new-test-zone", "name_en": "A New Test Zone", "name_zh": ""}]
        )
        self.assertEqual([park["slug"] for park in data["parks"]["removed"]], [removed.slug])
        [park] = data["parks"]["changed"]
        self.assertEqual(park["slug"], changed.slug)
        self.assertEqual([field["field"] for field in park["fields"]], ["established_year", "sources"])
        year = park["fields"][0]
        self.assertEqual((year["old"], year["new"]), (changed.established_year, 1991))
        self.assertEqual(year["new_sources"][-1], {"source": "Yearbook of the zone, 2001", "note": "Founded 1991."})
        self.assertNotIn({"source": "Yearbook of the zone, 2001", "note": "Founded 1991."}, year["old_sources"])

        # The same list between any two releases, and on the page in both languages.
        self.assertEqual(self.client.get("/en/releases/changes/1.0...1.1.json").json(), data)
        page = self.client.get("/en/releases/changes/1.0...1.1/")
        self.assertContains(page, "<ins>A paragraph the editors added.</ins>", html=True)
        self.assertContains(page, "A New Test Zone")
        self.assertContains(page, "Yearbook of the zone, 2001 (Founded 1991.)")
        chinese = self.client.get("/zh-hans/releases/1.1/changes/")
        self.assertContains(chinese, "A New Test Zone")
        self.assertContains(chinese, '<html lang="zh-Hans"', status_code=200)

    def test_the_first_release_lists_everything_as_added(self):
        make_release(self.client, "1.0")
        data = self.client.get("/en/releases/1.0/changes.json").json()
        self.assertIsNone(data["from"])
        self.assertEqual(len(data["parks"]["added"]), Park.objects.published().count())
        self.assertEqual(data["parks"]["changed"], [])

    def test_the_feed_lists_releases_and_their_corrections_in_each_language(self):
        make_release(self.client, "1.0", notes="First edition.", notes_zh="第一版。")
        self.make_known_edits()
        make_release(self.client, "1.1", notes="Second <b>edition</b>.", notes_zh="第二版。")
        english = self.client.get("/en/releases/feed/")
        self.assertEqual(english["Content-Type"], "application/atom+xml; charset=utf-8")
        self.assertContains(english, "Release 1.1")
        self.assertContains(english, "Second &amp;lt;b&amp;gt;edition")
        self.assertContains(english, "“added” should read “appended”")
        self.assertContains(self.client.get("/zh-hans/releases/feed/"), "第二版。")
