"""A release's pages as they were: its article, its parks, its files, and what changed since another release."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article, Section
from parks import schema
from parks.models import Park
from publishing.citations import citation_download
from releases import changes, printing
from releases.article import article_sections
from releases.citations import ReleasedRecord, released
from releases.corrections import SuggestionForm, over_limit
from releases.models import Kind, Release

PARKS_PER_PAGE = 500


def release_or_404(number):
    return get_object_or_404(Release, number=number)


@require_safe
def release_list(request):
    return render(request, "releases/release_list.html", {"releases": Release.objects.all()})


@require_safe
def release_detail(request, number):
    release = release_or_404(number)
    context = {
        "release": release,
        "articles": release.records(Kind.ARTICLE).values(),
        "park_count": release.entries.filter(kind=Kind.PARK).count(),
        "files": release.files.all(),
        "previous": release.previous(),
    }
    return render(request, "releases/release_detail.html", context)


@require_safe
def release_article(request, number, slug):
    release = release_or_404(number)
    article = release.record(Kind.ARTICLE, slug)
    if article is None:
        raise Http404("This release has no such article.")
    sections, _notes = article_sections(release, slug)
    context = {
        "release": release,
        "article": article,
        "sections": sections,
        "record": ReleasedRecord(release, Kind.ARTICLE, article),
        "live_url": reverse("articles:detail", args=[slug]),
    }
    return render(request, "releases/release_article.html", context)


@require_safe
def release_parks(request, number):
    release = release_or_404(number)
    entries = release.entries.filter(kind=Kind.PARK).order_by("position").values_list("key", "frozen__data__name_en")
    page = Paginator(entries, PARKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "releases/release_parks.html", {"release": release, "page": page})


def park_rows(record):
    """(label, value) of each field the release's record has, in the schema's order."""
    rows = []
    for field in schema.fields(schema.API):
        if field.name not in record:
            continue
        value = record[field.name]
        if field.names and not field.is_list:
            value = record.get(f"{field.name}_{field.names[0]}") or ""
        elif field.choices:
            value = record.get(f"{field.name}_label") or value or ""
        elif field.name == "sources":
            continue
        elif field.is_list:
            value = "; ".join(value)
        rows.append((field.label, "" if value is None else value))
    return rows


@require_safe
def release_park(request, number, slug):
    release = release_or_404(number)
    park = release.record(Kind.PARK, slug)
    if park is None:
        raise Http404("This release has no such park.")
    context = {
        "release": release,
        "park": park,
        "rows": park_rows(park),
        "record": ReleasedRecord(release, Kind.PARK, park),
        "live_url": reverse("parks:detail", args=[slug]),
    }
    return render(request, "releases/release_park.html", context)


@require_safe
def release_file(request, number, name):
    release = release_or_404(number)
    stored = get_object_or_404(release.files, name=name)
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{release.number}-{name}",
        content_type=stored.content_type,
    )
    # A release's file never changes: any cache may keep it.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def compared(older_number, newer_number):
    newer = release_or_404(newer_number)
    older = release_or_404(older_number) if older_number else newer.previous()
    return older, newer


def changes_page(request, older, newer):
    context = {"older": older, "newer": newer, "changes": changes.between(older, newer)}
    return render(request, "releases/changes.html", context)


def changes_json(older, newer):
    data = {"from": older.number if older else None, "to": newer.number, **changes.between(older, newer)}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
def release_changes(request, number):
    older, newer = compared(None, number)
    return changes_page(request, older, newer)


@require_safe
def release_changes_json(request, number):
    return changes_json(*compared(None, number))


@require_safe
def compare(request, older, newer):
    return changes_page(request, *compared(older, newer))


@require_safe
def compare_json(request, older, newer):
    return changes_json(*compared(older, newer))


def released_or_404(number, kind, slug):
    record = released(release_or_404(number), kind, slug)
    if record is None:
        raise Http404("This release has no such record.")
    return record


@require_safe
def article_cite(request, number, slug, fmt):
    """The article's citation, or one section's with ?section=<its anchor>."""
    record = released_or_404(number, Kind.ARTICLE, slug)
    if "section" in request.GET:
        record.section = record.release.record(Kind.SECTION, f"{slug}/{request.GET['section']}")
        if record.section is None:
            raise Http404("This release's article has no such section.")
    return citation_download(request, record, fmt)


@require_safe
def park_cite(request, number, slug, fmt):
    return citation_download(request, released_or_404(number, Kind.PARK, slug), fmt)


# A suggestion's fields fit well within this; anything larger is not a reader's form.
SUGGESTION_MAX_BYTES = 16 * 1024


def suggestion_page(request, kind, key, target):
    """The form (GET), or a suggestion received (POST): saved for review, never shown back."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > SUGGESTION_MAX_BYTES:
        return render(request, "releases/suggestion_refused.html", {"target": target}, status=413)
    form = SuggestionForm(request.POST or None, kind=kind)
    if request.method == "POST":
        if over_limit(request):
            return render(request, "releases/suggestion_refused.html", {"target": target, "too_many": True}, status=429)
        if form.is_valid():
            # A filled honeypot is a bot's: it is thanked like anyone, and nothing is kept.
            if not form.cleaned_data["website"]:
                form.instance.kind, form.instance.key = kind, key
                form.save()
            return redirect("releases:suggestion-received")
    return render(request, "releases/suggestion_form.html", {"form": form, "target": target, "kind": kind})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_park(request, slug):
    park = get_object_or_404(Park.objects.published(), slug=slug)
    return suggestion_page(request, Kind.PARK, park.slug, park)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_section(request, article, section):
    found = get_object_or_404(
        Section.objects.filter(article__in=Article.objects.published()).select_related("article"),
        article__slug=article,
        slug=section,
    )
    return suggestion_page(request, Kind.SECTION, f"{article}/{section}", found)


@require_safe
def suggestion_received(request):
    return render(request, "releases/suggestion_received.html")


@require_safe
def article_pdf(request, number, slug, language):
    release = release_or_404(number)
    if language not in printing.LANGUAGES:
        raise Http404("No such edition.")
    # Made with the release (releases.snapshot.freeze), never on request.
    stored = get_object_or_404(release.files, name=printing.pdf_name(slug, language))
    response = FileResponse(
        stored.file.open("rb"), filename=f"{release.number}-{stored.name}", content_type=stored.content_type
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
