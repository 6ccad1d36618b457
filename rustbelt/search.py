"""Site search over article sections and parks, in English and Chinese.

PostgreSQL: full-text search ('simple' configuration, so no English stemming mangles park names)
ranked with SearchRank and highlighted with SearchHeadline. Chinese has no spaces between words,
so a whole phrase like 吉林 is one token there; substring matching (icontains) finds it on every
database and is the whole search on SQLite, ranked by where the words matched.

Each word is first expanded with the bilingual gazetteer (parks/search.py): a section matches when, for
every word, it contains the word or another name of the same place or zone type. Parks are the ones the
catalogue's search finds for the same words (`Park.objects.search`), ranked here.
"""

import re
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from articles.models import Section, Status
from parks.models import Park
from parks.search import expanded_terms, search_terms
from publishing.bilingual import is_chinese, pick

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 30
SNIPPET_CHARS = 220
# Private-use characters mark the highlights inside SearchHeadline's output; the text is escaped
# afterwards and only these markers become <mark>, so nothing from the database is trusted as HTML.
MARK_START, MARK_END = "\ue000", "\ue001"
# The full-text parser splits words at underscores too.
WORD_PARTS_RE = re.compile(r"[^\W_]+")
# Markdown syntax that would clutter a plain-text snippet: link targets, emphasis, heading marks.
MARKDOWN_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")
MARKDOWN_SYMBOLS_RE = re.compile(r"[*_#`>\[\]]+|\{#[^}]*\}")

SECTION_TITLE_FIELDS = ["title_en", "title_zh_hans"]
SECTION_TEXT_FIELDS = ["body"]
PARK_TITLE_FIELDS = ["name_en", "name_zh", "article_name", "aliases"]
PARK_TEXT_FIELDS = ["city", "city_zh", "description", "province__name_en", "province__name_zh"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search the article and the parks"), max_length=MAX_QUERY_LENGTH, required=False
    )

    def clean_q(self):
        query = self.cleaned_data["q"].replace("\x00", "").strip()
        if query and not search_terms(query):
            raise forms.ValidationError(_("Type at least one word or name to search for (letters, digits or Chinese)."))
        return query


@dataclass
class SearchResult:
    kind: str
    title: str
    context: str
    url: str
    snippet: str
    lang: str = ""  # set when the snippet's language differs from the page's


def is_postgresql():
    return connection.vendor == "postgresql"


def contains_any(names, field):
    found = Q()
    for name in names:
        found |= Q(**{f"{field}__icontains": name})
    return found


def substring_match(groups, fields):
    # Every word (in one of its names) must appear somewhere in the record: longer queries narrow.
    match = Q()
    for names in groups:
        any_field = Q()
        for field in fields:
            any_field |= contains_any(names, field)
        match &= any_field
    return match


def substring_score(groups, title_fields, text_fields):
    # A word in the title counts three times a word in the text.
    score = Value(0.0, output_field=FloatField())
    for names in groups:
        for field, weight in [(f, 3.0) for f in title_fields] + [(f, 1.0) for f in text_fields]:
            score = score + Case(
                When(contains_any(names, field), then=Value(weight)), default=Value(0.0), output_field=FloatField()
            )
    return score


def has_phrase(groups):
    """Whether a name in the groups has several words, as the full-text parser splits them."""
    return any(len(WORD_PARTS_RE.findall(name)) > 1 for names in groups for name in names)


def full_text_query(groups):
    """Every word, each in any of its names (phrases for the multi-word ones)."""
    query = None
    for names in groups:
        either = None
        for name in names:
            one = SearchQuery(name, search_type="phrase", config="simple")
            either = one if either is None else either | one
        query = either if query is None else query & either
    return query


def ranked(queryset, groups, title_fields, text_fields, text_field_for_headline, match=None):
    """Matching records with a `score`, best first; on PostgreSQL also a `headline`.

    `match` is the condition when the queryset is not already the matching records (the parks are);
    otherwise every word, or on PostgreSQL their full-text match.
    """
    full_text = match is None
    match = substring_match(groups, title_fields + text_fields) if full_text else match
    score = substring_score(groups, title_fields, text_fields)
    if is_postgresql():
        vector = SearchVector(*title_fields, weight="A", config="simple") + SearchVector(
            *text_fields, weight="B", config="simple"
        )
        query = full_text_query(groups)
        queryset = queryset.annotate(
            search_document=vector,
            rank=SearchRank(vector, query),
            headline=SearchHeadline(
                text_field_for_headline,
                query,
                config="simple",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
            ),
        )
        if full_text and has_phrase(groups):
            # A full-text match (@@) of every word in one of its names; ts_rank alone is above 0 for a
            # partial one. Only a name of several words can match this way and not as a substring
            # (other spacing or punctuation); for single words @@ adds nothing but a text search
            # vector built for every park (most of the page's time at 10,000 parks).
            match |= Q(search_document=query)
        # Full-text rank is under 1; substring scores break ties and rank Chinese matches.
        score = score + F("rank") * 10
    return queryset.annotate(score=score).filter(match).order_by("-score", "pk")[:RESULTS_PER_KIND]


def plain_text(markdown_text):
    text = MARKDOWN_LINK_TARGET_RE.sub("]", markdown_text)
    return " ".join(MARKDOWN_SYMBOLS_RE.sub("", strip_tags(text)).split())


def mark_terms(text, terms):
    # Escape first, then mark: the pattern is escaped the same way, so it still matches.
    html = escape(text)
    pattern = "|".join(re.escape(escape(term)) for term in sorted(terms, key=len, reverse=True))
    return mark_safe(re.sub(f"({pattern})", r"<mark>\1</mark>", html, flags=re.IGNORECASE))


def highlight(text, terms):
    """Escaped HTML of a window of `text` around the first match, matches in <mark>."""
    text = plain_text(text)
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms if term.lower() in lowered]
    start = max(min(positions) - SNIPPET_CHARS // 3, 0) if positions else 0
    window = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return mark_safe(prefix + mark_terms(window, terms) + suffix)


def snippet(record, text, terms):
    headline = getattr(record, "headline", "")
    if headline and MARK_START in headline:
        html = escape(plain_text(headline)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        return mark_safe(f"…{html}…")
    return highlight(text, terms)


def search(query, groups=None):
    """Sections then parks matching `query`, each list best first (three queries: gazetteer, sections, parks).

    `groups` are the query's expanded words when the caller already has them.
    """
    groups = expanded_terms(query) if groups is None else groups
    if not groups:
        return []
    terms = [name for names in groups for name in names]
    sections = ranked(
        Section.objects.filter(article__status=Status.PUBLISHED).select_related("article"),
        groups,
        SECTION_TITLE_FIELDS,
        SECTION_TEXT_FIELDS,
        "body",
    )
    parks = ranked(
        Park.objects.published().search(query, groups).select_related("province"),
        groups,
        PARK_TITLE_FIELDS,
        PARK_TEXT_FIELDS,
        "description",
        match=Q(),
    )
    # The article and park descriptions are in English: on Chinese pages their snippets say so.
    english_text = "en" if is_chinese() else ""
    results = [
        SearchResult(
            _("Article section"),
            mark_terms(section_title(section), terms),
            article_title(section.article),
            section.get_absolute_url(),
            snippet(section, section.body, terms),
            english_text,
        )
        for section in sections
    ]
    results += [
        SearchResult(
            _("Park"),
            mark_terms(park_title(park), terms),
            park.province.display_name,
            park.get_absolute_url(),
            snippet(park, " · ".join(filter(None, [park.display_city, park.article_name, park.description])), terms),
        )
        for park in parks
    ]
    return results


def beside(first, second):
    """ "Harbin ETDZ (哈尔滨经济技术开发区)"; on a Chinese page "哈尔滨经济技术开发区（Harbin ETDZ）"."""
    return f"{first}{pgettext('opening bracket', ' (')}{second}{pgettext('closing bracket', ')')}"


def article_title(article):
    """The article's title as published: on a Chinese page, an English title, marked as one."""
    return format_html('<cite lang="en">{}</cite>', article.title) if is_chinese() else article.title


def section_title(section):
    # Chinese pages: the editors' Chinese title first, the English one beside it.
    return (
        beside(section.title_zh_hans, section.title_en) if is_chinese() and section.title_zh_hans else section.title_en
    )


def park_title(park):
    """Both names, the page's language first."""
    first = pick(park.name_en, park.name_zh)
    second = park.name_en if first != park.name_en else park.name_zh
    return beside(first, second) if second else first
