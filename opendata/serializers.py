"""What each API record looks like. The declared fields are the OpenAPI document; the park list builds
its rows from `.values()` dicts directly (`park_row`), and a test checks both name the same keys."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, DataPoint, DataSeries, EditorialNote, Section
from parks.models import (
    ArticleMention, Confidence, DevelopmentPath, Fact, Industry, Level, MissingZone, OfficialCount, PathEvidence,
    Province, Source, ZoneType,
)


def link_maker(request, url_name, placeholder="__slug__"):
    """slug -> absolute URL, reversing once per request instead of once per row."""
    template = request.build_absolute_uri(reverse(url_name, args=[placeholder]))
    return lambda slug: template.replace(placeholder, slug, 1)


def number(value):
    # Decimal -> float, as the JSON export writes it (no padding zeros).
    return float(value) if value is not None else None


class ProblemErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    label = serializers.CharField(help_text="The parameter's name on the catalogue page's form.")
    message = serializers.CharField(help_text="The catalogue page's message for it.")


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details (served as application/problem+json)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False, help_text="The request's path and query.")
    errors = ProblemErrorSerializer(many=True, required=False, help_text="One entry per parameter not understood.")


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The source's id in /api/v1/sources/.")
    citation = serializers.CharField()
    document_url = serializers.CharField(help_text="Link to the document, when known; empty otherwise.")
    url = serializers.URLField(help_text="This source in the API.")


class FactSourceSerializer(serializers.Serializer):
    fact = serializers.ChoiceField(choices=Fact.choices, help_text="Which fact of the park the source gives.")
    source = serializers.IntegerField(help_text="The source's id.")
    source_url = serializers.URLField(help_text="The source in the API.")
    note = serializers.CharField(help_text="What the source says, or why it is cited for this fact; may be empty.")


class ParkSerializer(serializers.Serializer):
    """A published park; every fact as the catalogue page shows it."""

    slug = serializers.SlugField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField(help_text="Chinese name; empty when unknown.")
    article_name = serializers.CharField(help_text="The name as the article writes it, where it differs.")
    province = serializers.SlugField(help_text="Province slug (see /api/v1/provinces/).")
    province_name_en = serializers.CharField()
    province_name_zh = serializers.CharField()
    city = serializers.CharField()
    zone_type = serializers.ChoiceField(choices=ZoneType.choices)
    zone_type_label = serializers.CharField()
    level = serializers.ChoiceField(choices=[*Level.choices, ("", "Not identified")])
    level_label = serializers.CharField()
    path = serializers.SlugField(
        allow_null=True, help_text="Development path slug; null when the article groups it on none."
    )
    path_name = serializers.CharField(allow_null=True)
    established_year = serializers.IntegerField(allow_null=True)
    national_year = serializers.IntegerField(allow_null=True, help_text="Year raised to national level.")
    area_km2 = serializers.FloatField(allow_null=True, help_text="Planned area in km²; see area_note.")
    area_note = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    coord_note = serializers.CharField()
    confidence = serializers.ChoiceField(choices=[*Confidence.choices, ("", "Not stated")])
    industries = serializers.ListField(child=serializers.CharField(), help_text="Leading industries (names).")
    sources = SourceSerializer(many=True, help_text="The documents this park's facts come from.")
    fact_sources = FactSourceSerializer(
        many=True, help_text="Provenance per fact: which source gives which fact (empty where not yet recorded)."
    )
    url = serializers.URLField(help_text="This record in the API.")
    html_url = serializers.URLField(help_text="This park's page on the site.")


class ArticlePlaceSerializer(serializers.ModelSerializer):
    """A record that quotes the article: where in it (path evidence, mentions)."""

    section = serializers.CharField(source="section_slug", help_text="The article section's anchor.")
    html_url = serializers.SerializerMethodField(help_text="That section on the article page.")

    def get_html_url(self, anchored) -> str:
        # The records name their place in the article as data (parks does not import articles).
        return self.context["request"].build_absolute_uri(anchored.article_url)


class PathEvidenceSerializer(ArticlePlaceSerializer):
    park = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    path = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = PathEvidence
        fields = ["park", "path", "kind", "kind_label", "quote", "reason", "confidence", "section", "html_url"]
        extra_kwargs = {"quote": {"help_text": "The article's sentence(s), word for word."},
                        "reason": {"help_text": "For an inferred placement: why the editors read it so."}}


class MentionSerializer(ArticlePlaceSerializer):
    class Meta:
        model = ArticleMention
        fields = ["key", "wording", "confidence", "reason", "section", "html_url"]
        extra_kwargs = {"wording": {"help_text": "The article's words for this zone, exactly."}}


class ParkDetailSerializer(ParkSerializer):
    description = serializers.CharField(help_text="Markdown.")
    description_html = serializers.CharField(help_text="The description as sanitized HTML.")
    notes = serializers.CharField(help_text="Research notes.")
    photo_url = serializers.URLField(allow_null=True)
    photo_alt = serializers.CharField()
    path_evidence = PathEvidenceSerializer(
        many=True, help_text="Why the park is on its path: the article's words, named or inferred by the editors."
    )
    mentions = MentionSerializer(many=True, help_text="The article's wordings that mean this park.")


class SourceRecordSerializer(serializers.ModelSerializer):
    """A document the published parks' facts come from."""

    kind_label = serializers.CharField(source="get_kind_display")
    document_url = serializers.CharField(source="url", help_text="Link to the document, when known; empty otherwise.")
    url = serializers.SerializerMethodField(help_text="This source in the API.")

    class Meta:
        model = Source
        fields = ["id", "citation", "publisher", "issued", "language", "kind", "kind_label", "document_url", "url"]
        extra_kwargs = {"issued": {"help_text": "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source; may be empty."}}

    def get_url(self, source) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:source-detail", args=[source.pk]))


class MissingZoneSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    zone_type_label = serializers.CharField(source="get_zone_type_display")

    class Meta:
        model = MissingZone
        fields = ["name_en", "province", "zone_type", "zone_type_label", "note"]
        extra_kwargs = {"note": {"help_text": "Why it is not in the catalogue yet."}}


PARK_VALUES = [
    "pk", "slug", "name_en", "name_zh", "article_name", "province__slug", "province__name_en", "province__name_zh",
    "city", "zone_type", "level", "path__slug", "path__name", "established_year", "national_year", "area_km2",
    "area_note", "latitude", "longitude", "coord_note", "confidence",
]


def choice_labels():
    """Zone type and level labels in the request's language, translated once per page rather than per row."""
    return ({value: str(label) for value, label in ZoneType.choices},
            {value: str(label) for value, label in Level.choices})


def park_row(values, industries, sources, fact_sources, api_url, html_url, labels):
    """One park from its `.values(*PARK_VALUES)` dict, without a model instance (the list is values-based)."""
    slug = values["slug"]
    zone_type_labels, level_labels = labels
    return {
        "slug": slug,
        "name_en": values["name_en"],
        "name_zh": values["name_zh"],
        "article_name": values["article_name"],
        "province": values["province__slug"],
        "province_name_en": values["province__name_en"],
        "province_name_zh": values["province__name_zh"],
        "city": values["city"],
        "zone_type": values["zone_type"],
        "zone_type_label": zone_type_labels.get(values["zone_type"], ""),
        "level": values["level"],
        "level_label": level_labels.get(values["level"], ""),
        "path": values["path__slug"],
        "path_name": values["path__name"],
        "established_year": values["established_year"],
        "national_year": values["national_year"],
        "area_km2": number(values["area_km2"]),
        "area_note": values["area_note"],
        "latitude": number(values["latitude"]),
        "longitude": number(values["longitude"]),
        "coord_note": values["coord_note"],
        "confidence": values["confidence"],
        "industries": industries,
        "sources": sources,
        "fact_sources": fact_sources,
        "url": api_url(slug),
        "html_url": html_url(slug),
    }


class FacetChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The value to pass as the filter parameter.")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Parks this value gives, combined with the other filters.")


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The filter parameter.")
    label = serializers.CharField()
    choices = FacetChoiceSerializer(many=True)


class ParkPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Parks matching the filters (all pages).")
    next = serializers.URLField(allow_null=True, help_text="The next page (cursor), or null on the last one.")
    previous = serializers.URLField(allow_null=True)
    facets = FacetSerializer(many=True)
    results = ParkSerializer(many=True)


class LinkedModelSerializer(serializers.ModelSerializer):
    """`url` (API) and `html_url` (page) from the view's URL names."""

    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    api_url_name = ""

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse(self.api_url_name, args=[obj.slug]))

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class ProvinceSerializer(LinkedModelSerializer):
    api_url_name = "api:province-detail"
    parks_url = serializers.SerializerMethodField()

    class Meta:
        model = Province
        fields = ["slug", "name_en", "name_zh", "capital", "notes", "url", "html_url", "parks_url"]

    def get_parks_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:park-list") + f"?province={obj.slug}")


class SectionLinkSerializer(serializers.ModelSerializer):
    # The published English heading: `title` would follow the request's language (django-modeltranslation).
    title = serializers.CharField(source="title_en", read_only=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = ["slug", "title", "html_url"]

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class PathSerializer(LinkedModelSerializer):
    api_url_name = "api:path-detail"
    article_section = SectionLinkSerializer(allow_null=True, help_text="The article subsection this path comes from.")
    parks_url = serializers.SerializerMethodField()
    evidence = PathEvidenceSerializer(
        many=True, help_text="Why each published park is on this path: the article's words, named or inferred."
    )

    class Meta:
        model = DevelopmentPath
        fields = ["slug", "name", "name_zh", "order", "summary", "article_section", "evidence", "url", "html_url",
                  "parks_url"]

    def get_parks_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:park-list") + f"?path={obj.slug}")


class IndustrySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField(help_text="The catalogue filtered by this industry.")

    class Meta:
        model = Industry
        fields = ["slug", "name", "url", "html_url"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:park-list") + f"?industry={obj.slug}")

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("parks:list") + f"?industry={obj.slug}")


class OfficialCountSerializer(serializers.ModelSerializer):
    zone_type_label = serializers.CharField(source="get_zone_type_display")
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = OfficialCount
        fields = ["zone_type", "zone_type_label", "level", "level_label", "count", "label", "source", "notes"]


class CoverageRowSerializer(serializers.Serializer):
    zone_type = serializers.CharField()
    zone_type_label = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    official_count = serializers.IntegerField(source="official.count", allow_null=True, default=None)
    official_source = serializers.CharField(source="official.source", allow_null=True, default=None)
    catalogued = serializers.IntegerField(help_text="Published parks of this type and level in the catalogue.")
    difference = serializers.IntegerField(allow_null=True, help_text="Catalogued minus official.")
    parks = serializers.SerializerMethodField()

    def get_parks(self, row) -> list[str]:
        return [park.slug for park in row.parks]


class MatrixRowSerializer(serializers.Serializer):
    province = serializers.SlugField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Parks per path slug.")
    total = serializers.IntegerField()


class MatrixColumnSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class MatrixSerializer(serializers.Serializer):
    columns = MatrixColumnSerializer(many=True)
    rows = MatrixRowSerializer(many=True)
    column_totals = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    html_url = serializers.URLField()


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    body_html = serializers.CharField(help_text="The body as sanitized HTML.")
    # The published English heading: `title` would follow the request's language (django-modeltranslation).
    title = serializers.CharField(source="title_en", read_only=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = ["slug", "title", "order", "parent", "body", "body_html", "html_url"]
        extra_kwargs = {"body": {"help_text": "Markdown."}}

    def get_html_url(self, obj) -> str:
        # The article is the one being serialized: avoid a query per section for section.article.
        return self.context["request"].build_absolute_uri(self.context["article_url"] + f"#{obj.slug}")


class ArticleSerializer(LinkedModelSerializer):
    api_url_name = "api:article-detail"

    class Meta:
        model = Article
        fields = ["slug", "title", "author", "series", "episode", "publication", "summary", "published_at", "url",
                  "html_url"]


class EditorialNoteSerializer(serializers.ModelSerializer):
    section = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")
    data_series = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    html_url = serializers.SerializerMethodField(help_text="The note on the article page.")

    class Meta:
        model = EditorialNote
        fields = ["key", "kind", "kind_label", "section", "passage", "corrected_wording", "text", "data_series",
                  "html_url"]
        extra_kwargs = {
            "passage": {"help_text": "The article's words the note is attached to, exactly."},
            "corrected_wording": {"help_text": "For a correction: what the source's wording should read."},
            "data_series": {"help_text": "A data series with the same numbers, if any."},
        }

    def get_html_url(self, note) -> str:
        return self.context["request"].build_absolute_uri(self.context["article_url"] + f"#{note.anchor}")


class ArticleDetailSerializer(ArticleSerializer):
    sections = serializers.SerializerMethodField()
    editorial_notes = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "sections", "editorial_notes"]

    @extend_schema_field(EditorialNoteSerializer(many=True))
    def get_editorial_notes(self, article):
        """The editors' notes and corrections, in reading order; the sections' text is never changed."""
        notes = EditorialNote.objects.filter(section__article=article).select_related("section", "data_series")
        context = {**self.context, "article_url": article.get_absolute_url()}
        return EditorialNoteSerializer(notes.order_by("section__order", "section__pk", "order", "pk"), many=True,
                                       context=context).data

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, article):
        context = {**self.context, "article_url": article.get_absolute_url()}
        # Parents are already fetched with the sections (select_related in the view).
        return SectionSerializer(article.sections.order_by("order", "pk").select_related("parent"), many=True,
                                 context=context).data


class DataPointSerializer(serializers.ModelSerializer):
    value = serializers.FloatField()
    value_high = serializers.FloatField(allow_null=True, help_text="Upper end of a range; null for a single value.")

    class Meta:
        model = DataPoint
        fields = ["label", "value", "value_high", "note"]


class DataSeriesSerializer(serializers.ModelSerializer):
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    section = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    points = DataPointSerializer(many=True)
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    csv_url = serializers.SerializerMethodField()

    class Meta:
        model = DataSeries
        fields = ["slug", "name", "unit", "label_title", "kind", "source_sentence", "source", "caption",
                  "lower_is_better", "article", "section", "points", "url", "html_url", "csv_url"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:series-detail", args=[obj.slug]))

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_csv_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("articles:series-csv", args=[obj.article.slug, obj.slug])
        )
