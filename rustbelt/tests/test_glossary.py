"""The Chinese terms: every Chinese text the site ships (the interface's .po, the content's Chinese columns
and the editors' translations of notes, sources and charts) uses the glossary's terms (parks/content/glossary.csv), never a variant it lists to avoid, and
carries no English beyond the names and codes allowed below."""

import csv
import re

import polib
from django.conf import settings
from django.test import SimpleTestCase

ZH_PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
GLOSSARY = settings.BASE_DIR / "parks" / "content" / "glossary.csv"
CONTENT_FOLDERS = [settings.BASE_DIR / "parks" / "content", settings.BASE_DIR / "articles" / "content"]
# The editors' translations, keyed by the English they translate: their Chinese is in the column "chinese".
TRANSLATION_TABLES = [folder / "translations-zh.csv" for folder in CONTENT_FOLDERS]

# English a Chinese text may keep: proper names as their sources write them, titles of English works,
# codes, formats and the names of programs. Anything else in Latin letters is an untranslated word.
ALLOWED_ENGLISH = {
    # Names and titles as the sources give them.
    "Jia Xiaobing",
    "Industrial Real Estate Park Revitalization in Major Rust Belts",
    "Introduction to Park Industrial Real Estate",
    "cn-adcode-efzcode",
    "American Motors",
    "AMC",
    "Natural Earth",
    "Hunchun",
    "haerbin",
    "Wang Shengguang",
    "Cheng Yu",
    "Liu Huiwu",
    "Zhang Hongcheng",
    "Factpedia",
    # The article's own wording, quoted as an example in the admin's help text.
    "national-level high-tech industrial parks",
    # Formats, standards, programs and licences.
    "API",
    "OpenAPI",
    "CSV",
    "JSON",
    "Excel",
    "XLSX",
    "SQLite",
    "SVG",
    "PNG",
    "PDF",
    "HTML",
    "Markdown",
    "JavaScript",
    "Atom",
    "RFC",
    "CORS",
    "CC BY",
    "APA",
    "GB/T",
    "Frictionless",
    "Datasette",
    "QGIS",
    "DB Browser for SQLite",
    "NUL",
    "Tab",
    "Enter",
    # Codes and parameter names a reader types or a program reads.
    "YYYY",
    "YYYY-MM",
    "YYYY-MM-DD",
    "en",
    "zh",
    "ru",
    "zh-hans",
    "lang",
    "id",
    "slug",
    "cursor",
    "next",
    "previous",
    "sources",
    "source_sentence",
    "load_content",
    "ETDZ",
    # The official grade of a tourist attraction (国家AAAA级旅游景区).
    "AAAA",
}
# Markup, placeholders, addresses, file names, command lines and code samples are not words of the text,
# nor is English quoted as written (“…” holding no Chinese): the article's or a source's own words.
NOT_TEXT = re.compile(
    r"<code>.*?</code>|<[^>]+>|%\(\w+\)[sd]|\{\w+\}|https?://\S+|/?[\w/-]+\.(?:csv|json|sqlite)\b"
    r"|(?<![A-Za-z0-9.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|cn)(?![A-Za-z0-9])|python manage\.py [\w-]+|--[\w-]+|“[^“”\u3400-\u9fff]*”",
    re.S,
)
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z.'/_-]*(?: [A-Za-z][A-Za-z'/_-]*)*")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(line for line in file if not line.startswith("#")))


def glossary():
    return read_csv(GLOSSARY)


def avoided_variants():
    """{variant: the term to use instead}."""
    return {variant.strip(): row["zh"] for row in glossary() for variant in row["avoid"].split(";") if variant.strip()}


def interface_texts():
    """(where, Chinese text) for each translation in the .po."""
    for entry in polib.pofile(str(ZH_PO)):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            yield f"msgid {entry.msgid!r}", text


def content_texts():
    """(where, Chinese text) for each value of a Chinese column of the shipped content."""
    for folder in CONTENT_FOLDERS:
        for path in sorted(folder.glob("*.csv")):
            if path == GLOSSARY:
                continue
            for number, row in enumerate(read_csv(path), start=2):
                for column, value in row.items():
                    translated = path in TRANSLATION_TABLES and column == "chinese"
                    if column and (column.endswith("_zh") or translated) and value:
                        yield f"{path.parent.parent.name}/{path.name} row {number} {column}", value


def english_left(text):
    """The runs of Latin letters in a Chinese text that the allow-list does not name."""
    words = LATIN_RUN.findall(NOT_TEXT.sub(" ", text))
    return [word.rstrip(".") for word in words if word.rstrip(".") not in ALLOWED_ENGLISH]


class GlossaryFileTests(SimpleTestCase):
    def test_every_term_gives_its_chinese_and_where_the_wording_comes_from(self):
        rows = glossary()
        self.assertGreaterEqual(len(rows), 25)
        for row in rows:
            with self.subTest(term=row["english"]):
                self.assertTrue(row["zh"].strip())
                self.assertTrue(row["source"].strip(), "name the source of the wording, or 'editors'")

    def test_the_glossary_covers_the_official_zone_types(self):
        chinese = " ".join(row["zh"] for row in glossary())
        for term in (
            "国家级经济技术开发区",
            "国家高新技术产业开发区",
            "边境经济合作区",
            "综合保税区",
            "出口加工区",
            "互市贸易区",
            "省级开发区",
        ):
            with self.subTest(term=term):
                self.assertIn(term, chinese)

    def test_the_co_city_path_and_the_core_concept_have_their_own_terms(self):
        # Industry–city integration (产城融合) is the goal of all three paths: no path takes its name.
        terms = {row["english"].split(" (")[0]: row for row in glossary()}
        concept = terms["industry–city integration"]["zh"]
        path = terms["development path: co-city development"]
        [co_city] = [row for row in read_csv(GLOSSARY.parent / "paths.csv") if row["slug"] == "co-city"]
        self.assertEqual(co_city["name_zh"], path["zh"].removesuffix(" (编者译)"))
        self.assertNotIn(co_city["name_zh"], concept)
        self.assertIn("产城融合", concept)
        self.assertIn("再城市化和产城融合", path["avoid"])

    def test_a_variant_to_avoid_is_never_also_a_term_to_use(self):
        for variant, term in avoided_variants().items():
            with self.subTest(variant=variant):
                self.assertNotIn(variant, term)


class ChineseTextsUseTheGlossaryTests(SimpleTestCase):
    maxDiff = None

    def assert_no_avoided_variant(self, texts):
        variants = avoided_variants()
        found = [
            f"{where}: {variant!r} (use {term})"
            for where, text in texts
            for variant, term in variants.items()
            if variant in text
        ]
        self.assertEqual(found, [])

    def assert_no_english(self, texts):
        found = [f"{where}: {words}" for where, text in texts if (words := english_left(text))]
        self.assertEqual(found, [])

    def test_the_interface_uses_no_variant_the_glossary_avoids(self):
        self.assert_no_avoided_variant(interface_texts())

    def test_the_contents_chinese_columns_use_no_variant_the_glossary_avoids(self):
        self.assert_no_avoided_variant(content_texts())

    def test_no_english_is_left_inside_a_chinese_message(self):
        self.assert_no_english(interface_texts())

    def test_no_english_is_left_inside_a_chinese_column_of_the_content(self):
        self.assert_no_english(content_texts())

    def test_the_check_finds_what_it_looks_for(self):
        # The checks above pass only if they can fail: a planted variant and a planted English word are found.
        self.assertEqual(english_left("坐标（city centre approx.）为 CSV 格式"), ["city centre approx"])
        self.assertIn("点名", avoided_variants())
        self.assertIn("十亿元", avoided_variants())

    def test_quoted_english_and_command_lines_are_not_words_of_the_text(self):
        self.assertEqual(english_left("文章称“a new high”；运行 python manage.py make_release <版本号> --notes"), [])
        self.assertEqual(english_left("见 lssjt.com 和“新高 a new high”"), ["a new high"])

    def test_the_editors_translations_are_read(self):
        wheres = [where for where, _ in content_texts()]
        for table in TRANSLATION_TABLES:
            with self.subTest(table=table):
                self.assertTrue(any(f"{table.parent.parent.name}/{table.name}" in where for where in wheres))
