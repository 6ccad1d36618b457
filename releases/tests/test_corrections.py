from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import EditorialNote, Section
from parks.models import Park
from publishing.testing import load_shipped_content, make_staff
from releases.models import Suggestion, SuggestionStatus

PARK_FORM = "/en/releases/corrections/parks/jilin-etdz/"


@override_settings(SUGGESTIONS_PER_HOUR=3)
class SuggestedCorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_shipped_content()
        cls.researcher = make_staff("rita", "Researchers")

    def setUp(self):
        cache.clear()
        self.client = self.client_class(enforce_csrf_checks=True)

    def send(self, url=PARK_FORM, address="203.0.113.7", **fields):
        page = self.client.get(url)
        data = {
            "field": "established_year",
            "problem": "The zone was founded a year earlier.",
            "proposed_value": "1997",
            "source_url": "https://example.org/yearbook",
            "csrfmiddlewaretoken": page.context["csrf_token"],
            **fields,
        }
        return self.client.post(url, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")

    def review(self, action, suggestion):
        self.client.force_login(self.researcher)
        changelist = reverse("admin:releases_suggestion_changelist")
        page = self.client.get(changelist)
        return self.client.post(
            changelist,
            {"action": action, "_selected_action": [suggestion.pk], "csrfmiddlewaretoken": page.context["csrf_token"]},
            follow=True,
        )

    def test_a_reader_suggests_a_researcher_accepts_and_the_history_credits_it(self):
        park = Park.objects.get(slug="jilin-etdz")
        self.assertContains(
            self.client.get(park.get_absolute_url()), 'href="/en/releases/corrections/parks/jilin-etdz/"'
        )
        response = self.send()
        self.assertRedirects(response, "/en/releases/corrections/received/")
        suggestion = Suggestion.objects.get()
        self.assertEqual((suggestion.kind, suggestion.key, suggestion.status), ("park", "jilin-etdz", "new"))
        # Nothing public before a researcher accepts it.
        self.assertNotContains(self.client.get(park.get_absolute_url()), "founded a year earlier")
        self.assertEqual(Park.objects.get(pk=park.pk).established_year, park.established_year)

        response = self.review("accept_suggestions", suggestion)
        self.assertContains(response, "Applied")
        park.refresh_from_db()
        self.assertEqual(park.established_year, 1997)
        latest = park.history.latest()
        self.assertEqual(latest.history_change_reason, f"Reader's suggested correction #{suggestion.pk}")
        suggestion.refresh_from_db()
        self.assertEqual((suggestion.status, suggestion.reviewed_by), (SuggestionStatus.ACCEPTED, self.researcher))
        # Accepting twice applies nothing twice.
        self.assertContains(self.review("accept_suggestions", suggestion), "already been reviewed")

    def test_a_section_suggestion_becomes_a_correction_note(self):
        section = Section.objects.get(slug="the-us-rust-belt-today")
        url = f"/en/releases/corrections/articles/{section.article.slug}/{section.slug}/"
        self.assertContains(self.client.get(section.article.get_absolute_url()), f'href="{url}"')
        self.send(url, field="Ford, General Motors", proposed_value="Ford and General Motors", source_url="")
        suggestion = Suggestion.objects.get()
        self.review("accept_suggestions", suggestion)
        note = EditorialNote.objects.get(key=f"reader-correction-{suggestion.pk}")
        self.assertEqual(
            (note.kind, note.passage, note.corrected_wording),
            ("correction", "Ford, General Motors", "Ford and General Motors"),
        )
        self.assertEqual(note.history.latest().history_change_reason, suggestion.credit)

    def test_a_suggestion_that_does_not_fit_is_not_applied(self):
        self.send(proposed_value="not a year")
        suggestion = Suggestion.objects.get()
        response = self.review("accept_suggestions", suggestion)
        self.assertContains(response, "Not applied")
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, SuggestionStatus.NEW)

    def test_a_rejected_suggestion_changes_nothing(self):
        self.send()
        suggestion = Suggestion.objects.get()
        self.review("reject_suggestions", suggestion)
        suggestion.refresh_from_db()
        self.assertEqual(suggestion.status, SuggestionStatus.REJECTED)
        self.assertNotEqual(Park.objects.get(slug="jilin-etdz").established_year, 1997)

    def test_without_the_csrf_token_nothing_is_kept(self):
        response = self.client.post(PARK_FORM, {"field": "city", "problem": "x", "proposed_value": "y"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Suggestion.objects.exists())

    def test_a_filled_honeypot_is_thanked_and_dropped(self):
        self.assertRedirects(self.send(website="http://spam.example"), "/en/releases/corrections/received/")
        self.assertFalse(Suggestion.objects.exists())

    def test_each_address_behind_the_proxy_is_limited(self):
        for _ in range(3):
            self.assertEqual(self.send().status_code, 302)
        self.assertEqual(self.send().status_code, 429)
        self.assertEqual(self.send(address="198.51.100.9").status_code, 302)
        self.assertEqual(Suggestion.objects.count(), 4)

    def test_oversized_and_bad_input_is_refused_without_an_error(self):
        self.assertEqual(self.send(problem="x" * 20000).status_code, 413)
        response = self.send(problem="y" * 2001, source_url="javascript:alert(1)", field="no-such-field")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a valid URL")
        self.assertEqual(self.send(field="slug").status_code, 200)  # the slug is not a correctable field
        self.assertEqual(self.client.get("/en/releases/corrections/parks/no-such-park/").status_code, 404)
        self.assertFalse(Suggestion.objects.exists())

    def test_the_review_queue_shows_a_suggestion_as_plain_text(self):
        self.send(problem="<script>alert(1)</script> see https://spam.example", source_url="https://spam.example/x")
        suggestion = Suggestion.objects.get()
        self.client.force_login(self.researcher)
        page = self.client.get(reverse("admin:releases_suggestion_change", args=[suggestion.pk]))
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(page, 'href="https://spam.example')

    def test_the_form_page_is_never_cached(self):
        response = self.client.get(PARK_FORM)
        self.assertIn("no-cache", response["Cache-Control"])
        chinese = self.client.get("/zh-hans/releases/corrections/parks/jilin-etdz/")
        self.assertContains(chinese, "csrfmiddlewaretoken")
        self.assertContains(chinese, "提出更正建议")
