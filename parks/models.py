import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from rustbelt.publishing.images import ProcessedImageField, srcset
from rustbelt.publishing.markdown import render_markdown
from rustbelt.publishing.models import Fingerprinted, Versioned

# Northeast China with Inner Mongolia's Hohhot and Manzhouli: anything outside is a typo.
LATITUDE_RANGE = (37, 54)
LONGITUDE_RANGE = (105, 136)
EARLIEST_YEAR = 1980
CATALOGUE_TITLE = "Catalogue of Northeast China's industrial parks"
# The filter value, and the matrix column, for parks the article groups into no development path.
NO_PATH = "none"


class ZoneType(models.TextChoices):
    ETDZ = "etdz", "Economic & technological development zone"
    HTZ = "htz", "High-tech industrial development zone"
    BECZ = "becz", "Border economic cooperation zone"
    MUTUAL_TRADE = "mutual-trade", "Mutual market trade zone"
    BONDED = "bonded", "Comprehensive bonded zone"
    EPZ = "epz", "Export processing zone"
    OTHER = "other", "Other"


# The table view's narrow Type column: the abbreviations the zones' own names use.
ZONE_TYPE_SHORT = {
    ZoneType.ETDZ: "ETDZ",
    ZoneType.HTZ: "HTZ",
    ZoneType.BECZ: "BECZ",
    ZoneType.MUTUAL_TRADE: "Mutual trade",
    ZoneType.BONDED: "Bonded",
    ZoneType.EPZ: "EPZ",
    ZoneType.OTHER: "Other",
}


class Level(models.TextChoices):
    NATIONAL = "national", "National"
    PROVINCIAL = "provincial", "Provincial"


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Province(Fingerprinted):
    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField("English name", max_length=100)
    name_zh = models.CharField("Chinese name", max_length=100)
    capital = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("parks:province", args=[self.slug])


class DevelopmentPath(Fingerprinted):
    """One of the article's three paths for updating the Rust Belt (section 4)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    name_zh = models.CharField("Chinese name", max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)
    summary = models.TextField(help_text="A short explanation in the article's words.")
    article_section = models.ForeignKey(
        "articles.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development_paths",
        help_text="The article subsection that describes this path.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("parks:path", args=[self.slug])


class Industry(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self):
        return self.name


class Source(models.Model):
    """A document a park's facts come from."""

    citation = models.CharField(max_length=500, unique=True)
    url = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["citation"]

    def __str__(self):
        return self.citation


# The fact sheet's notes address its researchers by column name; readers get a sentence instead
# (shown beside the industries) and links where a note names another park by its slug.
PATH_INDUSTRIES_NOTE = re.compile(r"\s*leading_industries is the article's group-level list for the [\w-]+ pat\w*(?:, not park-specific)?\.?")
FACT_SHEET_README = re.compile(r"\s*\(see the fact sheet's README\)")
PARK_SLUG_REFERENCE = re.compile(r"\bsee ([a-z0-9]+(?:-[a-z0-9]+)+)\b")


def coordinates_are_approximate(coord_note):
    """The fact sheet marks stand-in positions in the note ("city centre approx.", "island approx.")."""
    return "approx" in coord_note.lower()


class ParkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_province(self, slug):
        return self.filter(province__slug=slug)

    def on_path(self, slug):
        return self.filter(path__slug=slug)

    def visible_to(self, user):
        # Staff preview unpublished parks on the public design; everyone else sees published ones.
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def for_listing(self):
        # Cards show province and path; fetching them up front keeps the query count flat.
        return self.select_related("province", "path")

    def for_export(self):
        # Exports list industries and sources per row: prefetched per chunk of the iterator.
        return self.for_listing().prefetch_related("industries", "sources")

    def with_coordinates(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def search(self, text):
        """Parks whose English, Chinese or article name, or city, contains the text."""
        return self.filter(
            models.Q(name_en__icontains=text)
            | models.Q(name_zh__icontains=text)
            | models.Q(article_name__icontains=text)
            | models.Q(city__icontains=text)
        )


def park_photo_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the disk.
    return f"parks/{uuid.uuid4().hex}.jpg"


class Park(Fingerprinted, Versioned):
    name_en = models.CharField("English name", max_length=255)
    name_zh = models.CharField("Chinese name", max_length=255, blank=True)
    article_name = models.CharField(
        max_length=255, blank=True, help_text="The name as the article writes it, where it differs."
    )
    slug = models.SlugField(max_length=120, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="parks")
    city = models.CharField(max_length=100, blank=True)
    zone_type = models.CharField(max_length=20, choices=ZoneType.choices, default=ZoneType.OTHER)
    level = models.CharField(
        max_length=20, choices=Level.choices, blank=True, help_text="Leave empty when the zone is unidentified."
    )
    path = models.ForeignKey(
        DevelopmentPath,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parks",
        help_text="The article's grouping in section 4; empty for zones it does not group.",
    )
    established_year = models.PositiveSmallIntegerField(null=True, blank=True)
    national_year = models.PositiveSmallIntegerField(
        "year raised to national level", null=True, blank=True
    )
    area_km2 = models.DecimalField(
        "planned area (km²)", max_digits=10, decimal_places=4, null=True, blank=True
    )
    area_note = models.CharField(max_length=500, blank=True, help_text="What the area measures; sources often differ.")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE_RANGE[0]), MaxValueValidator(LONGITUDE_RANGE[1])],
    )
    coord_note = models.CharField("coordinates note", max_length=255, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="parks")
    description = models.TextField(blank=True, help_text="Markdown. HTML is sanitized before it reaches the page.")
    photo = ProcessedImageField(upload_to=park_photo_upload_to, blank=True)
    photo_alt = models.CharField("photo alt text", max_length=300, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="parks")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    notes = models.TextField(blank=True, help_text="Research notes shown on the park page.")
    is_published = models.BooleanField("published", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParkQuerySet.as_manager()
    # Industries and sources are recorded too, so a restored park gets them back.
    history = HistoricalRecords(m2m_fields=["industries", "sources"])

    class Meta:
        ordering = ["name_en"]
        permissions = [("publish_park", "Can publish or unpublish parks")]
        indexes = [
            models.Index(fields=["is_published", "name_en"], name="park_published_name"),
            models.Index(fields=["zone_type", "level"], name="park_type_level"),
            # The list's province and path filters, already in name order for the page (BENCHMARKS.md).
            models.Index(fields=["province", "path", "name_en"], name="park_province_path_name"),
            models.Index(fields=["path", "name_en"], name="park_path_name"),
        ]

    def __str__(self):
        return self.name_en

    def get_absolute_url(self):
        return reverse("parks:detail", args=[self.slug])

    def get_citation_url(self, fmt):
        return reverse("parks:cite", args=[self.slug, fmt])

    def csl_item(self):
        """This park as a catalogue record, in CSL-JSON terms (rendered by rustbelt/publishing/citations.py)."""
        name = f"{self.name_en} ({self.name_zh})" if self.name_zh else self.name_en
        return {
            "id": f"rustbeltparks-{self.slug}",
            "type": "dataset",
            "title": name,
            "container-title": CATALOGUE_TITLE,
            "abstract": f"Catalogue entry for {name}, {self.province}.",
            "issued": timezone.localdate(self.created_at),
            "modified": timezone.localdate(self.updated_at),
            "URL": self.get_absolute_url(),
        }

    @property
    def photo_srcset(self):
        return srcset(self.photo)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def zone_type_short(self):
        return ZONE_TYPE_SHORT.get(self.zone_type, self.get_zone_type_display())

    @property
    def industries_are_the_paths(self):
        """True when the industries are the article's list for the whole path, not for this park."""
        return bool(PATH_INDUSTRIES_NOTE.search(self.notes)) or "article's generic list" in self.notes

    def notes_for_readers(self):
        """The notes as HTML, without words meant for researchers, other parks' slugs linked by name."""
        text = PATH_INDUSTRIES_NOTE.sub("", self.notes).strip()
        slugs = PARK_SLUG_REFERENCE.findall(text)
        names = dict(Park.objects.published().filter(slug__in=slugs).values_list("slug", "name_en")) if slugs else {}
        parts, position = [], 0
        for match in PARK_SLUG_REFERENCE.finditer(text):
            slug = match.group(1)
            if slug in names:
                parts.append(escape(text[position:match.start(1)]))
                parts.append(format_html('<a href="{}">{}</a>', reverse("parks:detail", args=[slug]), names[slug]))
                position = match.end(1)
        parts.append(escape(text[position:]))
        return mark_safe("".join(parts).replace("\n", "<br>"))

    @property
    def coordinates_are_approximate(self):
        return coordinates_are_approximate(self.coord_note)

    @property
    def description_html(self):
        return render_markdown(self.description)

    def clean(self):
        errors = {}
        this_year = timezone.now().year
        for field in ("established_year", "national_year"):
            year = getattr(self, field)
            if year is not None and not EARLIEST_YEAR <= year <= this_year:
                errors[field] = f"Enter a year between {EARLIEST_YEAR} and {this_year}."
        if (
            self.established_year
            and self.national_year
            and "national_year" not in errors
            and self.national_year < self.established_year
        ):
            errors["national_year"] = "A zone cannot be raised to national level before it was established."
        if self.area_km2 is not None and self.area_km2 <= 0:
            errors["area_km2"] = "The area must be a positive number of km²."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        if self.photo and not self.photo_alt:
            errors["photo_alt"] = "Describe the photo for readers who cannot see it."
        if errors:
            raise ValidationError(errors)


class OfficialCount(Fingerprinted):
    """A count of zones the article states (section 3), to compare with the catalogue."""

    zone_type = models.CharField(max_length=20, choices=ZoneType.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    count = models.PositiveIntegerField()
    label = models.CharField(max_length=255, help_text="The article's wording, e.g. 'national-level high-tech industrial parks'.")
    source = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True, help_text="Known discrepancies with other sources.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "zone_type"]
        constraints = [
            models.UniqueConstraint(fields=["zone_type", "level"], name="unique_official_count"),
        ]

    @property
    def notes_for_readers(self):
        # The fact sheet points its researchers to its README; the Methodology page is the readers' version.
        return FACT_SHEET_README.sub("", self.notes)

    def __str__(self):
        return f"{self.get_level_display()} {self.get_zone_type_display()}: {self.count}"
