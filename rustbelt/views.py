from hashlib import sha256
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.i18n import set_language

from articles.models import Article
from parks.search import did_you_mean, expanded_terms
from publishing.generation import cached_for_generation
from rustbelt.search import SearchForm
from rustbelt.search import search as site_search


def home(request):
    # One-off page mixing the article and the catalogue, so a plain function.
    return render(request, "home.html", {"articles": Article.objects.published()})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def search(request):
    # Empty is a fresh search box (200); an unusable query is the visitor's error (400), explained.
    form = SearchForm(request.GET)
    query, results, expansions, suggestion, status = "", [], [], "", 200
    if form.is_valid():
        query = form.cleaned_data["q"]
        groups = expanded_terms(query)
        # Kept per content generation and language, as the catalogue keeps a page of its results (its
        # fragment cache): a repeated search reads no section and no park until the next save.
        key = "search:" + sha256(query.encode()).hexdigest()
        results = cached_for_generation(key, lambda: site_search(query, groups))
        # The other names the gazetteer added, so the reader sees why a result matched.
        expansions = [name for names in groups for name in names[1:]]
        if query and not results:
            suggestion = did_you_mean(query)
    else:
        status = 400
    context = {"form": form, "query": query, "results": results, "expansions": expansions, "suggestion": suggestion}
    return render(request, "search.html", context, status=status)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    # Browsers and crawlers ask for /favicon.ico whatever the page says; send them to the hashed file.
    return redirect(static("rustbelt/favicon.svg"), permanent=True)


def switch_language(request):
    """Django's set_language, with `next` read in the language of its own prefix.

    set_language translates `next` by resolving it in the active language, which on this unprefixed
    address is the visitor's cookie or Accept-Language: an English reader on a shared /zh-hans/ link
    (no cookie) pressing "English" was sent back to the Chinese page, its prefix not resolving in English.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    if language:
        translation.activate(language)
    return set_language(request)
