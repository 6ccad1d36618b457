"""What each API record looks like; the serializers make both the answers and the OpenAPI document."""

import functools

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, DataPoint, DataSeries, EditorialNote, Section
from parks import schema
from parks.models import (
    ArticleMention,
    DevelopmentPath,
    Fact,
    Industry,
    MissingZone,
    OfficialCount,
    PathEvidence,
    Province,
    Source,
)


def link_maker(request, url_name, placeholder="__slug__"):
    """slug -> absolute URL, reversing once per request instead of once per row."""
    template = request.build_absolute_uri(reverse(url_name, args=[placeholder]))
    return lambda slug: template.replace(placeholder, slug, 1)


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


@extend_schema_field(serializers.CharField())
class ChoiceLabel(serializers.ReadOnlyField):
    """A coded value's label in the request's language."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices.choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, ""))


class ParkRecordSerializer(serializers.Serializer):
    """A published park, read from `.values()` rows (`park_values`): its fields are the schema's
    (parks/schema.py, made by `park_serializer`), then per-fact sources and links."""

    def get_url(self, values) -> str:
        return self.context["park_api_url"](values["slug"])

    def get_html_url(self, values) -> str:
        return self.context["park_html_url"](values["slug"])


def record_fields(field):
    """{API key: serializer field} for one schema field: a related record by slug and its names, a coded
    value with its label, a list of names (sources as records)."""
    optional = {} if field.required else {"allow_null": True}
    help_text = {"help_text": field.description} if field.description else {}
    name = field.name
    if field.names and not field.is_list:
        return {
            name: serializers.SlugField(source=f"{name}__slug", **optional, **help_text),
            **{f"{name}_{part}": serializers.CharField(source=f"{name}__{part}", **optional) for part in field.names},
        }
    if field.choices:
        blank = [] if field.required else [("", "Empty: not known")]
        return {
            name: serializers.ChoiceField(choices=[*field.choices.choices, *blank], **help_text),
            f"{name}_label": ChoiceLabel(field.choices, source=name),
        }
    if name == "sources":
        return {name: SourceSerializer(many=True, **help_text)}
    if field.is_list:
        return {name: serializers.ListField(child=serializers.CharField(), **help_text)}
    kind = {
        schema.INTEGER: serializers.IntegerField,
        schema.NUMBER: serializers.FloatField,
        schema.BOOLEAN: serializers.BooleanField,
        schema.DATE: serializers.DateField,
    }
    return {name: kind.get(field.type, serializers.CharField)(**optional, **help_text)}


def park_values(detail=False):
    """What `.values()` reads for the API's park records (lists are read apart: views.park_records)."""
    values = ["pk", "slug"]
    for field in schema.fields(schema.API_DETAIL if detail else schema.API):
        if field.names and not field.is_list:
            values += [f"{field.name}__slug", *(f"{field.name}__{part}" for part in field.names)]
        elif not field.is_list:
            values.append(field.name)
    return list(dict.fromkeys(values))


@functools.cache
def park_serializer_for(fields, detail):
    declared = {}
    for field in fields:
        declared.update(record_fields(field))
    declared.update(record_links())
    if detail:
        declared.update(detail_extras())
    return type("ParkDetailSerializer" if detail else "ParkSerializer", (ParkRecordSerializer,), declared)


def park_serializer(detail=False):
    """The API's park record as the schema declares it now (one class per schema, made once)."""
    return park_serializer_for(tuple(schema.fields(schema.API_DETAIL if detail else schema.API)), detail)


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
        extra_kwargs = {
            "quote": {"help_text": "The article's sentence(s), word for word."},
            "reason": {"help_text": "For an inferred placement: why the editors read it so."},
        }


class MentionSerializer(ArticlePlaceSerializer):
    class Meta:
        model = ArticleMention
        fields = ["key", "wording", "confidence", "reason", "section", "html_url"]
        extra_kwargs = {"wording": {"help_text": "The article's words for this zone, exactly."}}


def record_links():
    # Made with the schema's fields: a serializer orders its fields as they were made.
    return {
        "fact_sources": FactSourceSerializer(
            many=True, help_text="Provenance per fact: which source gives which fact (empty where not yet recorded)."
        ),
        "url": serializers.SerializerMethodField(help_text="This record in the API."),
        "html_url": serializers.SerializerMethodField(help_text="This park's page on the site."),
    }


def detail_extras():
    return {
        "description_html": serializers.CharField(help_text="The description as sanitized HTML."),
        "photo_url": serializers.URLField(allow_null=True),
        "photo_alt": serializers.CharField(),
        "path_evidence": PathEvidenceSerializer(
            many=True, help_text="Why the park is on its path: the article's words, named or inferred by the editors."
        ),
        "mentions": MentionSerializer(many=True, help_text="The article's wordings that mean this park."),
    }


ParkSerializer = park_serializer()
ParkDetailSerializer = park_serializer(detail=True)


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
        fields = [
            "slug",
            "name",
            "name_zh",
            "order",
            "summary",
            "article_section",
            "evidence",
            "url",
            "html_url",
            "parks_url",
        ]

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
        fields = [
            "slug",
            "title",
            "author",
            "series",
            "episode",
            "publication",
            "summary",
            "published_at",
            "url",
            "html_url",
        ]


class EditorialNoteSerializer(serializers.ModelSerializer):
    section = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display")
    data_series = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    html_url = serializers.SerializerMethodField(help_text="The note on the article page.")

    class Meta:
        model = EditorialNote
        fields = [
            "key",
            "kind",
            "kind_label",
            "section",
            "passage",
            "corrected_wording",
            "text",
            "data_series",
            "html_url",
        ]
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
        return EditorialNoteSerializer(
            notes.order_by("section__order", "section__pk", "order", "pk"), many=True, context=context
        ).data

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, article):
        context = {**self.context, "article_url": article.get_absolute_url()}
        # Parents are already fetched with the sections (select_related in the view).
        return SectionSerializer(
            article.sections.order_by("order", "pk").select_related("parent"), many=True, context=context
        ).data


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
        fields = [*DataSeries.OPEN_FIELDS, "article", "section", "points", "url", "html_url", "csv_url"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:series-detail", args=[obj.slug]))

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_csv_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("articles:series-csv", args=[obj.article.slug, obj.slug])
        )
