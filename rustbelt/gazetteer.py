"""A bilingual gazetteer for site search: place names and zone-type names in English and Chinese.

A query word is expanded to every name of the same place or zone type, so `长春` also finds the
article's English passages about Changchun, and `Harbin HTZ`, `哈尔滨高新区` and
`哈尔滨高新技术产业开发区` all find Harbin's high-tech zone. Chinese is written without spaces, so
a Chinese word is first split into the gazetteer's names it contains (longest name first).
"""

import re

from parks.models import Park
from publishing.generation import cached_for_generation

# The usual names of each zone type: abbreviation, official English name, the article's wording,
# official Chinese name and its common short form. Terms of art, not translations of our own.
ZONE_TYPE_NAMES = [
    [
        "ETDZ",
        "Economic and Technological Development Zone",
        "Economic & Technological Development Zone",
        "Economic and Technological Industrial Park",
        "经济技术开发区",
        "经开区",
    ],
    [
        "HTZ",
        "High-tech Industrial Development Zone",
        "High-tech Industrial Park",
        "High-tech Zone",
        "高新技术产业开发区",
        "高新区",
    ],
    [
        "BECZ",
        "Border Economic Cooperation Zone",
        "边境经济合作区",
        "边合区",
    ],
    ["EPZ", "Export Processing Zone", "出口加工区"],
    ["CBZ", "Comprehensive Bonded Zone", "综合保税区", "综保区"],
    ["Mutual Market Trade Zone", "Mutual Trade Zone", "互市贸易区"],
]
# Chinese administrative suffixes: 吉林省 is also written 吉林.
PROVINCE_SUFFIXES = ("省", "自治区")
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def place_names():
    """[English, Chinese] name pairs of the catalogue's provinces and cities (one query)."""
    names = []
    rows = Park.objects.order_by().values_list("city", "city_zh", "province__name_en", "province__name_zh").distinct()
    for city, city_zh, province, province_zh in rows:
        if city and city_zh:
            names.append([city, city_zh])
        if province and province_zh:
            short = province_zh
            for suffix in PROVINCE_SUFFIXES:
                short = short.removesuffix(suffix)
            names.append([province, province_zh, short])
    return names


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
                rest = rest[len(found):]
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
    return Gazetteer(ZONE_TYPE_NAMES + cached_for_generation("gazetteer-places", place_names))
