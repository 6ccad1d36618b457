import re
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords

from publishing.bilingual import is_chinese, other, pick
from publishing.images import ProcessedImageField, srcset
from publishing.markdown import render_markdown
from publishing.models import Fingerprinted, Versioned

# Northeast China with Inner Mongolia's Hohhot and Manzhouli: anything outside is a typo.
LATITUDE_RANGE = (37, 54)
LONGITUDE_RANGE = (105, 136)
EARLIEST_YEAR = 1980
CATALOGUE_TITLE = "Catalogue of Northeast China's industrial parks"
# The filter value, and the matrix column, for parks the article groups into no development path.
NO_PATH = "none"


def pinyin_key(text):
    """Toneless pinyin without spaces or apostrophes, lower case: 哈尔滨, Hā'ěrbīn and Ha er bin give haerbin.

    ü is written v, as on a pinyin keyboard (绿 is lv); other letters and digits are kept.
    """
    plain = unicodedata.normalize("NFKD", "".join(lazy_pinyin(text, style=Style.NORMAL)).lower())
    plain = plain.replace("u\u0308", "v").replace("ü", "v")
    return "".join(char for char in plain if char.isalnum())


def park_pinyin(name, city, aliases):
    """A park's pinyin key: its name's first, so Chinese lists sorted by it are in name order."""
    return " ".join(filter(None, [pinyin_key(name), pinyin_key(city), *(pinyin_key(a) for a in aliases.split(";"))]))


class ZoneType(models.TextChoices):
    ETDZ = "etdz", _("Economic & technological development zone")
    HTZ = "htz", _("High-tech industrial development zone")
    BECZ = "becz", _("Border economic cooperation zone")
    MUTUAL_TRADE = "mutual-trade", _("Mutual market trade zone")
    BONDED = "bonded", _("Comprehensive bonded zone")
    # The customs areas comprehensive bonded zones replace: bonded zones, bonded port areas, logistics parks.
    BONDED_AREA = "bonded-area", _("Bonded zone, bonded port area or bonded logistics park")
    EPZ = "epz", _("Export processing zone")
    NEW_AREA = "new-area", _("National new area")
    FTZ_AREA = "ftz-area", _("Free-trade-zone area")
    OTHER = "other", _("Other")


# The table view's narrow Type column: the abbreviations the zones' own names use.
ZONE_TYPE_SHORT = {
    ZoneType.ETDZ: pgettext_lazy("zone type, short", "ETDZ"),
    ZoneType.HTZ: pgettext_lazy("zone type, short", "HTZ"),
    ZoneType.BECZ: pgettext_lazy("zone type, short", "BECZ"),
    ZoneType.MUTUAL_TRADE: pgettext_lazy("zone type, short", "Mutual trade"),
    ZoneType.BONDED: pgettext_lazy("zone type, short", "Bonded"),
    ZoneType.EPZ: pgettext_lazy("zone type, short", "EPZ"),
    ZoneType.BONDED_AREA: pgettext_lazy("zone type, short", "Bonded area"),
    ZoneType.NEW_AREA: pgettext_lazy("zone type, short", "New area"),
    ZoneType.FTZ_AREA: pgettext_lazy("zone type, short", "FTZ area"),
    ZoneType.OTHER: pgettext_lazy("zone type, short", "Other"),
}


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another zone")
    UPGRADED = "upgraded", _("Upgraded to another zone")
    ABOLISHED = "abolished", _("Abolished")


class AreaKind(models.TextChoices):
    """What an area figure measures: sources give several, and they differ widely."""

    PLANNED = "planned", _("Planned area")
    APPROVED = "approved", _("Approved area")
    MANAGED = "managed", _("Area under management")


ZONE_TYPE_LABELS = dict(ZoneType.choices)
LEVEL_LABELS = dict(Level.choices)


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ProvinceQuerySet(models.QuerySet):
    def in_published_records(self):
        """Provinces a published park or a missing zone (the Coverage page) is in: a province added with a
        draft park stays unpublished with it."""
        return self.filter(
            models.Exists(Park.objects.published().filter(province=models.OuterRef("pk")))
            | models.Exists(MissingZone.objects.filter(province=models.OuterRef("pk")))
        )


class Province(Fingerprinted):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    capital = models.CharField(_("capital"), max_length=100, blank=True)
    capital_zh = models.CharField(
        _("capital (Chinese)"), max_length=100, blank=True, help_text=_("The city's standard Chinese name.")
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_zh = models.TextField(
        _("notes (Chinese)"),
        blank=True,
        help_text=_("A translation reviewed by a researcher; empty shows the English notes on Chinese pages."),
    )
    # Filled on save: Chinese pages list provinces in pinyin order.
    pinyin = models.CharField(
        _("pinyin"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("The Chinese name's pinyin, without tones or spaces."),
    )
    objects = ProvinceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_key(self.name_zh or self.name_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "pinyin"}
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return pick(self.name_en, self.name_zh)

    @property
    def other_name(self):
        return other(self.name_zh)

    @property
    def display_capital(self):
        return pick(self.capital, self.capital_zh)

    @property
    def capital_line(self):
        """ "Capital: Shenyang" (省会); an autonomous region's seat of government is its 首府, not a 省会."""
        if self.name_zh.endswith("自治区"):
            return _("Regional capital: %(capital)s") % {"capital": self.display_capital}
        return _("Capital: %(capital)s") % {"capital": self.display_capital}

    @property
    def display_notes(self):
        return pick(self.notes, self.notes_zh)

    def get_absolute_url(self):
        return reverse("parks:province", args=[self.slug])


EDITORS_TRANSLATION = _("The editors' translation; empty shows the English on Chinese pages.")


class DevelopmentPathQuerySet(models.QuerySet):
    def in_published_records(self):
        """Paths a published park is on, or is placed on by the article's evidence: a path added with a draft
        park stays unpublished with it."""
        published = Park.objects.published()
        return self.filter(
            models.Exists(published.filter(path=models.OuterRef("pk")))
            | models.Exists(PathEvidence.objects.filter(path=models.OuterRef("pk"), park__in=published))
        )


class DevelopmentPath(Fingerprinted):
    """One of the article's three paths for updating the Rust Belt (section 4)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=100,
        blank=True,
        help_text=_("The editors' translation: the article is only available in English."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    summary = models.TextField(_("summary"), help_text=_("A short explanation in the article's words."))
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    name_zh_by_editors = models.BooleanField(
        _("Chinese name is the editors' translation"),
        default=True,
        help_text=_("Untick only once the author's own Chinese term is known from a source."),
    )
    industries_quote = models.TextField(
        _("the article's industries"),
        blank=True,
        help_text=_("The article's list of this group's leading industries, word for word."),
    )
    article_section = models.ForeignKey(
        "articles.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development_paths",
        verbose_name=_("article section"),
        help_text=_("The article subsection that describes this path."),
    )
    objects = DevelopmentPathQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("development path")
        verbose_name_plural = _("development paths")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return pick(self.name, self.name_zh)

    @property
    def other_name(self):
        return other(self.name_zh)

    @property
    def display_summary(self):
        return pick(self.summary, self.summary_zh)

    @property
    def name_is_translation(self):
        """Chinese pages mark the path's name as the editors' translation."""
        return self.display_name == self.name_zh and self.name_zh != self.name

    def get_absolute_url(self):
        return reverse("parks:path", args=[self.slug])


class IndustryQuerySet(models.QuerySet):
    def in_published_parks(self):
        """Industries a published park lists: one named only by a draft stays unpublished with it."""
        return self.filter(
            models.Exists(
                Park.industries.through.objects.filter(industry=models.OuterRef("pk"), park__is_published=True)
            )
        )


class Industry(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_zh = models.CharField(
        _("Chinese name"), max_length=120, blank=True, help_text=_("The editors' translation of the English name.")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    objects = IndustryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return pick(self.name, self.name_zh)


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("The article")
    NEWS = "news", _("News report")
    GOVERNMENT = "government", _("Government document or notice")
    JOURNAL = "journal", _("Journal article")
    ENCYCLOPEDIA = "encyclopedia", _("Encyclopedia entry")
    PROFILE = "profile", _("Zone profile or directory")
    CHRONICLE = "chronicle", _("Local chronicle")
    ESTIMATE = "estimate", _("Editors' estimate (ours, not a document)")
    OTHER = "other", _("Other")


class SourceQuerySet(models.QuerySet):
    def cited_by_published(self):
        """Sources of published parks, as a whole or for one fact, and of the known totals: the open data lists
        these (opendata/)."""
        published = Park.objects.published()
        return self.filter(
            models.Q(parks__in=published)
            | models.Q(fact_sources__park__in=published)
            | models.Q(zone_totals__isnull=False)
        ).distinct()


class Source(Fingerprinted):
    """A document a park's facts come from; each fact says which sources give it (FactSource)."""

    citation = models.CharField(
        _("title"),
        max_length=500,
        unique=True,
        help_text=_("The document's title or, when it has none, a description."),
    )
    citation_zh = models.CharField(
        _("title (Chinese)"),
        max_length=500,
        blank=True,
        help_text=_("The editors' translation of an English title or description; a Chinese title stays in the title."),
    )
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    issued = models.CharField(
        _("date"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{4}(-\d{2}(-\d{2})?)?$", _("Write YYYY, YYYY-MM or YYYY-MM-DD."))],
        help_text=_("Only as precise as the source itself gives it; leave empty when unknown."),
    )
    url = models.URLField(_("URL"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Language code of the document: en, zh, ru…")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["citation"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.citation

    @property
    def translated_citation(self):
        """On Chinese pages, the editors' translation shown beside the title as recorded (empty on English pages)."""
        return self.citation_zh if is_chinese() else ""


class Fact(models.TextChoices):
    """The facts of a park that must each carry their sources."""

    LEVEL = "level", _("Level")
    ESTABLISHED_YEAR = "established_year", _("Year established")
    NATIONAL_YEAR = "national_year", _("Year raised to national level")
    AREA = "area", _("Area")
    COORDINATES = "coordinates", _("Coordinates")
    INDUSTRIES = "industries", _("Leading industries")
    PATH = "path", _("Development path")
    STATUS = "status", _("Status")
    NAME_ZH = "name_zh", _("Chinese name")


class Kind(models.TextChoices):
    NAMED = "named", _("Named: the article names this zone in that path")
    INFERRED = "inferred", _("Inferred: the editors' reading, not the article's words")


# The fact sheet's notes address its researchers by column name; readers get a sentence instead
# (shown beside the industries) and links where a note names another park by its slug.
PATH_INDUSTRIES_NOTE = re.compile(
    r"\s*leading_industries is the article's group-level list for the [\w-]+ pat\w*(?:, not park-specific)?\.?"
)
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

    def with_coordinates(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def search(self, text, groups=None):
        """Parks matching the words of `text` (parks/search.py): the site's search and the catalogue's `?q=`
        find the same parks. `groups` are the words with their other names, when the caller has them."""
        from parks.search import park_match

        return self.filter(park_match(text, groups))

    def in_name_order(self):
        """By name in the page's language: Chinese pages in pinyin order, not by code point."""
        return self.order_by(name_order(), "pk")


def name_order():
    """The field a list sorted by name is sorted by in the page's language."""
    return "pinyin" if is_chinese() else "name_en"


def park_photo_upload_to(instance, filename):
    # Generated names: the uploader's file name never reaches the disk.
    return f"parks/{uuid.uuid4().hex}.jpg"


class Park(Fingerprinted, Versioned):
    name_en = models.CharField(_("English name"), max_length=255)
    name_zh = models.CharField(_("Chinese name"), max_length=255, blank=True)
    article_name = models.CharField(
        _("name in the article"),
        max_length=255,
        blank=True,
        help_text=_("The name as the article writes it, where it differs."),
    )
    # Loaded from parks/content/aliases.csv, the one record of them (with where each comes from).
    aliases = models.CharField(
        _("short forms"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Short forms in common use (e.g. 哈高新), separated by semicolons; search finds the park by them."),
    )
    # Filled on save: search compares pinyin with it and Chinese pages sort by it.
    pinyin = models.CharField(
        _("pinyin"),
        max_length=600,
        blank=True,
        editable=False,
        help_text=_("The Chinese name's pinyin, then the city's and the short forms', without tones or spaces."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="parks", verbose_name=_("province"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_zh = models.CharField(
        _("city (Chinese)"), max_length=100, blank=True, help_text=_("The city's standard Chinese name.")
    )
    zone_type = models.CharField(_("zone type"), max_length=20, choices=ZoneType.choices, default=ZoneType.OTHER)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Level.choices,
        blank=True,
        help_text=_("Leave empty when the zone is unidentified."),
    )
    path = models.ForeignKey(
        DevelopmentPath,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parks",
        verbose_name=_("development path"),
        help_text=_("The article's grouping in section 4; empty for zones it does not group."),
    )
    established_year = models.PositiveSmallIntegerField(_("established year"), null=True, blank=True)
    national_year = models.PositiveSmallIntegerField(_("year raised to national level"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        blank=True,
        help_text=_("Empty when no source gives it."),
    )
    status_year = models.PositiveSmallIntegerField(
        _("year of status"), null=True, blank=True, help_text=_("When the zone was merged, upgraded or abolished.")
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("became"),
        help_text=_("The zone it was merged into or upgraded to, where catalogued."),
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=4, null=True, blank=True)
    area_kind = models.CharField(
        _("kind of area"),
        max_length=10,
        choices=AreaKind.choices,
        blank=True,
        help_text=_("What the area figure measures; empty when the source does not say."),
    )
    area_note = models.CharField(
        _("area note"), max_length=500, blank=True, help_text=_("What the area measures; sources often differ.")
    )
    area_note_zh = models.CharField(_("area note (Chinese)"), max_length=500, blank=True, help_text=EDITORS_TRANSLATION)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE_RANGE[0]), MaxValueValidator(LONGITUDE_RANGE[1])],
    )
    coord_note = models.CharField(_("coordinates note"), max_length=255, blank=True)
    coord_note_zh = models.CharField(
        _("coordinates note (Chinese)"), max_length=255, blank=True, help_text=EDITORS_TRANSLATION
    )
    coordinates_approximate = models.BooleanField(
        _("coordinates are approximate"),
        default=False,
        help_text=_("Ticked when the position stands in for the zone (a city centre), not a surveyed location."),
    )
    industries = models.ManyToManyField(Industry, blank=True, related_name="parks", verbose_name=_("industries"))
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown. HTML is sanitized before it reaches the page.")
    )
    photo = ProcessedImageField(_("photo"), upload_to=park_photo_upload_to, blank=True)
    photo_alt = models.CharField(_("photo alt text"), max_length=300, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="parks", verbose_name=_("sources"))
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Research notes shown on the park page."))
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParkQuerySet.as_manager()
    # Industries and sources are recorded too, so a restored park gets them back.
    history = HistoricalRecords(m2m_fields=["industries", "sources"])

    class Meta:
        ordering = ["name_en"]
        permissions = [("publish_park", "Can publish or unpublish parks")]
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        indexes = [
            models.Index(fields=["is_published", "name_en"], name="park_published_name"),
            models.Index(fields=["zone_type", "level"], name="park_type_level"),
            # The list's province and path filters, already in name order for the page (BENCHMARKS.md).
            models.Index(fields=["province", "path", "name_en"], name="park_province_path_name"),
            models.Index(fields=["path", "name_en"], name="park_path_name"),
            # A province page walks its parks in name order; the catalogue's first page walks the
            # published ones (SQLite cannot use park_published_name for a bare `WHERE is_published`).
            models.Index(fields=["province", "name_en"], name="park_province_name"),
            models.Index(fields=["name_en"], condition=models.Q(is_published=True), name="park_published_by_name"),
            # The coverage page lists the parks of no identified level (a few among thousands).
            models.Index(fields=["level", "name_en"], name="park_level_name"),
        ]

    def __str__(self):
        return self.name_en

    def save(self, *args, **kwargs):
        self.pinyin = park_pinyin(self.name_zh or self.name_en, self.city_zh, self.aliases)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "pinyin"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("parks:detail", args=[self.slug])

    def get_citation_url(self, fmt):
        return reverse("parks:cite", args=[self.slug, fmt])

    def csl_item(self):
        """This park as a record of the catalogue, which the site compiles and publishes (CSL-JSON item).

        Its version is the record's last-modified date; the catalogue gives no other date.
        """
        name = f"{self.name_en} ({self.name_zh})" if self.name_zh else self.name_en
        return {
            "id": f"rustbeltparks-{self.slug}",
            "type": "dataset",
            "title": name,
            # The site by the name its reader knows: 锈带园区 in a Chinese page's citation.
            "author": [{"literal": gettext(settings.SITE_NAME)}],
            "publisher": gettext(settings.SITE_NAME),
            "container-title": CATALOGUE_TITLE,
            "version": f"{timezone.localdate(self.updated_at):%Y-%m-%d}",
            "language": "en",
            "abstract": f"Catalogue entry for {name}, {self.province}.",
            "license": f"{settings.CONTENT_LICENSE} {settings.CONTENT_LICENSE_URL}",
            "URL": self.get_absolute_url(),
        }

    @property
    def display_name(self):
        return pick(self.name_en, self.name_zh)

    @property
    def other_name(self):
        """The Chinese name beside the English one on English pages; on Chinese pages, the English one."""
        return other(self.name_zh) or (self.name_en if self.name_zh and self.display_name == self.name_zh else "")

    @property
    def display_city(self):
        return pick(self.city, self.city_zh)

    # A link preview (og:title, og:description), in the page's language; the citation (csl_item) stays English.
    @property
    def share_title(self):
        if not self.other_name:
            return self.display_name
        return (
            f"{self.display_name}{pgettext('opening bracket', ' (')}{self.other_name}{pgettext('closing bracket', ')')}"
        )

    @property
    def share_description(self):
        return gettext("Catalogue entry for %(name)s, %(province)s.") % {
            "name": self.share_title,
            "province": self.province.display_name,
        }

    @property
    def national_year_label(self):
        """The national-level year's label for this zone: "raised to" only when a source gives an earlier
        founding year; a zone national from the start was approved at that level, never upgraded."""
        if self.established_year and self.national_year and self.national_year > self.established_year:
            return pgettext_lazy("a zone upgraded after its founding", "Year raised to national level")
        return _("Year approved at national level")

    @property
    def name_lang(self):
        """` lang="en" translate="no"` where a Chinese page shows the English name (no source gives a Chinese one)."""
        return mark_safe(' lang="en" translate="no"') if is_chinese() and not self.name_zh else ""

    @property
    def display_name_html(self):
        """The name in the page's language, marked as English where it is."""
        return (
            format_html("<span{}>{}</span>", self.name_lang, self.display_name) if self.name_lang else self.display_name
        )

    @property
    def photo_srcset(self):
        return srcset(self.photo)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    # Django's get_FOO_display() hashes every choice's label, which translates each of them on every
    # call: a fifth of a catalogue card's time. A lookup by value gives the same label.
    def get_zone_type_display(self):
        return str(ZONE_TYPE_LABELS.get(self.zone_type, self.zone_type))

    def get_level_display(self):
        return str(LEVEL_LABELS.get(self.level, self.level))

    @property
    def zone_type_short(self):
        return ZONE_TYPE_SHORT.get(self.zone_type, self.get_zone_type_display())

    @property
    def industries_are_the_paths(self):
        """True when the industries are the article's list for the whole path, not for this park."""
        return bool(PATH_INDUSTRIES_NOTE.search(self.notes)) or "article's generic list" in self.notes

    def notes_for_readers(self):
        """The notes as HTML, without words meant for researchers, other parks' slugs linked by name; on Chinese
        pages the editors' translation where there is one."""
        text = pick(PATH_INDUSTRIES_NOTE.sub("", self.notes).strip(), self.notes_zh)
        slugs = PARK_SLUG_REFERENCE.findall(text)
        rows = (
            Park.objects.published().filter(slug__in=slugs).values_list("slug", "name_en", "name_zh") if slugs else []
        )
        names = {slug: pick(name_en, name_zh) for slug, name_en, name_zh in rows}
        parts, position = [], 0
        for match in PARK_SLUG_REFERENCE.finditer(text):
            slug = match.group(1)
            if slug in names:
                parts.append(escape(text[position : match.start(1)]))
                parts.append(format_html('<a href="{}">{}</a>', reverse("parks:detail", args=[slug]), names[slug]))
                position = match.end(1)
        parts.append(escape(text[position:]))
        return mark_safe("".join(parts).replace("\n", "<br>"))

    @property
    def coordinates_are_approximate(self):
        return self.coordinates_approximate

    @property
    def description_html(self):
        return render_markdown(self.description)

    def clean(self):
        errors = {}
        this_year = timezone.now().year
        for field in ("established_year", "national_year"):
            year = getattr(self, field)
            if year is not None and not EARLIEST_YEAR <= year <= this_year:
                errors[field] = _("Enter a year between %(earliest)s and %(latest)s.") % {
                    "earliest": EARLIEST_YEAR,
                    "latest": this_year,
                }
        if (
            self.established_year
            and self.national_year
            and "national_year" not in errors
            and self.national_year < self.established_year
        ):
            errors["national_year"] = _("A zone cannot be raised to national level before it was established.")
        if self.area_km2 is not None and self.area_km2 <= 0:
            errors["area_km2"] = _("The area must be a positive number of km².")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.photo and not self.photo_alt:
            errors["photo_alt"] = _("Describe the photo for readers who cannot see it.")
        if errors:
            raise ValidationError(errors)


class OfficialCount(Fingerprinted, Versioned):
    """A count of zones the article states (section 3), to compare with the catalogue."""

    zone_type = models.CharField(_("zone type"), max_length=20, choices=ZoneType.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    count = models.PositiveIntegerField(_("count"))
    label = models.CharField(
        _("label"),
        max_length=255,
        help_text=_("The article's wording, e.g. 'national-level high-tech industrial parks'."),
    )
    label_zh = models.CharField(
        _("label (Chinese)"),
        max_length=255,
        blank=True,
        help_text=_("The editors' translation of the article's wording (the article is in English)."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Known discrepancies with other sources."))
    notes_zh = models.TextField(
        _("notes (Chinese)"),
        blank=True,
        help_text=_("A translation reviewed by a researcher; empty shows the English notes on Chinese pages."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "zone_type"]
        constraints = [
            models.UniqueConstraint(fields=["zone_type", "level"], name="unique_official_count"),
        ]
        verbose_name = _("official count")
        verbose_name_plural = _("official counts")

    @property
    def notes_for_readers(self):
        # The fact sheet points its researchers to its README; the Methodology page is the readers' version.
        return pick(FACT_SHEET_README.sub("", self.notes), self.notes_zh)

    def __str__(self):
        return f"{self.get_level_display()} {self.get_zone_type_display()}: {self.count}"

    @property
    def display_label(self):
        return pick(self.label, self.label_zh)

    @property
    def label_is_translation(self):
        return self.display_label == self.label_zh and self.label_zh != self.label

    @property
    def display_notes(self):
        return pick(self.notes, self.notes_zh)


class FactSource(Fingerprinted):
    """One source for one fact of a park, with what it says about it (per-fact provenance)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="fact_sources", verbose_name=_("park"))
    fact = models.CharField(_("fact"), max_length=20, choices=Fact.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="fact_sources", verbose_name=_("source"))
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("What the source says, or why it is cited for this fact.")
    )
    note_zh = models.CharField(_("note (Chinese)"), max_length=500, blank=True, help_text=EDITORS_TRANSLATION)
    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "fact", "pk"]
        verbose_name = _("fact source")
        verbose_name_plural = _("fact sources")
        constraints = [
            models.UniqueConstraint(fields=["park", "fact", "source"], name="unique_source_per_park_fact"),
        ]

    def __str__(self):
        return f"{self.park}: {self.get_fact_display()} — {self.source}"


class ArticleAnchor(models.Model):
    """A place in the article, stored as data (article and section slugs): parks does not import articles."""

    article_slug = models.SlugField(_("article slug"), max_length=120)
    section_slug = models.SlugField(
        _("section anchor"), max_length=120, help_text=_("The section's anchor on the article page.")
    )

    class Meta:
        abstract = True

    @property
    def article_url(self):
        return reverse("articles:detail", args=[self.article_slug]) + f"#{self.section_slug}"


class PathEvidenceQuerySet(models.QuerySet):
    def named(self):
        return self.filter(kind=Kind.NAMED)

    def inferred(self):
        return self.filter(kind=Kind.INFERRED)

    def for_listing(self):
        # Each park's evidence together (two parks may share a name), for the path page's {% regroup %}.
        return self.select_related("park", "path").order_by("park__name_en", "park", "order")


class PathEvidence(ArticleAnchor, Fingerprinted):
    """Why a park sits on a path: the article's sentence, quoted exactly, and whether it names the zone."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="path_evidence", verbose_name=_("park"))
    path = models.ForeignKey(
        DevelopmentPath, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("development path")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    quote = models.TextField(_("quote"), help_text=_("The article's sentence(s), word for word."))
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("For an inferred placement: why the editors read it so.")
    )
    reason_zh = models.TextField(_("reason (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = PathEvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["park", "order", "pk"]
        verbose_name = _("path evidence")
        verbose_name_plural = _("path evidence")

    def __str__(self):
        return f"{self.park} → {self.path} ({self.get_kind_display()})"

    @property
    def display_reason(self):
        return pick(self.reason, self.reason_zh)

    def clean(self):
        if self.kind == Kind.INFERRED and not self.reason.strip():
            raise ValidationError({"reason": _("Say why the editors place this zone here.")})


class ArticleMentionQuerySet(models.QuerySet):
    def unidentified(self):
        return self.filter(park__isnull=True)

    def identified(self):
        return self.filter(park__isnull=False)


class ArticleMention(ArticleAnchor, Fingerprinted):
    """The article's wording for a zone, linked to the real zone it most likely means (or to none)."""

    key = models.SlugField(
        _("key"), max_length=120, unique=True, help_text=_("Identifies a shipped mention for load_content.")
    )
    wording = models.CharField(_("wording"), max_length=255, help_text=_("The article's words, exactly."))
    park = models.ForeignKey(
        Park,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
        verbose_name=_("park"),
        help_text=_("The real zone meant; empty when it cannot be identified."),
    )
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why this zone (or why none) is meant."))
    reason_zh = models.TextField(_("reason (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ArticleMentionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("article mention")
        verbose_name_plural = _("article mentions")

    def __str__(self):
        return f"“{self.wording}” ({self.section_slug})"

    @property
    def display_reason(self):
        return pick(self.reason, self.reason_zh)


class MissingZone(Fingerprinted):
    """A national-level zone of the region the catalogue lacks: listed so readers know it is partial."""

    name_en = models.CharField(_("English name"), max_length=255, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=255, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="missing_zones", verbose_name=_("province")
    )
    zone_type = models.CharField(_("zone type"), max_length=20, choices=ZoneType.choices)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why it is not in the catalogue yet (e.g. no source read).")
    )
    note_zh = models.TextField(_("note (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province__name_en", "name_en"]
        verbose_name = _("missing zone")
        verbose_name_plural = _("missing zones")

    def __str__(self):
        return self.name_en

    @property
    def display_name(self):
        return pick(self.name_en, self.name_zh)

    @property
    def display_note(self):
        return pick(self.note, self.note_zh)


class ZoneTotal(Fingerprinted):
    """How many national zones of one type a province has, as a published list or count gives it.

    The coverage page puts it beside the catalogue's count; an empty count means no source checked gives one.
    """

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="zone_totals", verbose_name=_("province")
    )
    zone_type = models.CharField(_("zone type"), max_length=20, choices=ZoneType.choices)
    count = models.PositiveIntegerField(
        _("known total"), null=True, blank=True, help_text=_("Empty when no source checked gives a total.")
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="zone_totals",
        verbose_name=_("source"),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What the source counts, and as of when."))
    note_zh = models.TextField(_("note (Chinese)"), blank=True, help_text=EDITORS_TRANSLATION)
    history = HistoricalRecords()

    class Meta:
        ordering = ["province__name_en", "zone_type"]
        constraints = [
            models.UniqueConstraint(fields=["province", "zone_type"], name="unique_zone_total"),
        ]
        verbose_name = _("known total")
        verbose_name_plural = _("known totals")

    def __str__(self):
        return f"{self.province}: {self.get_zone_type_display()}"

    @property
    def display_note(self):
        return pick(self.note, self.note_zh)
