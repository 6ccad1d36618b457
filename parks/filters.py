"""The catalogue's filters, shared by the list page, the map and the exports."""

import hashlib
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField

from parks.models import NO_PATH, DevelopmentPath, Industry, Level, Park, Province, ZoneType, name_order
from parks.search import expanded_terms
from publishing.bilingual import is_chinese
from publishing.generation import cached_for_generation

SEARCH_MAX_LENGTH = 200


class OrderingKeysField(BaseCSVField):
    """Comma-separated ordering keys, none of them empty: `?ordering=name,` is refused, not read as "name"
    and an unknown empty key."""

    def clean(self, value):
        keys = super().clean(value)
        if keys and "" in keys:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""})
        return keys


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Ordering where parks with an unknown year or area come last either way, then by name (stable pages)."""

    base_field_class = OrderingKeysField

    def get_ordering_value(self, param):
        name = super().get_ordering_value(param)
        field = F(by_name_in_page_language(name.lstrip("-")))
        return field.desc(nulls_last=True) if name.startswith("-") else field.asc(nulls_last=True)

    def filter(self, qs, value):
        # Without a choice, and between equal values, parks come in name order (pinyin on Chinese pages).
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, name_order(), "pk") if value else ordered.in_name_order()


def by_name_in_page_language(field):
    """Sorting by either name sorts by the page language's: the Chinese name by its pinyin, not by code point."""
    if field == "name_zh":
        return "pinyin"
    return name_order() if field == "name_en" else field


def provinces_in_name_order(request):
    return Province.objects.in_published_records().order_by(name_order())


class ParkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search names and cities"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_(
            "A name in English, Chinese or pinyin, a short form, a city or a province (e.g. Hunchun, 吉林, haerbin, ETDZ)."
        ),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=provinces_in_name_order, to_field_name="slug", empty_label=_("All provinces")
    )
    path = django_filters.ModelChoiceFilter(
        label=_("Development path"),
        queryset=DevelopmentPath.objects.in_published_records(),
        to_field_name="slug",
        empty_label=_("All paths"),
        null_label=_("No path (not grouped by the article)"),
        null_value=NO_PATH,
    )
    zone_type = django_filters.ChoiceFilter(label=_("Zone type"), choices=ZoneType.choices, empty_label=_("All types"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    industry = django_filters.ModelChoiceFilter(
        field_name="industries",
        label=_("Industry"),
        queryset=Industry.objects.in_published_parks(),
        to_field_name="slug",
        empty_label=_("All industries"),
    )
    ordering = NullsLastOrderingFilter(
        label=_("Order by"),
        empty_label=_("Name (default)"),
        fields=(
            ("name_en", "name"),
            ("province__name_en", "province"),
            ("established_year", "established"),
            ("national_year", "national"),
            ("area_km2", "area"),
            # The table view's sortable columns.
            ("name_zh", "name-zh"),
            ("city", "city"),
            ("zone_type", "type"),
            ("level", "level"),
            ("path__order", "path"),
        ),
        field_labels={
            "name_en": _("Name"),
            "province__name_en": _("Province"),
            "established_year": _("Year established"),
            "national_year": _("Year raised to national level"),
            "area_km2": _("Area"),
            "name_zh": _("Chinese name"),
            "city": _("City"),
            "zone_type": _("Zone type"),
            "level": _("Level"),
            "path__order": _("Development path"),
            # django-filter formats the descending labels once, at import: give them lazily instead.
            "-name": _("Name (descending)"),
            "-province": _("Province (descending)"),
            "-established": _("Year established (descending)"),
            "-national": _("Year raised to national level (descending)"),
            "-area": _("Area (descending)"),
            "-name-zh": _("Chinese name (descending)"),
            "-city": _("City (descending)"),
            "-type": _("Zone type (descending)"),
            "-level": _("Level (descending)"),
            "-path": _("Development path (descending)"),
        },
    )

    class Meta:
        model = Park
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The search words with their other names, looked up once however many facets are counted.
        self.expanded_words = {}

    def search(self, queryset, name, value):
        # The site's search finds the same parks for the same words (parks/search.py).
        text = value.strip()
        if not text:
            return queryset
        if text not in self.expanded_words:
            self.expanded_words[text] = expanded_terms(text)
        return queryset.search(text, self.expanded_words[text])

    @property
    def error_messages(self):
        """(field label, message) for each parameter that was not understood."""
        return [
            (str(self.form.fields[name].label) if name in self.form.fields else name, message)
            for name, messages in self.errors.items()
            for message in messages
        ]

    @property
    def active_values(self):
        """The valid, non-empty filter values, by filter name."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return {}
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "", [])}

    def describe(self):
        """The active filters in words ("Co-city parks in Heilongjiang"), or "" when none is active."""
        values = {name: value for name, value in self.active_values.items() if name != "ordering"}
        if not values:
            return ""
        chinese = is_chinese()
        zone_type = values.get("zone_type")
        if zone_type in (None, ZoneType.OTHER):
            noun = gettext("parks")
        else:
            label = str(ZoneType(zone_type).label)
            noun = label if chinese else label.lower() + "s"
        words = []
        if "level" in values:
            words.append(str(Level(values["level"]).label))
        path = values.get("path")
        if path is not None and path != NO_PATH:
            words.append(path.display_name)
        words.append(noun)
        # Labels run lower case inside the phrase; names (province, industry, search) keep theirs.
        phrase = "".join(words) if chinese else " ".join(word.lower() for word in words)
        # Each qualifier is a whole phrase to translate: Chinese puts it before the noun.
        if zone_type == ZoneType.OTHER:
            phrase = gettext("%(phrase)s of other types") % {"phrase": phrase}
        if path == NO_PATH:
            phrase = gettext("%(phrase)s not grouped by the article") % {"phrase": phrase}
        if "province" in values:
            phrase = gettext("%(phrase)s in %(province)s") % {
                "phrase": phrase,
                "province": values["province"].display_name,
            }
        if "industry" in values:
            phrase = gettext("%(phrase)s with the industry “%(industry)s”") % {
                "phrase": phrase,
                "industry": values["industry"].display_name,
            }
        if "q" in values:
            phrase = gettext("%(phrase)s matching “%(query)s”") % {"phrase": phrase, "query": values["q"]}
        return phrase[:1].upper() + phrase[1:]

    def export_filename(self, base="northeast-parks"):
        """A download name that names the filters, e.g. northeast-parks-heilongjiang-co-city."""
        values = self.active_values
        parts = [base]
        for name in ["province", "path", "zone_type", "level", "industry"]:
            value = values.get(name)
            if value is not None:
                parts.append(getattr(value, "slug", value))
        if "q" in values:
            parts.append(slugify(values["q"]) or "search")
        return "-".join(parts)

    def queryset_without(self, excluded):
        """The base queryset filtered by every valid filter except `excluded` (for facet counts)."""
        queryset = self.queryset.all()
        for name, value in self.active_values.items():
            if name not in (excluded, "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets(self):
        """For each facet filter: every choice with how many parks it gives, combined with the other filters."""
        raw = self.data if self.is_bound else QueryDict()
        return [
            Facet(name, self.filters[name].label or name.replace("_", " ").capitalize(), raw.get(name, ""), choices)
            for name, choices in cached_for_generation(self.facet_cache_name(), self.count_facets)
        ]

    def facet_cache_name(self):
        # The counts depend on the base queryset and the valid filter values, not on their order.
        return self.cache_name("park-facets", ignore=("ordering",))

    def match_count_cache_name(self):
        return self.cache_name("park-count", ignore=("ordering",))

    def cache_name(self, kind, ignore=()):
        """A cache key part naming the base queryset and the valid filter values (cached_for_generation)."""
        filters = sorted(
            (name, str(getattr(value, "pk", value))) for name, value in self.active_values.items() if name not in ignore
        )
        identity = repr((self.base_sql, filters))
        return f"{kind}:" + hashlib.sha256(identity.encode()).hexdigest()

    @cached_property
    def base_sql(self):
        # Compiled once per request: the list page names its facets, its count and its map by it.
        return str(self.queryset.query)

    def count_facets(self):
        """(filter name, [(value, label, count)]) per facet: one GROUP BY over the matching parks each,
        plus the choices of the three model facets, however many parks there are."""
        return [
            ("province", self._model_facet("province", "province")),
            ("path", self._path_facet()),
            ("zone_type", self._field_facet("zone_type", ZoneType.choices)),
            ("level", self._field_facet("level", Level.choices)),
            ("industry", self._model_facet("industry", "industries")),
        ]

    def _counts(self, filter_name, field_name):
        # Grouping only the parks the other filters select walks their index; annotating every
        # choice with a count over all parks grew with the whole catalogue (BENCHMARKS.md).
        return dict(self.queryset_without(filter_name).order_by().values_list(field_name).annotate(matches=Count("pk")))

    def _model_facet(self, filter_name, field_name):
        return self._model_choices(filter_name, self._counts(filter_name, field_name))

    def _path_facet(self):
        # The None group is the parks the article does not put on a path.
        counts = self._counts("path", "path")
        return self._model_choices("path", counts) + [
            (NO_PATH, str(self.filters["path"].extra["null_label"]), counts.get(None, 0))
        ]

    def _model_choices(self, filter_name, counts):
        choices = self.filters[filter_name].get_queryset(self.request)
        return [(row.slug, str(row), counts.get(row.pk, 0)) for row in choices]

    def _field_facet(self, field_name, choices):
        counts = self._counts(field_name, field_name)
        return [(value, str(label), counts.get(value, 0)) for value, label in choices]


def catalogue_heading(filterset, count):
    """The list page's <title> and <h1>: what is shown and how many, e.g. "Co-city parks in Heilongjiang — 2 parks"."""
    description = filterset.describe() if filterset.is_bound and filterset.is_valid() else ""
    if not description:
        return gettext("Industrial parks of Northeast China")
    return gettext("%(description)s — %(count)s") % {
        "description": description,
        "count": ngettext("%(count)d park", "%(count)d parks", count) % {"count": count},
    }


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool


class Facet:
    """One facet filter as the form shows it: a select whose options carry counts."""

    def __init__(self, name, label, selected, choices):
        self.name = name
        self.label = label
        self.choices = [FacetChoice(value, label, count, value == selected) for value, label, count in choices]

    @property
    def field_id(self):
        return f"id_{self.name}"


def query_without(query, *names):
    """The query string without the given parameters (page links, chips, export links)."""
    remaining = query.copy()
    for name in names:
        remaining.pop(name, None)
    # Empty fields from a submitted form add nothing but noise to a shared URL.
    for name in [name for name, values in remaining.lists() if not any(value.strip() for value in values)]:
        remaining.pop(name)
    return remaining.urlencode()


def query_with(query, **values):
    """The query string with these parameters set, on page 1."""
    changed = query.copy()
    for name, value in values.items():
        changed[name] = value
    return query_without(changed, "page")


@dataclass
class Chip:
    """An active filter shown above the results; its link drops that one filter and keeps the others."""

    label: str
    value: str
    remove_query: str


def filter_chips(filterset, query):
    chips = []
    for name, value in filterset.active_values.items():
        if name == "ordering":
            continue
        field = filterset.form.fields[name]
        if name == "path" and value == NO_PATH:
            shown = filterset.filters["path"].extra["null_label"]
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            shown = dict(field.choices).get(value, value)
        else:
            shown = str(value)
        chips.append(Chip(str(field.label), shown, query_without(query, name, "page")))
    return chips


# The table view's columns, by their ordering parameter; the year is the year established.
TABLE_COLUMNS = [
    ("name", _("English name")),
    ("name-zh", _("Chinese name")),
    ("province", _("Province")),
    ("city", _("City")),
    ("type", _("Type")),
    ("level", _("Level")),
    ("path", _("Path")),
    ("established", _("Year")),
]
VIEWS = ("cards", "table")


def view_of(query):
    """Cards (default) or table: anything else shows cards rather than an error."""
    return query.get("view") if query.get("view") in VIEWS else "cards"


@dataclass
class SortColumn:
    """A table header: its link sorts by this column, or reverses the order when it is already sorted by it."""

    label: str
    href: str
    sort: str  # aria-sort: "ascending", "descending" or "" (not sorted by this column)


def table_columns(query):
    current = query.get("ordering", "") or "name"
    columns = []
    for key, label in TABLE_COLUMNS:
        sort = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        linked = query.copy()
        linked["ordering"] = f"-{key}" if sort == "ascending" else key
        linked["view"] = "table"
        columns.append(SortColumn(str(label), "?" + query_without(linked, "page"), sort))
    return columns
