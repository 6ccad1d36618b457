from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from parks.models import Park
from parks.tests.factories import bulk_parks, make_park, make_province


class SearchIndexTests(TestCase):
    """`?q=` is answered from an index on either database, with icontains' results."""

    @classmethod
    def setUpTestData(cls):
        cls.jilin = make_province("jilin")
        make_park("Jilin Economic and Technological Development Zone", name_zh="吉林经济技术开发区", city="Jilin",
                  slug="jilin-etdz", article_name="Jilin ETDZ")
        make_park("Changchun New Area", name_zh="长春新区", city="Changchun", slug="changchun-new-area")
        make_park("Dalian Bonded Zone", city="Dalian", slug="dalian-bonded")

    def slugs(self, text):
        return set(Park.objects.search(text).values_list("slug", flat=True))

    def test_matches_any_part_of_the_names_and_city_whatever_the_case(self):
        self.assertEqual(self.slugs("jilin"), {"jilin-etdz"})
        self.assertEqual(self.slugs("ECONOMIC and tech"), {"jilin-etdz"})
        self.assertEqual(self.slugs("etdz"), {"jilin-etdz"})  # the article's name
        self.assertEqual(self.slugs("hangchu"), {"changchun-new-area"})  # inside a word
        self.assertEqual(self.slugs("zone"), {"jilin-etdz", "dalian-bonded"})
        self.assertEqual(self.slugs("经济技术"), {"jilin-etdz"})
        self.assertEqual(self.slugs("新区"), {"changchun-new-area"})  # two characters: no trigram, still found
        self.assertEqual(self.slugs('"; DROP TABLE parks_park; --'), set())
        self.assertEqual(self.slugs("nowhere at all"), set())

    def test_the_index_follows_edits_deletions_and_bulk_inserts(self):
        Park.objects.filter(slug="dalian-bonded").update(name_en="Yingkou Bonded Zone")
        self.assertEqual(self.slugs("dalian bonded"), set())
        self.assertEqual(self.slugs("yingkou"), {"dalian-bonded"})
        Park.objects.get(slug="changchun-new-area").delete()
        self.assertEqual(self.slugs("changchun"), set())
        bulk_parks(3, self.jilin)
        self.assertEqual(len(self.slugs("bulk park")), 3)

    def test_the_search_uses_the_index(self):
        if connection.vendor == "sqlite":
            with CaptureQueriesContext(connection) as queries:
                self.slugs("jilin")
            self.assertIn("MATCH", queries[0]["sql"])
            plan = " ".join(str(row) for row in connection.cursor().execute(
                "EXPLAIN QUERY PLAN SELECT rowid FROM parks_park_search WHERE parks_park_search MATCH '\"jilin\"'"
            ).fetchall())
            self.assertIn("VIRTUAL TABLE INDEX", plan)
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'parks_park'")
                indexes = {row[0] for row in cursor.fetchall()}
                self.assertLessEqual(
                    {"park_name_en_trgm", "park_name_zh_trgm", "park_article_name_trgm", "park_city_trgm"}, indexes
                )
                sql, params = Park.objects.search("jilin").values("pk").query.sql_with_params()
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = " ".join(row[0] for row in cursor.fetchall())
            self.assertIn("park_name_en_trgm", plan)
