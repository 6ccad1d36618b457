import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.markdown import render_markdown
from workflow.images import ProcessedImageField, srcset


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        # Staff preview drafts on the public design; everyone else sees published articles only.
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Article(models.Model):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    author = models.CharField(max_length=200)
    series = models.CharField(max_length=255, blank=True)
    episode = models.PositiveIntegerField(null=True, blank=True)
    publication = models.CharField(
        max_length=255, blank=True, help_text="Where the article first appeared (the source line)."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for the home page and search results.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Raised on every admin save (no lost edits).")

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "title"]
        permissions = [("publish_article", "Can publish or unpublish articles")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def section_tree(self):
        """Top-level sections in order, each with `.children` (its subsections), from one query."""
        sections = list(self.sections.for_page())
        children = defaultdict(list)
        for section in sections:
            children[section.parent_id].append(section)
        for section in sections:
            section.children = children[section.pk]
        return children[None]

    def loose_figures(self):
        # Figures not placed in a section are shown after the text.
        return self.figures.filter(section__isnull=True)


class SectionQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)

    def in_reading_order(self):
        # Each top-level section followed by its subsections, as the page shows them.
        return self.order_by(
            Coalesce("parent__order", "order"), Coalesce("parent_id", "id"), F("parent").asc(nulls_first=True), "order"
        )

    def for_page(self):
        # The whole article in one query (the tree is built in Python) plus one for all figures.
        return self.order_by("order", "pk").prefetch_related("figures")


class Section(models.Model):
    """A numbered section of an article, or a subsection when it has a parent."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subsections"
    )
    order = models.PositiveIntegerField(default=0, help_text="Position among its siblings (smallest first).")
    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=120, help_text="Anchor on the article page (#slug). Changing it breaks shared links."
    )
    body = models.TextField(blank=True, help_text="Markdown. HTML is sanitized before it reaches the page.")
    updated_at = models.DateTimeField(auto_now=True)
    content_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Raised on every admin save (no lost edits).")

    objects = SectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "slug"], name="unique_section_anchor_per_article"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.slug}"

    def clean(self):
        # The page shows sections and their subsections: two levels, within one article.
        if self.parent_id is None:
            return
        if self.parent_id == self.pk or self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "Choose a section of the same article."})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Choose a top-level section: subsections cannot have subsections."})
        if self.pk and self.subsections.exists():
            raise ValidationError({"parent": "This section has subsections, so it must stay top-level."})

    @property
    def body_html(self):
        return render_markdown(self.body)


def figure_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the disk.
    return f"figures/{uuid.uuid4().hex}.jpg"


class Figure(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="figures"
    )
    order = models.PositiveIntegerField(default=0)
    image = ProcessedImageField(upload_to=figure_upload_to)
    alt_text = models.CharField(max_length=300, help_text="What the image shows, for readers who cannot see it.")
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Raised on every admin save (no lost edits).")

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text

    @property
    def image_srcset(self):
        return srcset(self.image)
