"""The data migration that replaces the catalogue's stand-in parks with article mentions."""

from publishing.testing import MigrationTestCase

BEFORE = [("parks", "0005_sources_evidence_mentions")]
AFTER = [("parks", "0006_replace_stand_ins")]


class ReplaceStandInsMigrationTests(MigrationTestCase):
    def test_stand_ins_become_mentions_the_real_zone_takes_the_path_and_history_is_kept(self):
        apps = self.migrate(BEFORE)
        Province = apps.get_model("parks", "Province")
        Path = apps.get_model("parks", "DevelopmentPath")
        Park = apps.get_model("parks", "Park")
        jilin = Province.objects.create(slug="jilin", name_en="Jilin", name_zh="吉林省")
        heilongjiang = Province.objects.create(slug="heilongjiang", name_en="Heilongjiang", name_zh="黑龙江省")
        co_city = Path.objects.create(slug="co-city", name="Co-city development", summary="…")
        re_urbanization = Path.objects.create(slug="re-urbanization", name="Re-urbanization", summary="…")
        Park.objects.create(
            slug="songyuan-zone",
            name_en="Songyuan (article: Songyuan High-tech Industrial Park)",
            article_name="Songyuan High-tech Industrial Park",
            province=jilin,
            zone_type="other",
            level="",
            path=co_city,
        )
        real = Park.objects.create(
            slug="songyuan-etdz",
            name_en="Songyuan Economic and Technological Development Zone",
            province=jilin,
            zone_type="etdz",
            level="national",
        )
        Park.objects.create(
            slug="hegang-zone",
            name_en="Hegang (zone named in article; identity unclear)",
            article_name="Hegang border economic cooperation zone",
            province=heilongjiang,
            zone_type="other",
            level="",
            path=re_urbanization,
        )

        apps = self.migrate(AFTER)
        Park = apps.get_model("parks", "Park")
        Mention = apps.get_model("parks", "ArticleMention")
        HistoricalPark = apps.get_model("parks", "HistoricalPark")
        self.assertEqual(set(Park.objects.values_list("slug", flat=True)), {"songyuan-etdz"})
        self.assertEqual(Park.objects.get(slug="songyuan-etdz").path.slug, "co-city")
        songyuan = Mention.objects.get(key="s4-songyuan")
        self.assertEqual((songyuan.wording, songyuan.park_id), ("Songyuan High-tech Industrial Park", real.pk))
        hegang = Mention.objects.get(key="s4-hegang")
        self.assertIsNone(hegang.park_id)
        # The stand-ins' last state is kept as a deletion in their history, with the reason.
        deleted = HistoricalPark.objects.filter(history_type="-")
        self.assertEqual(set(deleted.values_list("slug", flat=True)), {"songyuan-zone", "hegang-zone"})
        self.assertTrue(all("stand-in" in record.history_change_reason for record in deleted))
        self.assertTrue(HistoricalPark.objects.filter(slug="songyuan-etdz", history_type="~").exists())
