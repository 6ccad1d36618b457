"""Finding parks by what readers type: one behaviour for the site's search and the catalogue's `?q=`.

A query is split into words, and each word is expanded with a bilingual gazetteer to every name of
the same place, zone type or park: `长春` also finds Changchun, `ETDZ` and `经开区` find the
economic and technological development zones, and `哈高新` (a short form in `aliases.csv`) finds
Harbin's high-tech zone. Chinese is written without spaces, so a Chinese word is first split into
the gazetteer's names it contains (longest name first). A park matches when, for every word, one of
its names, its city, its province or its description contains the word or another name of it, its
zone type is the one the word names, or its pinyin contains the word's pinyin: `haerbin`,
`Ha'erbin`, `Hā'ěrbīn` and `ha er bin` all find 哈尔滨.

When nothing matches, `did_you_mean` proposes the nearest city, province or park name for each word
(trigram similarity on PostgreSQL, difflib on SQLite).
"""

import difflib
import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest

from parks.models import Park, Province, ZoneType, pinyin_key
from publishing.generation import cached_for_generation

MAX_TERMS = 8
# The usual names of each zone type: abbreviation, official English name, the article's wording,
# official Chinese name and its common short form. Terms of art, not translations of our own.
ZONE_TYPE_NAMES = {
    ZoneType.ETDZ: [
        "ETDZ",
        "Economic and Technological Development Zone",
        "Economic & Technological Development Zone",
        "Economic and Technological Industrial Park",
        "经济技术开发区",
        "经开区",
    ],
    ZoneType.HTZ: [
        "HTZ",
        "High-tech Industrial Development Zone",
        "High-tech Industrial Park",
        "High-tech Zone",
        "高新技术产业开发区",
        "高新区",
    ],
    ZoneType.BECZ: ["BECZ", "Border Economic Cooperation Zone", "边境经济合作区", "边合区"],
    ZoneType.EPZ: ["EPZ", "Export Processing Zone", "出口加工区"],
    ZoneType.BONDED: ["CBZ", "Comprehensive Bonded Zone", "综合保税区", "综保区"],
    ZoneType.MUTUAL_TRADE: ["Mutual Market Trade Zone", "Mutual Trade Zone", "互市贸易区"],
}
# What a word is compared with (case-insensitive substrings): a park's names, then its city and description,
# then its province's names (looked up once in the small province table, not joined for every park).
PARK_NAME_FIELDS = ["name_en", "name_zh", "article_name", "aliases"]
PARK_TEXT_FIELDS = PARK_NAME_FIELDS + ["city", "city_zh", "description"]
PROVINCE_NAME_FIELDS = ["name_en", "name_zh"]
# Chinese administrative suffixes: 吉林省 is also written 吉林.
PROVINCE_SUFFIXES = ("省", "自治区")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
# Words: letters, digits and CJK characters; everything else separates them.
TERM_RE = re.compile(r"\w+", re.UNICODE)
# An apostrophe between letters separates pinyin syllables (Xi'an, Ha'erbin): it is not a word break.
SYLLABLE_APOSTROPHE_RE = re.compile(r"(?<=\w)['’‘](?=\w)")
# Shorter Latin words are compared with the pinyin only as part of the whole query ("ha er bin"):
# alone, a syllable like "an" is inside too many names to mean anything.
PINYIN_MIN_LENGTH = 4
# How close a word must be to a name for "Did you mean": pg_trgm's own default, and difflib's.
TRIGRAM_THRESHOLD = 0.3
DIFFLIB_CUTOFF = 0.6


def search_terms(query):
    """The query's distinct words, at most MAX_TERMS."""
    terms = []
    for term in TERM_RE.findall(SYLLABLE_APOSTROPHE_RE.sub("", query)):
        if term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def typed_pinyin(text):
    """The pinyin key of Latin text (Hā'ěrbīn is haerbin), or "" for text with Chinese or digits in it."""
    key = pinyin_key(text)
    return key if key.isascii() and key.isalpha() and not CJK_RE.search(text) else ""


def zone_types_named(names):
    lowered = {name.lower() for name in names}
    return [
        zone_type
        for zone_type, type_names in ZONE_TYPE_NAMES.items()
        if lowered & {name.lower() for name in type_names}
    ]


def place_names():
    """Name groups from the catalogue (one query): [English, Chinese] of each city and province, and each
    park's short forms with its names."""
    names = []
    # A park's names only where it has short forms, so the rows stay one per city otherwise.
    with_aliases = {
        f"alias_{field}": Case(When(aliases="", then=Value("")), default=F(field)) for field in ("name_en", "name_zh")
    }
    rows = (
        Park.objects.order_by()
        .annotate(**with_aliases)
        .values_list("city", "city_zh", "province__name_en", "province__name_zh", "aliases", *with_aliases)
        .distinct()
    )
    for city, city_zh, province, province_zh, aliases, name_en, name_zh in rows:
        if city and city_zh:
            names.append([city, city_zh])
        if province and province_zh:
            short = province_zh
            for suffix in PROVINCE_SUFFIXES:
                short = short.removesuffix(suffix)
            names.append([province, province_zh, short])
        for alias in split_aliases(aliases):
            names.append([alias] + [name for name in (name_zh, name_en) if name])
    return names


def split_aliases(aliases):
    return [alias.strip() for alias in aliases.split(";") if alias.strip()]


class Gazetteer:
    def __init__(self, groups):
        self.alternatives = {}
        for group in groups:
            for name in group:
                self.alternatives.setdefault(name.lower(), set()).update(group)
        # Chinese names to look for inside a Chinese word, longest first (高新技术产业开发区 before 高新区).
        self.chinese_names = sorted({name for name in self.alternatives if CJK_RE.search(name)}, key=len, reverse=True)

    def split(self, word):
        """A Chinese word as the gazetteer names it contains and the text between them."""
        if not CJK_RE.search(word):
            return [word]
        parts, rest = [], word
        while rest:
            found = next((name for name in self.chinese_names if rest.startswith(name)), None)
            if found:
                parts.append(found)
                rest = rest[len(found) :]
                continue
            # Text before the next known name stays one part.
            nexts = [i for i in (rest.find(name, 1) for name in self.chinese_names) if i > 0]
            cut = min(nexts) if nexts else len(rest)
            parts.append(rest[:cut])
            rest = rest[cut:]
        return parts

    def expand(self, words):
        """Each word (after splitting) with every name of the same thing: a list of alternative lists."""
        groups = []
        for word in words:
            for part in self.split(word):
                names = self.alternatives.get(part.lower(), set()) | {part}
                groups.append(sorted(names, key=lambda name: (name.lower() != part.lower(), len(name), name)))
        return groups


def gazetteer():
    """The gazetteer of the current catalogue, rebuilt when content changes (one query, then cached)."""
    return Gazetteer(list(ZONE_TYPE_NAMES.values()) + cached_for_generation("gazetteer-places", place_names))


def expanded_terms(query):
    """The query's words, each with its other names from the gazetteer (a list of lists)."""
    return gazetteer().expand(search_terms(query))


def names_match(names):
    """Parks that one word, in any of its names, describes."""
    zone_types = zone_types_named(names)
    if zone_types:
        # A zone type's name is the park's type, or in its name; a city or a province is never called that.
        return Q(zone_type__in=zone_types) | contains_any(names, PARK_NAME_FIELDS)
    match = contains_any(names, PARK_TEXT_FIELDS)
    provinces = contains_any(names, PROVINCE_NAME_FIELDS)
    match |= Q(province__in=Province.objects.filter(provinces))
    for name in names:
        key = typed_pinyin(name)
        if len(key) >= PINYIN_MIN_LENGTH:
            match |= Q(pinyin__contains=key)
    return match


def contains_any(names, fields):
    found = Q()
    for name in names:
        for field in fields:
            found |= Q(**{f"{field}__icontains": name})
    return found


def park_match(query, groups=None):
    """The condition for parks matching `query` (`groups`: its expanded words, when already known)."""
    groups = expanded_terms(query) if groups is None else groups
    if not groups:
        return Q(pk__in=[])
    match = Q()
    for names in groups:
        match &= names_match(names)
    # Pinyin typed with spaces between the syllables: "ha er bin" is haerbin.
    words = search_terms(query)
    whole = typed_pinyin("".join(words))
    if len(words) > 1 and len(whole) >= PINYIN_MIN_LENGTH:
        match |= Q(pinyin__contains=whole)
    return match


def did_you_mean(query, parks=None):
    """The query with each word replaced by the nearest city, province or park name, or "" when no word is
    near one (one query per word on PostgreSQL, one in all on SQLite)."""
    parks = Park.objects.published() if parks is None else parks
    words = search_terms(query)
    if connections[parks.db].vendor == "postgresql":
        nearest = [nearest_by_trigrams(parks, word) for word in words]
    else:
        names = candidate_names(parks)
        nearest = [nearest_by_difflib(names, word) for word in words]
    suggested = [near or word for word, near in zip(words, nearest)]
    changed = any(near and near.lower() != word.lower() for word, near in zip(words, nearest))
    return " ".join(suggested) if changed else ""


CANDIDATE_FIELDS = ["city", "province__name_en", "name_en"]


def candidate_names(parks):
    rows = parks.order_by().values_list(*CANDIDATE_FIELDS).distinct()
    return sorted({name for row in rows for name in row if name})


def nearest_by_difflib(names, word):
    by_lower = {name.lower(): name for name in names}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=DIFFLIB_CUTOFF)
    return by_lower[close[0]] if close else ""


def nearest_by_trigrams(parks, word):
    similarities = {f"{field}_similarity": TrigramSimilarity(field, word) for field in CANDIDATE_FIELDS}
    row = (
        parks.annotate(**similarities, similarity=Greatest(*similarities.values()))
        .filter(similarity__gt=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "pk")
        .values(*CANDIDATE_FIELDS, *similarities)
        .first()
    )
    if row is None:
        return ""
    best = max(CANDIDATE_FIELDS, key=lambda field: row[f"{field}_similarity"])
    return row[best]
