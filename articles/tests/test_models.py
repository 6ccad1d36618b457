from django.core.exceptions import ValidationError
from django.test import TestCase

from articles.models import Article, Status
from articles.tests.factories import make_article, make_section


class SectionTreeTests(TestCase):
    def test_builds_sections_and_subsections_in_order(self):
        article = make_article()
        second = make_section(article, title="Second", slug="second", order=20)
        first = make_section(article, title="First", slug="first", order=10)
        make_section(article, title="Second b", slug="second-b", order=2, parent=second)
        make_section(article, title="Second a", slug="second-a", order=1, parent=second)
        with self.assertNumQueries(3):  # sections, figures, editorial notes
            tree = article.section_tree()
        self.assertEqual([section.slug for section in tree], ["first", "second"])
        self.assertEqual(tree[0], first)
        self.assertEqual(tree[0].children, [])
        self.assertEqual([sub.slug for sub in tree[1].children], ["second-a", "second-b"])


class SectionValidationTests(TestCase):
    def setUp(self):
        self.article = make_article()
        self.top = make_section(self.article, title="Top", slug="top")
        self.sub = make_section(self.article, title="Sub", slug="sub", parent=self.top)

    def test_subsections_cannot_nest(self):
        deeper = make_section(self.article, title="Deeper", slug="deeper")
        deeper.parent = self.sub
        with self.assertRaises(ValidationError):
            deeper.full_clean()

    def test_parent_must_be_in_the_same_article(self):
        other = make_section(make_article(title="Other", slug="other"), title="Elsewhere", slug="elsewhere")
        self.sub.parent = other
        with self.assertRaises(ValidationError):
            self.sub.full_clean()

    def test_a_section_with_subsections_stays_top_level(self):
        self.top.parent = make_section(self.article, title="New top", slug="new-top")
        with self.assertRaises(ValidationError):
            self.top.full_clean()

    def test_a_valid_subsection(self):
        self.sub.full_clean()


class ArticleTests(TestCase):
    def test_publishing_sets_the_date(self):
        article = make_article(status=Status.DRAFT)
        self.assertIsNone(article.published_at)
        article.status = Status.PUBLISHED
        article.save()
        self.assertIsNotNone(Article.objects.get(pk=article.pk).published_at)
