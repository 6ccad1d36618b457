from django.contrib.auth import get_user_model

from articles.models import Article, Section, Status


def make_article(**fields):
    fields.setdefault("title", "A test article")
    fields.setdefault("slug", "a-test-article")
    fields.setdefault("author", "Test Author")
    fields.setdefault("status", Status.PUBLISHED)
    return Article.objects.create(**fields)


def make_section(article, **fields):
    fields.setdefault("title", "A section")
    fields.setdefault("slug", f"section-{article.sections.count() + 1}")
    fields.setdefault("body", "Some text.")
    return Section.objects.create(article=article, **fields)


def make_staff(**fields):
    fields.setdefault("username", "editor")
    fields.setdefault("is_staff", True)
    return get_user_model().objects.create_user(**fields)


def make_superuser():
    return get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-not-used")
