"""The catalogue's pages (list, park, province, path, coverage) and its downloads."""

import json
import re
from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from parks import exports
from parks.coverage import coverage_rows, missing_zones, province_coverage, unidentified_mentions
from parks.filters import (
    SEARCH_MAX_LENGTH,
    ParkFilter,
    catalogue_heading,
    filter_chips,
    query_with,
    query_without,
    table_columns,
    view_of,
)
from parks.matrix import published_matrix
from parks.models import DevelopmentPath, Kind, Park, PathEvidence, Province
from parks.provenance import park_record
from parks.search import did_you_mean
from publishing.bilingual import download_language, language_filename
from publishing.citations import citation_download
from publishing.exports import csv_download, export_metadata, json_download
from publishing.generation import cached_for_generation

PAGE_NUMBER = re.compile(r"^-?\d{1,9}$")
MATRIX_TITLE = gettext_lazy("Published parks by province and development path")
MATRIX_SOURCE = gettext_lazy("Rust Belt Parks catalogue of Northeast China's industrial parks")
NEIGHBOURS_SHOWN = 12


def map_settings():
    # Handed to parks/map.js through data- attributes: no inline script (CSP).
    return {"tile_url": settings.PARKS_MAP_TILE_URL, "tile_attribution": settings.PARKS_MAP_TILE_ATTRIBUTION}


class ParkListView(FilterView):
    filterset_class = ParkFilter
    paginate_by = 24
    template_name = "parks/park_list.html"
    # Invalid parameters give an empty list and say why, rather than silently showing every park.
    strict = True

    def get_queryset(self):
        return Park.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        # Out-of-range or malformed page numbers show the nearest real page with a notice, never a 404/500.
        paginator = self.get_paginator(queryset, page_size)
        # The catalogue without parameters is unbound (not "valid") and lists every park.
        if not self.filterset.is_bound or self.filterset.is_valid():
            # The number of matches, like the facet counts, is counted once per content generation and
            # filter set: at 10k parks a search's count scans as many rows as the page itself.
            paginator.count = cached_for_generation(self.filterset.match_count_cache_name(), queryset.count)
        requested = self.request.GET.get("page", "")
        self.page_notice = ""
        number = int(requested) if PAGE_NUMBER.match(requested) else None
        if requested and number is None:
            self.page_notice = _("That page number was not understood, so this is page 1.")
            number = 1
        elif number is None:
            number = 1
        elif number < 1:
            self.page_notice = _("Page numbers start at 1, so this is page 1.")
            number = 1
        elif number > paginator.num_pages:
            self.page_notice = _("There is no page %(number)s; this is the last page, %(last)s.") % {
                "number": number,
                "last": paginator.num_pages,
            }
            number = paginator.num_pages
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def render_to_response(self, context, **response_kwargs):
        # Filters not understood: the page says which, over an empty list, as the 400 any invalid input gets.
        if self.filterset.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_query"] = query_without(self.request.GET, "page")
        # Exports and the map take the filters only, not the page or the view.
        context["export_query"] = query_without(self.request.GET, "page", "view")
        filterset = self.filterset
        view = view_of(self.request.GET)
        facets = filterset.facets()
        context.update(
            {
                "page_notice": self.page_notice,
                "facets": facets,
                "province_facet": facets[0],
                "search_max_length": SEARCH_MAX_LENGTH,
                "chips": filter_chips(filterset, self.request.GET),
                # The map fetches every filtered park from map.json; the page itself carries only the
                # points of the parks it lists, so its size does not grow with the catalogue. The template
                # calls this only when the results' cached fragment is not there: a repeat visit reads no park.
                "map_points": partial(exports.map_points_of, context["page_obj"]),
                "map_points_url": f"{reverse('parks:map-data')}?{context['export_query']}",
                "heading": catalogue_heading(filterset, context["paginator"].count),
                "view": view,
                "cards_query": query_without(self.request.GET, "page", "view"),
                "table_query": query_with(self.request.GET, view="table"),
                "table_columns": table_columns(self.request.GET) if view == "table" else [],
                "map": map_settings(),
                "paths": DevelopmentPath.objects.in_published_records(),
                "suggestion": self.suggestion(context["paginator"].count),
            }
        )
        return context

    def suggestion(self, count):
        """For a search that found nothing: the same words, nearer the catalogue's names, and their link."""
        query = self.filterset.active_values.get("q", "") if self.filterset.is_valid() else ""
        suggested = did_you_mean(query) if query and not count else ""
        return {"text": suggested, "query": query_with(self.request.GET, q=suggested)} if suggested else None


class ParkDetailView(DetailView):
    template_name = "parks/park_detail.html"
    context_object_name = "park"

    def get_queryset(self):
        # The path's article link needs its section and the section's article.
        return Park.objects.visible_to(self.request.user).for_listing().select_related("path__article_section__article")

    def get_context_data(self, **kwargs):
        park = self.object
        context = super().get_context_data(**kwargs)
        neighbours = Park.objects.published().exclude(pk=park.pk).only("slug", "name_en", "name_zh").in_name_order()
        # A handful of neighbours; the province and path pages list them all.
        context["province_neighbours"] = neighbours.in_province(park.province.slug)[:NEIGHBOURS_SHOWN]
        context["path_neighbours"] = neighbours.on_path(park.path.slug)[:NEIGHBOURS_SHOWN] if park.path else None
        context["map"] = map_settings()
        # Called by the template only when the page's cached record is missing.
        context["read_record"] = partial(park_record, park)
        if park.has_coordinates:
            context["map_points"] = exports.map_points_of([park])
        return context


class CatalogueIndexMixin:
    """Province and path pages link to each other: both list every province and path.

    Their parks come a page at a time, as in the catalogue: a province holds thousands of them.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provinces"] = Province.objects.in_published_records()
        context["paths"] = DevelopmentPath.objects.in_published_records()
        return context

    def parks_page(self, parks):
        paginator = Paginator(parks, ParkListView.paginate_by)
        # Counting a province's thousands of parks reads them all; the count changes only with the content.
        paginator.count = cached_for_generation(
            f"park-count:{self.object._meta.model_name}:{self.object.pk}", parks.count
        )
        # get_page() shows the nearest real page for a missing, malformed or out-of-range number.
        page = paginator.get_page(self.request.GET.get("page"))
        return {"parks": page.object_list, "page_obj": page, "is_paginated": page.has_other_pages()}


class ProvinceDetailView(CatalogueIndexMixin, DetailView):
    queryset = Province.objects.in_published_records()
    template_name = "parks/province_detail.html"
    context_object_name = "province"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            self.parks_page(Park.objects.published().in_province(self.object.slug).for_listing().in_name_order())
        )
        return context


class PathDetailView(CatalogueIndexMixin, DetailView):
    template_name = "parks/path_detail.html"
    context_object_name = "development_path"

    def get_queryset(self):
        return DevelopmentPath.objects.in_published_records().select_related("article_section__article")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = list(PathEvidence.objects.filter(path=self.object, park__is_published=True).for_listing())
        context["named_evidence"] = group_by_quote(item for item in evidence if item.kind == Kind.NAMED)
        context["inferred_evidence"] = group_by_quote(item for item in evidence if item.kind == Kind.INFERRED)
        on_path = Park.objects.published().on_path(self.object.slug)
        context["park_count"] = cached_for_generation(f"path-park-count:{self.object.pk}", on_path.count)
        # The parks the quotes name are not listed again: a page at a time of those no quote names.
        quoted = {item.park_id for item in evidence}
        others = self.parks_page(on_path.exclude(pk__in=quoted).for_listing().in_name_order())
        context.update(others, other_parks=others["parks"])
        return context


def group_by_quote(evidence):
    """[(the quote's first evidence, [each park's evidence under it])]: each quote once, in the order met."""
    grouped = {}
    for item in evidence:
        grouped.setdefault(item.quote, {}).setdefault(item.park_id, item)
    return [(next(iter(items.values())), list(items.values())) for items in grouped.values()]


def filtered_parks_or_error(request):
    """The parks the request's filters select, or a 400 response explaining what was not understood."""
    # Exports and the map read plain values (parks/exports.py): nothing to select or prefetch.
    filterset = ParkFilter(request.GET, queryset=Park.objects.published())
    if not filterset.is_valid():
        message = exports.error_text(filterset)
        return filterset, HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return filterset, None


@download_language
def export_csv(request):
    filterset, error = filtered_parks_or_error(request)
    if error:
        return error
    response = StreamingHttpResponse(exports.csv_lines(filterset.qs, request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{language_filename(filterset.export_filename())}.csv"'
    return response


@download_language
def export_json(request):
    filterset, error = filtered_parks_or_error(request)
    if error:
        return error
    response = StreamingHttpResponse(
        exports.json_chunks(filterset, request),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{language_filename(filterset.export_filename())}.json"'
    return response


@download_language
def export_xlsx(request):
    filterset, error = filtered_parks_or_error(request)
    if error:
        return error
    response = HttpResponse(exports.xlsx_workbook(filterset, request), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{language_filename(filterset.export_filename())}.xlsx"'
    return response


def map_data(request):
    """Every park the filters select that has coordinates, for the list page's map.

    Built once per content generation and set of filters, for every visitor (signed in or not).
    """
    filterset, error = filtered_parks_or_error(request)
    if error:
        return error
    # Names follow the page's language, so each language keeps its own copy.
    body = cached_for_generation(
        filterset.cache_name(f"park-map:{get_language()}"),
        lambda: json.dumps(exports.map_data(filterset.qs), ensure_ascii=False),
    )
    return HttpResponse(body, content_type="application/json")


def matrix_metadata(request):
    return export_metadata(request, str(MATRIX_TITLE), reverse("parks:list"), str(MATRIX_SOURCE))


@download_language
def matrix_csv(request):
    matrix = published_matrix()
    return csv_download("parks-by-province-and-path", matrix.header, matrix.table(), matrix_metadata(request))


@download_language
def matrix_json(request):
    matrix = published_matrix()
    return json_download("parks-by-province-and-path", matrix_metadata(request), matrix.as_dict())


def coverage(request):
    # The template reads these only when its cached fragment is missing.
    context = {
        "read_rows": partial(coverage_rows, listed=Park.objects.published().filter(level="")),
        "read_by_province": province_coverage,
        "unidentified": unidentified_mentions(),
        "missing": missing_zones(),
    }
    return render(request, "parks/coverage.html", context)


def park_cite(request, slug, fmt):
    park = get_object_or_404(Park.objects.published().for_listing(), slug=slug)
    return citation_download(request, park, fmt)


def methodology(request):
    return render(request, "parks/methodology.html", {"coverage_url": reverse("parks:coverage")})
