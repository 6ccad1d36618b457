import re
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.charts import format_number
from publishing.bilingual import is_chinese, pick
from publishing.citations import partial_date_parts, split_author
from publishing.images import ProcessedImageField, srcset
from publishing.markdown import mark_chinese, render_markdown
from publishing.models import Fingerprinted, Versioned

# The site's article, as articles/content/article.toml ships it: the main navigation links it.
FEATURED_ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"


LANGUAGE_NAMES = {"zh": "Chinese"}
# A date no more precise than its source: a year, a month or a day.
PARTIAL_DATE = RegexValidator(r"^\d{4}(-\d{2}(-\d{2})?)?$", _("Write YYYY, YYYY-MM or YYYY-MM-DD."))


MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]+\)")
MARKDOWN_EMPHASIS = re.compile(r"\*\*|__")
# A common silent-reading pace for non-fiction in English.
WORDS_PER_MINUTE = 230


EDITORS_TRANSLATION = _("The editors' translation; empty shows the English on Chinese pages.")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class TranslationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: not shown")
    REVIEWED = "reviewed", _("Reviewed: shown on Chinese pages")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        # Staff preview drafts on the public design; everyone else sees published articles only.
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Article(Fingerprinted, Versioned):
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    author = models.CharField(_("author"), max_length=200)
    series = models.CharField(_("series"), max_length=255, blank=True)
    episode = models.PositiveIntegerField(_("episode"), null=True, blank=True)
    publication = models.CharField(
        _("publication"), max_length=255, blank=True, help_text=_("Where the article first appeared (the source line).")
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences for the home page and search results.")
    )
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    issued = models.CharField(
        _("date of the original"),
        max_length=10,
        blank=True,
        validators=[PARTIAL_DATE],
        help_text=_("When the original was published, only once a source gives it (YYYY, YYYY-MM or YYYY-MM-DD)."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        blank=True,
        help_text=_("Language code of the original when this text is a translation (zh)."),
    )
    original_title = models.CharField(
        _("original title"),
        max_length=255,
        blank=True,
        help_text=_("The original's title, only where a source gives it."),
    )
    translator = models.CharField(
        _("translator"), max_length=200, blank=True, help_text=_("Leave empty while the source names none.")
    )
    translation_note = models.TextField(
        _("translation note"), blank=True, help_text=_("Shown on the article page and in its citation.")
    )
    translation_note_zh = models.TextField(_("translation note (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    rights_holder = models.CharField(
        _("rights holder"),
        max_length=255,
        blank=True,
        help_text=_("Who holds the rights to the text (the site's licence does not cover it)."),
    )
    rights_statement = models.TextField(
        _("rights statement"), blank=True, help_text=_("On what terms the site reproduces the text.")
    )
    rights_statement_zh = models.TextField(_("rights statement (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", "Can publish or unpublish articles")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    # What a Chinese page says about the text, in the editors' Chinese where entered (the text stays English).
    @property
    def display_summary(self):
        return pick(self.summary, self.summary_zh)

    # A link preview (og:title, og:description): the title as published, the summary in the page's language.
    @property
    def share_title(self):
        return self.title

    @property
    def share_description(self):
        return self.display_summary or self.title

    @property
    def display_translation_note(self):
        return pick(self.translation_note, self.translation_note_zh)

    @property
    def display_rights_statement(self):
        return pick(self.rights_statement, self.rights_statement_zh)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def get_citation_url(self, fmt):
        return reverse("articles:cite", args=[self.slug, fmt])

    def csl_item(self):
        """This article for 'Cite this', as a CSL-JSON item (rendered by publishing/citations.py).

        Only what the source gives: no date unless a researcher enters the original's (`issued`).
        """
        author = split_author(self.author) if self.author else None
        family = author["family"].lower() if author else "anon"
        return {
            "id": f"{family}-{'-'.join(self.slug.split('-')[:4])}",
            "type": "webpage",
            "title": self.title,
            "author": [author] if author else [],
            "container-title": self.series,
            "number": str(self.episode) if self.episode else "",
            "publisher": self.publication,
            "issued": partial_date_parts(self.issued),
            "language": "en",
            "note": self.citation_note,
            "abstract": self.summary,
            # The statement in the page's language (the editors' Chinese on Chinese pages); the holder as named.
            "license": f"© {self.rights_holder}. {self.display_rights_statement}" if self.rights_holder else "",
            "URL": self.get_absolute_url(),
        }

    @property
    def citation_note(self):
        if not self.original_language:
            return ""
        language = LANGUAGE_NAMES.get(self.original_language, self.original_language)
        by = f"translated by {self.translator}" if self.translator else "the source does not name the translator"
        return f"English translation of the {language} original; {by}."

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
        # Section citations name the top-level section's number: known now, so no query per section.
        self._section_numbers = {section.pk: number for number, section in enumerate(children[None], start=1)}
        # Notes are numbered through the whole article, in reading order, as the reader meets them.
        self.notes_in_order = [
            note
            for section in children[None]
            for part in [section, *section.children]
            for note in part.editorial_notes.all()
        ]
        for number, note in enumerate(self.notes_in_order, start=1):
            note.number = number
        return children[None]

    def section_numbers(self):
        """{top-level section id: its number (1, 2, …)}, fetched once per article object."""
        if not hasattr(self, "_section_numbers"):
            ids = self.sections.top_level().order_by("order", "pk").values_list("pk", flat=True)
            self._section_numbers = {pk: number for number, pk in enumerate(ids, start=1)}
        return self._section_numbers

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
        return self.order_by("order", "pk").prefetch_related("figures", "editorial_notes")


class Section(Fingerprinted, Versioned):
    """A numbered section of an article, or a subsection when it has a parent."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subsections",
        verbose_name=_("parent"),
    )
    order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Position among its siblings (smallest first).")
    )
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"), max_length=120, help_text=_("Anchor on the article page (#slug). Changing it breaks shared links.")
    )
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown. HTML is sanitized before it reaches the page.")
    )
    heading_by_editors = models.BooleanField(
        _("heading added by the editors"),
        default=False,
        help_text=_("Tick when the title is not in the source: it is marked on the page and left out of citations."),
    )
    # The article is published in English only. title, summary and summary_status are translated with
    # django-modeltranslation (articles/translation.py): title_en is the published heading, title_zh_hans
    # the editors' translation; summary_zh_hans is a researcher's Chinese summary, shown only once its
    # own summary_status_zh_hans is reviewed (never machine-translated).
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("A short summary of this section, written by a researcher (never machine-translated)."),
    )
    summary_status = models.CharField(
        _("summary status"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.DRAFT,
        help_text=_("Only a reviewed summary is shown."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SectionQuerySet.as_manager()
    # No `history = HistoricalRecords()` here: articles/translation.py registers the history after the
    # translation fields exist, so the historical model records them too.

    class Meta:
        ordering = ["article", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["article", "slug"], name="unique_section_anchor_per_article"),
        ]

    def __str__(self):
        return self.title_en or self.slug

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.slug}"

    @property
    def title_zh_shown(self):
        """The editors' Chinese title, on Chinese pages only."""
        return (self.title_zh_hans or "") if is_chinese() else ""

    @property
    def display_title(self):
        return self.title_zh_shown or self.title_en

    @property
    def reviewed_summary_zh(self):
        """The Chinese summary, on Chinese pages, once a researcher has reviewed it (no fallback to English)."""
        if is_chinese() and self.summary_status_zh_hans == TranslationStatus.REVIEWED:
            return self.summary_zh_hans or ""
        return ""

    def get_citation_url(self, fmt):
        return f"{self.article.get_citation_url(fmt)}?section={self.slug}"

    def csl_item(self):
        """This section: its article, with the section as the locator (never an editors' heading as a title)."""
        article = self.article.csl_item()
        return {
            **article,
            "id": f"{article['id']}-{self.slug}",
            "URL": f"{article['URL']}#{self.slug}",
            "locator": self.locator,
        }

    @property
    def locator(self):
        """'section 4, “Urbanization”': the top-level section's number, and the heading when it is the author's."""
        number = self.article.section_numbers()[self.parent_id or self.pk]
        if self.heading_by_editors:
            return f"section {number}"
        return f"section {number}, “{self.title_en}”"

    def clean(self):
        # The page shows sections and their subsections: two levels, within one article.
        if self.parent_id is None:
            return
        if self.parent_id == self.pk or self.parent.article_id != self.article_id:
            raise ValidationError({"parent": _("Choose a section of the same article.")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Choose a top-level section: subsections cannot have subsections.")})
        if self.pk and self.subsections.exists():
            raise ValidationError({"parent": _("This section has subsections, so it must stay top-level.")})

    @cached_property
    def body_html(self):
        # Cached on the instance: the article page reads it twice (text, then charts left over).
        return render_markdown(self.body)

    def body_html_with_notes(self):
        """The body with a marker after each passage an editorial note is attached to."""
        return attach_note_markers(self.body_html, self.editorial_notes.all())


def figure_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the disk.
    return f"figures/{uuid.uuid4().hex}.jpg"


class Figure(Versioned):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures", verbose_name=_("article"))
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("section"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    image = ProcessedImageField(_("image"), upload_to=figure_upload_to)
    alt_text = models.CharField(
        _("alt text"), max_length=300, help_text=_("What the image shows, for readers who cannot see it.")
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(_("credit"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "order", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.caption or self.alt_text

    @property
    def image_srcset(self):
        return srcset(self.image)


class ChartKind(models.TextChoices):
    BAR = "bar", _("Bar chart (categories, ranks, ranges)")
    LINE = "line", _("Line chart (values over years)")
    DOT = "dot", _("Dot plot (years on a time axis)")


class DataSeriesQuerySet(models.QuerySet):
    def for_charts(self):
        # Each chart draws its points and links its section: fetch both up front.
        return self.select_related("article", "section").prefetch_related("points", "editorial_notes")


class DataSeries(Fingerprinted, Versioned):
    """A set of numbers the article states, drawn as one chart."""

    # A series' own values as the open data gives them (the API, the SQLite file) and a release freezes them,
    # beside its article, section and points.
    OPEN_FIELDS = (
        "slug",
        "name",
        "unit",
        "label_title",
        "kind",
        "source_sentence",
        "source",
        "caption",
        "lower_is_better",
    )

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="data_series", verbose_name=_("article")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_series",
        help_text=_("The section whose text states these numbers; the chart is shown after it."),
        verbose_name=_("section"),
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("The chart's title."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True, help_text=EDITORS_TRANSLATION)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, help_text=_("Used in download file names."))
    unit = models.CharField(
        _("unit"), max_length=60, help_text=_("What the values measure, e.g. 'people', '%', 'billion yuan'.")
    )
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=60, blank=True, help_text=EDITORS_TRANSLATION)
    label_title = models.CharField(
        _("label title"),
        max_length=60,
        blank=True,
        help_text=_("What the point labels are, for the axis: 'Year', 'Country'…"),
    )
    label_title_zh = models.CharField(
        _("label title (Chinese)"), max_length=60, blank=True, help_text=EDITORS_TRANSLATION
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChartKind.choices, default=ChartKind.BAR)
    order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Position on the Figures page (smallest first).")
    )
    source_sentence = models.TextField(
        _("source sentence"), help_text=_("The article's sentence that states the numbers, word for word.")
    )
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the numbers come from (the article's citation).")
    )
    caption = models.TextField(_("caption"), blank=True, help_text=_("What the chart shows and how to read it."))
    caption_zh = models.TextField(_("caption (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    lower_is_better = models.BooleanField(
        _("lower is better"), default=False, help_text=_("Tick for ranks, where 1st is the top: the chart says so.")
    )

    history = HistoricalRecords()
    objects = DataSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("data series")
        verbose_name_plural = _("data series")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:figures", args=[self.article.slug]) + f"#chart-{self.slug}"

    # The chart's words in the page's language: the editors' Chinese on Chinese pages where entered.
    @property
    def is_translated(self):
        return is_chinese() and bool(self.name_zh)

    @property
    def english_mark(self):
        """` lang="en"` for the chart's words where a Chinese page shows them in English (no editors' Chinese)."""
        return mark_safe(' lang="en"') if is_chinese() and not self.is_translated else ""

    @property
    def display_name(self):
        return pick(self.name, self.name_zh)

    @property
    def display_unit(self):
        return pick(self.unit, self.unit_zh)

    @property
    def display_label_title(self):
        return pick(self.label_title, self.label_title_zh)

    @property
    def display_caption(self):
        return pick(self.caption, self.caption_zh)

    @property
    def source_url(self):
        """The section anchor where the source sentence stands."""
        # Built from the series' own article: section.article would cost a query per chart.
        anchor = f"#{self.section.slug}" if self.section else ""
        return self.article.get_absolute_url() + anchor


class DataPoint(Fingerprinted):
    series = models.ForeignKey(DataSeries, on_delete=models.CASCADE, related_name="points", verbose_name=_("series"))
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(
        _("label"), max_length=120, help_text=_("A year ('1950') or a category ('US', 'national ETDZs').")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    value_high = models.DecimalField(
        _("value high"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Only for a range the article states ('7% to 9%'): the upper end; value is the lower end."),
    )
    label_zh = models.CharField(_("label (Chinese)"), max_length=120, blank=True, help_text=EDITORS_TRANSLATION)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Shown in the data table, e.g. 'a new high'.")
    )
    note_zh = models.CharField(_("note (Chinese)"), max_length=300, blank=True, help_text=EDITORS_TRANSLATION)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("data point")
        verbose_name_plural = _("data points")
        constraints = [
            models.UniqueConstraint(fields=["series", "label"], name="unique_point_label_per_series"),
        ]

    def __str__(self):
        return f"{self.label}: {self.display_value}"

    def clean(self):
        if self.value_high is not None and self.value is not None and self.value_high < self.value:
            raise ValidationError({"value_high": _("The upper end of a range cannot be below its lower end.")})

    @property
    def is_range(self):
        return self.value_high is not None

    @property
    def display_label(self):
        return pick(self.label, self.label_zh)

    @property
    def display_note(self):
        return pick(self.note, self.note_zh)

    @property
    def display_value(self):
        if self.is_range:
            return f"{format_number(self.value, self.grouped)}–{format_number(self.value_high, self.grouped)}"
        return format_number(self.value, self.grouped)

    @property
    def grouped(self):
        # Years read as 1950, every other number with thousands separators (one format everywhere).
        return self.series.unit != "year"


class NoteKind(models.TextChoices):
    NOTE = "note", _("Editors' note")
    CORRECTION = "correction", _("Correction of a translation slip")


class EditorialNote(Fingerprinted, Versioned):
    """The editors' note on a passage of the article; the article's own text is never changed."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="editorial_notes", verbose_name=_("section")
    )
    key = models.SlugField(
        _("key"), max_length=120, unique=True, help_text=_("Identifies the note; also its anchor on the page.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NoteKind.choices, default=NoteKind.NOTE)
    passage = models.CharField(
        _("passage"),
        max_length=500,
        help_text=_("The article's words the note is attached to, exactly as in the section's text."),
    )
    corrected_wording = models.CharField(
        _("corrected wording"),
        max_length=255,
        blank=True,
        help_text=_("For a correction: what the source's wording should read."),
    )
    text = models.TextField(_("text"), help_text=_("The note. Plain text."))
    text_zh = models.TextField(_("text (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    data_series = models.ForeignKey(
        DataSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editorial_notes",
        verbose_name=_("data series"),
        help_text=_("A chart of the same numbers: the note is shown under it too."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name = _("editorial note")
        verbose_name_plural = _("editorial notes")

    def __str__(self):
        return f"{self.get_kind_display()}: “{self.passage}”"

    @property
    def display_text(self):
        return pick(self.text, self.text_zh)

    @property
    def is_translated(self):
        """Whether the page shows the editors' Chinese of this note (a Chinese page, a Chinese text entered);
        otherwise it shows the English as written, which a Chinese page marks lang="en"."""
        return is_chinese() and bool(self.text_zh)

    @property
    def anchor(self):
        return f"note-{self.key}"

    def clean(self):
        # The note must point at words that are really there, or its marker would vanish.
        if self.section_id and self.passage and self.passage not in plain_text(self.section.body):
            raise ValidationError({"passage": _("Copy the words exactly from the section's text.")})


def reading_minutes(sections):
    """Minutes to read these sections (with their subsections) at an unhurried pace, from their word count."""
    words = sum(len(plain_text(part.body).split()) for section in sections for part in [section, *section.children])
    return max(1, round(words / WORDS_PER_MINUTE))


def plain_text(markdown_text):
    """Markdown without link targets and emphasis marks: the words a reader sees."""
    return MARKDOWN_EMPHASIS.sub("", MARKDOWN_LINK.sub(r"\1", markdown_text))


def attach_note_markers(html, notes):
    """Put each note's numbered marker, and its text as a sidenote, after the paragraph holding its passage.

    Notes carry their number through the article (set by Article.section_tree); one counted here is a fallback.
    """
    for fallback, note in enumerate(notes, start=1):
        # The passage as written, HTML-escaped, or with its Chinese marked lang="zh-Hans" as the body renders it.
        position = next(
            (
                found
                for found in (
                    html.find(form) for form in (note.passage, escape(note.passage), mark_chinese(note.passage))
                )
                if found != -1
            ),
            -1,
        )
        if position == -1:
            continue
        end = min(
            (index for index in (html.find(tag, position) for tag in ("</p>", "</li>")) if index != -1),
            default=len(html),
        )
        marker = render_to_string(
            "articles/_note_marker.html",
            {
                "note": note,
                "number": getattr(note, "number", fallback),
                "interface_lang": "zh-Hans" if is_chinese() else "",
            },
        ).strip()
        html = mark_safe(html[:end] + marker + html[end:])
    return html
