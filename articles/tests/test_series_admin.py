from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from articles.models import DataPoint
from articles.tests.factories import make_article, make_section, make_series


class DataSeriesAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
        cls.article = make_article()
        cls.section = make_section(cls.article, "paths-for-updating-the-rust-belt")
        cls.series = make_series(cls.article, cls.section)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_changelist_and_change_page_with_point_inlines(self):
        response = self.client.get(reverse("admin:articles_dataseries_changelist"))
        self.assertContains(response, "Debt-to-equity ratio")
        response = self.client.get(reverse("admin:articles_dataseries_change", args=[self.series.pk]))
        self.assertContains(response, 'name="points-0-value"')
        self.assertContains(response, 'value="1.5600"')

    def test_researcher_edits_a_point_and_the_chart_follows(self):
        url = reverse("admin:articles_dataseries_change", args=[self.series.pk])
        points = list(self.series.points.all())
        data = {
            "article": self.article.pk,
            "section": self.section.pk,
            "name": self.series.name,
            "slug": "debt",
            "order": 0,
            "kind": "bar",
            "unit": "ratio",
            "label_title": "",
            "caption": "",
            "source_sentence": self.series.source_sentence,
            "source": self.series.source,
            "base_version": self.series.version,  # the version the form showed (so no edit is lost)
            "points-TOTAL_FORMS": 2,
            "points-INITIAL_FORMS": 2,
            "points-MIN_NUM_FORMS": 0,
            "points-MAX_NUM_FORMS": 1000,
        }
        for index, point in enumerate(points):
            data |= {
                f"points-{index}-id": point.pk,
                f"points-{index}-series": self.series.pk,
                f"points-{index}-order": index,
                f"points-{index}-label": point.label,
                f"points-{index}-value": point.value,
                f"points-{index}-note": "",
            }
        data["points-1-value"] = "2.31"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DataPoint.objects.get(pk=points[1].pk).value, Decimal("2.31"))
        # The change is in the history, with who made it.
        latest = DataPoint.history.filter(id=points[1].pk).latest("history_date")
        self.assertEqual((latest.value, latest.history_user), (Decimal("2.31"), self.admin))
        history = self.client.get(reverse("admin:articles_dataseries_history", args=[self.series.pk]))
        self.assertEqual(history.status_code, 200)
        figures = self.client.get(reverse("articles:figures", args=[self.article.slug]))
        self.assertContains(figures, "<td>2.31</td>", html=True)

    def test_range_upper_end_cannot_be_below_lower_end(self):
        point = DataPoint(series=self.series, label="Range", value=Decimal("9"), value_high=Decimal("7"))
        with self.assertRaises(ValidationError):
            point.full_clean()


class ResearcherPermissionTests(TestCase):
    def test_researchers_edit_series_and_points_editors_also_delete(self):
        from django.contrib.auth.models import Group

        researchers = set(Group.objects.get(name="Researchers").permissions.values_list("codename", flat=True))
        editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
        for model in ("dataseries", "datapoint"):
            self.assertTrue({f"add_{model}", f"change_{model}", f"view_{model}"} <= researchers)
            self.assertNotIn(f"delete_{model}", researchers)
            self.assertIn(f"delete_{model}", editors)
            self.assertIn(f"view_historical{model}", researchers)

    def test_a_researcher_opens_a_series_in_the_admin(self):
        from django.contrib.auth.models import Group

        user = get_user_model().objects.create_user("rita", is_staff=True)
        user.groups.add(Group.objects.get(name="Researchers"))
        article = make_article()
        series = make_series(article)
        self.client.force_login(user)
        response = self.client.get(reverse("admin:articles_dataseries_change", args=[series.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="points-0-value"')
