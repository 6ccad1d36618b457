"""The read-only API: published content only, the catalogue's own filters, problem+json errors."""

from collections import defaultdict
from decimal import Decimal
from hashlib import sha256
from http import HTTPStatus

from django.conf import settings
from django.db.models import DecimalField, F, IntegerField, Prefetch, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Article, DataSeries
from opendata import pagination, serializers
from opendata.pagination import SortKey
from opendata.problems import InvalidFilters, UnknownLanguage
from parks import schema
from parks.coverage import coverage_rows, missing_zones
from parks.exports import names_by_park
from parks.filters import ParkFilter
from parks.matrix import published_matrix
from parks.models import (
    ArticleMention,
    DevelopmentPath,
    FactSource,
    Industry,
    OfficialCount,
    Park,
    PathEvidence,
    Province,
    Source,
)
from publishing.bilingual import requested_language
from publishing.generation import cached_for_generation, current_generation

PROBLEM_DESCRIPTION = "Problem details (application/problem+json, RFC 9457)."
PROBLEM = OpenApiResponse(serializers.ProblemSerializer, description=PROBLEM_DESCRIPTION)
ERRORS = {400: PROBLEM, 404: PROBLEM, 429: PROBLEM}


def problem_example(name, request_path, status, detail, **extra):
    """A documented error; its description is the request that gives it (the tests send it)."""
    value = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request_path,
        **extra,
    }
    return OpenApiResponse(
        serializers.ProblemSerializer,
        description=PROBLEM_DESCRIPTION,
        examples=[
            OpenApiExample(
                name, value=value, description=f"GET {request_path}", response_only=True, status_codes=[str(status)]
            )
        ],
    )


UNKNOWN_PROVINCE = problem_example(
    "A province that is not in the catalogue",
    "/api/v1/parks/?province=atlantis",
    400,
    "Some filters were not understood, so no parks are shown. Correct or remove them.",
    errors=[
        {
            "parameter": "province",
            "label": "Province",
            "message": "Select a valid choice. That choice is not one of the available choices.",
        }
    ],
)
UNKNOWN_LANGUAGE = OpenApiExample(
    "A language the site does not have",
    value={
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "Unknown language in ?lang=. Use one of: en, zh-hans.",
        "instance": "/api/v1/parks/?lang=fr",
    },
    description="GET /api/v1/parks/?lang=fr",
    response_only=True,
    status_codes=["400"],
)
UNKNOWN_PROVINCE.examples.append(UNKNOWN_LANGUAGE)
UNKNOWN_SOURCE = problem_example(
    "No source of a published park has this id",
    "/api/v1/sources/2147483647/",
    404,
    "No source of a published park has this id.",
)
UNKNOWN_PARK = problem_example(
    "No published park has this slug", "/api/v1/parks/atlantis/", 404, "No published park has this slug."
)


class OpenDataMixin:
    """English unless `?lang=zh-hans` asks for Chinese (never Accept-Language: a script's locale must not
    change the data it gets). Last-Modified is the content generation's start, so clients revalidate with
    If-Modified-Since; the ETag (from the body) and the 304s come from Django's ConditionalGetMiddleware."""

    def initial(self, request, *args, **kwargs):
        language = requested_language(request)
        # Activated, not overridden: the response is rendered (lazy labels too) after the view returns;
        # LocaleMiddleware then sends it as Content-Language. The next request activates its own.
        translation.activate(language or settings.LANGUAGE_CODE)
        if language is None:
            raise UnknownLanguage()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["Last-Modified"] = http_date(current_generation().changed_at)
        return response


# The page lists parks with an unknown year, area or path last either way (parks/filters.py); a keyset
# cursor needs a value to compare, so an unknown sorts as a value beyond every real one.
YEAR = IntegerField()
UNKNOWN_LAST = {
    "established_year": (Value(9999), Value(-1), YEAR),
    "national_year": (Value(9999), Value(-1), YEAR),
    "path__order": (Value(2**31 - 1), Value(-1), YEAR),
    "area_km2": (Value(Decimal("1e9")), Value(Decimal("-1")), DecimalField(max_digits=14, decimal_places=4)),
}


def model_field(field_path):
    """The model field behind `province__name_en`-style paths: it reads a cursor's values back."""
    *relations, name = field_path.split("__")
    model = Park
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def sort_expression(field_name, descending):
    if field_name not in UNKNOWN_LAST:
        return F(field_name), model_field(field_name)
    high, low, output_field = UNKNOWN_LAST[field_name]
    return Coalesce(field_name, low if descending else high, output_field=output_field), output_field


def ordered_parks(filterset):
    """The filtered parks annotated with the page's sort keys (every `ordering` key, then name and pk)."""
    params = filterset.form.cleaned_data.get("ordering") or ["name"]
    param_map = filterset.filters["ordering"].param_map
    annotations, keys = {}, []
    for index, param in enumerate(params):
        descending = param.startswith("-")
        expression, field = sort_expression(param_map[param.lstrip("-")], descending)
        annotations[f"sort_{index}"] = expression
        keys.append(SortKey(f"sort_{index}", descending, field))
    # Name and pk break ties, as on the page; pk makes every position unique.
    keys += [SortKey("name_en", False, model_field("name_en")), SortKey("pk", False, model_field("id"))]
    return filterset.qs.annotate(**annotations), keys


ORDERING_PARAMETER = OpenApiParameter(
    "ordering",
    str,
    description="One key or several, comma-separated, as on the catalogue page "
    "(e.g. province,-established): name, province, established, national, area, name-zh, city, type, level, path; "
    "prefix - to reverse. Every key counts, then the name; parks with an unknown value come last either way, as on "
    "the page. The cursor links keep the order across pages.",
)


PARK_LIST_SCHEMA = extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Search names (English, Chinese, the article's) and cities."),
        OpenApiParameter("province", str, description="Province slug, e.g. jilin."),
        OpenApiParameter("path", str, description="Development path slug, or none for parks on no path."),
        OpenApiParameter("zone_type", str, description="etdz, htz, becz, mutual-trade, bonded, epz, other."),
        OpenApiParameter("level", str, description="national or provincial."),
        OpenApiParameter("industry", str, description="Industry slug."),
        ORDERING_PARAMETER,
        OpenApiParameter(
            "page_size",
            int,
            description=f"Parks per page, at most {settings.API_MAX_PAGE_SIZE} (default {settings.API_PAGE_SIZE}).",
        ),
        OpenApiParameter("cursor", str, description="Opaque; follow the next and previous links."),
    ],
    responses={200: serializers.ParkPageSerializer, **ERRORS, 400: UNKNOWN_PROVINCE},
    operation_id="parks_list",
)


def cacheable(request, filterset):
    """Whether a page of parks may be kept: only for a query of known parameters with usable values. The key
    is the address, so junk (an unknown parameter, a page size that is not a number) would add a key per request."""
    known = {*filterset.filters, "cursor", "page_size"}
    return set(request.GET) <= known and request.GET.get("page_size", "1").isdigit()


class ParkList(OpenDataMixin, APIView):
    """Published parks with the catalogue page's filters (the same FilterSet), facet counts and cursor pages.

    The rows are read with `.values()`, and industries and sources with one query each per page, so the
    number of queries does not grow with the catalogue.
    """

    @PARK_LIST_SCHEMA
    def get(self, request):
        filterset = ParkFilter(request.GET, queryset=Park.objects.published(), request=request)
        if not filterset.is_valid():
            raise InvalidFilters(filterset)
        if not cacheable(request, filterset):
            return Response(self.page(request, filterset))
        # A page of parks is kept per content generation and language, as the catalogue keeps its pages
        # of results (its fragment cache): a repeated request reads no park until the next save.
        key = "api-parks:" + sha256(request.get_full_path().encode()).hexdigest()
        return Response(cached_for_generation(key, lambda: self.page(request, filterset)))

    @staticmethod
    def page(request, filterset):
        parks, keys = ordered_parks(filterset)
        count = filterset.qs.count()
        size = pagination.page_size(request, settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE)
        sort_values = [key.alias for key in keys if key.alias.startswith("sort_")]
        page = pagination.KeysetPage(request, parks.values(*serializers.park_values(), *sort_values), keys, size)
        return {
            "count": count,
            "next": page.next_link,
            "previous": page.previous_link,
            "facets": [
                {
                    "name": facet.name,
                    "label": str(facet.label),
                    "choices": [{"value": c.value, "label": str(c.label), "count": c.count} for c in facet.choices],
                }
                for facet in filterset.facets()
            ],
            "results": park_records(page.rows, request),
        }


def park_records(page, request, detail=False):
    """The page's parks (`.values()` rows) as the API gives them, with their lists and per-fact sources:
    one query per list and one for the sources per fact, whatever the page size."""
    ids = [values["pk"] for values in page]
    source_url = serializers.link_maker(request, "api:source-detail", placeholder=SOURCE_ID_PLACEHOLDER)
    lists = {}
    for field in schema.fields(schema.API_DETAIL if detail else schema.API):
        if field.name == "sources":
            lists[field.name] = source_records(ids, source_url)
        elif field.is_list:
            lists[field.name] = names_by_park(field, ids)
    fact_sources = defaultdict(list)
    facts = FactSource.objects.filter(park_id__in=ids).order_by("park_id", "fact", "source__citation", "pk")
    for park_id, fact, source_id, note in facts.values_list("park_id", "fact", "source_id", "note"):
        fact_sources[park_id].append(
            {"fact": fact, "source": source_id, "source_url": source_url(str(source_id)), "note": note}
        )
    for values in page:
        values.update(
            {name: by_park.get(values["pk"], []) for name, by_park in lists.items()},
            fact_sources=fact_sources[values["pk"]],
        )
    context = {
        "request": request,
        "park_api_url": serializers.link_maker(request, "api:park-detail"),
        "park_html_url": serializers.link_maker(request, "parks:detail"),
    }
    return serializers.park_serializer(detail)(page, many=True, context=context).data


def source_records(ids, source_url):
    """{park id: [its sources as the API's records]}, in citation order."""
    sources = defaultdict(list)
    links = Park.sources.through.objects.filter(park_id__in=ids).order_by("source__citation")
    for park_id, source_id, citation, url in links.values_list(
        "park_id", "source_id", "source__citation", "source__url"
    ):
        sources[park_id].append(
            {"id": source_id, "citation": citation, "document_url": url, "url": source_url(str(source_id))}
        )
    return sources


# Reversed once per request with this id, then replaced by each source's (link_maker).
SOURCE_ID_PLACEHOLDER = "2147483647"


@extend_schema(responses={200: serializers.ParkDetailSerializer, **ERRORS, 404: UNKNOWN_PARK})
class ParkDetail(OpenDataMixin, APIView):
    """One published park, with its description (Markdown and HTML), research notes, the article's words placing
    it on its path (path evidence) and the article's wordings that mean it (mentions)."""

    def get(self, request, slug):
        parks = Park.objects.published().filter(slug=slug)
        values = parks.values(*serializers.park_values(detail=True), "photo", "photo_alt").first()
        if values is None:
            raise NotFound(_("No published park has this slug."))
        # An unsaved Park renders the description and the photo URL exactly as the page does, with no query.
        park = Park(description=values.get("description", ""), photo=values["photo"])
        values.update(
            description_html=str(park.description_html),
            photo_url=request.build_absolute_uri(park.photo.url) if park.photo else None,
            path_evidence=PathEvidence.objects.filter(park_id=values["pk"]).select_related("park", "path"),
            mentions=ArticleMention.objects.filter(park_id=values["pk"]),
        )
        row = park_records([values], request, detail=True)[0]
        return Response(row)


class SlugDetail(OpenDataMixin, RetrieveAPIView):
    lookup_field = "slug"


@extend_schema(responses={200: serializers.ProvinceSerializer(many=True), **ERRORS})
class ProvinceList(OpenDataMixin, ListAPIView):
    """Every province of the catalogue."""

    queryset = Province.objects.in_published_records()
    serializer_class = serializers.ProvinceSerializer


@extend_schema(responses={200: serializers.ProvinceSerializer, **ERRORS})
class ProvinceDetail(SlugDetail):
    queryset = Province.objects.in_published_records()
    serializer_class = serializers.ProvinceSerializer


def paths():
    # Each path's evidence, for published parks only, in one query for the whole list.
    evidence = PathEvidence.objects.filter(park__in=Park.objects.published()).select_related("park", "path")
    return (
        DevelopmentPath.objects.in_published_records()
        .select_related("article_section__article")
        .prefetch_related(Prefetch("evidence", queryset=evidence.order_by("park__name_en", "order", "pk")))
    )


@extend_schema(responses={200: serializers.PathSerializer(many=True), **ERRORS})
class PathList(OpenDataMixin, ListAPIView):
    """The article's development paths, each with the article subsection it comes from."""

    queryset = paths()
    serializer_class = serializers.PathSerializer


@extend_schema(responses={200: serializers.PathSerializer, **ERRORS})
class PathDetail(SlugDetail):
    queryset = paths()
    serializer_class = serializers.PathSerializer


@extend_schema(responses={200: serializers.SourceRecordSerializer(many=True), **ERRORS})
class SourceList(OpenDataMixin, ListAPIView):
    """The documents the published parks' facts come from; park records name them by id (fact_sources)."""

    queryset = Source.objects.cited_by_published()
    serializer_class = serializers.SourceRecordSerializer


@extend_schema(responses={200: serializers.SourceRecordSerializer, **ERRORS, 404: UNKNOWN_SOURCE})
class SourceDetail(OpenDataMixin, RetrieveAPIView):
    queryset = Source.objects.cited_by_published()
    serializer_class = serializers.SourceRecordSerializer

    def get_object(self):
        # DRF's message names the model ("No Source matches the given query."): say it as the site does.
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("No source of a published park has this id.")) from None


@extend_schema(responses={200: serializers.MissingZoneSerializer(many=True), **ERRORS})
class MissingZoneList(OpenDataMixin, ListAPIView):
    """National-level zones of the region the catalogue lacks (it is partial: the Coverage page)."""

    queryset = missing_zones()
    serializer_class = serializers.MissingZoneSerializer


@extend_schema(responses={200: serializers.IndustrySerializer(many=True), **ERRORS})
class IndustryList(OpenDataMixin, ListAPIView):
    """Every industry a park lists; `url` is the parks API filtered by it."""

    queryset = Industry.objects.in_published_parks()
    serializer_class = serializers.IndustrySerializer


@extend_schema(responses={200: serializers.OfficialCountSerializer(many=True), **ERRORS})
class OfficialCountList(OpenDataMixin, ListAPIView):
    """The zone counts the article states (section 3)."""

    queryset = OfficialCount.objects.all()
    serializer_class = serializers.OfficialCountSerializer


@extend_schema(responses={200: serializers.CoverageRowSerializer(many=True), **ERRORS})
class Coverage(OpenDataMixin, APIView):
    """The article's counts beside the catalogue's published parks of each type and level."""

    def get(self, request):
        return Response(serializers.CoverageRowSerializer(coverage_rows(), many=True).data)


@extend_schema(responses={200: serializers.MatrixSerializer, **ERRORS})
class Matrix(OpenDataMixin, APIView):
    """Published parks counted per province and development path ("none": on no path)."""

    def get(self, request):
        return Response({**published_matrix().as_dict(), "html_url": request.build_absolute_uri(reverse("parks:list"))})


def published_articles():
    return Article.objects.published()


@extend_schema(responses={200: serializers.ArticleSerializer(many=True), **ERRORS})
class ArticleList(OpenDataMixin, ListAPIView):
    """Published articles."""

    queryset = published_articles()
    serializer_class = serializers.ArticleSerializer


@extend_schema(responses={200: serializers.ArticleDetailSerializer, **ERRORS})
class ArticleDetail(SlugDetail):
    """A published article with its sections in reading order, as Markdown and sanitized HTML."""

    queryset = published_articles()
    serializer_class = serializers.ArticleDetailSerializer


def published_series():
    return DataSeries.objects.for_charts().filter(article__in=published_articles())


@extend_schema(responses={200: serializers.DataSeriesSerializer(many=True), **ERRORS})
class SeriesList(OpenDataMixin, ListAPIView):
    """The numbers the article states, one series per chart, with their points."""

    queryset = published_series()
    serializer_class = serializers.DataSeriesSerializer


@extend_schema(responses={200: serializers.DataSeriesSerializer, **ERRORS})
class SeriesDetail(SlugDetail):
    queryset = published_series()
    serializer_class = serializers.DataSeriesSerializer


class ApiRoot(OpenDataMixin, APIView):
    """Where everything is."""

    @extend_schema(exclude=True)
    def get(self, request):
        names = [
            "park-list",
            "source-list",
            "province-list",
            "path-list",
            "industry-list",
            "official-count-list",
            "coverage",
            "missing-zone-list",
            "matrix",
            "article-list",
            "series-list",
            "schema",
            "docs",
        ]
        return Response({name: request.build_absolute_uri(reverse(f"api:{name}")) for name in names})
