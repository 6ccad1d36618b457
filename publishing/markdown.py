"""Markdown to safe HTML: Markdown renders, nh3 removes anything a page must not run.

Text can link to the site's own pages with internal schemes, rewritten before sanitizing: settings
MARKDOWN_INTERNAL_LINKS maps a scheme to a URL name, so `[wording](park:<slug>)` becomes
reverse("parks:detail", args=[slug]). They are reversed by slug only, so rendering never queries the database.
"""

import re
from functools import lru_cache
from xml.etree import ElementTree

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": set(),
    "ol": {"start"},
    "span": {"lang"},
}
# A run of Chinese: Han characters, with CJK punctuation and full-width forms between them.
HAN = "\u3400-\u9fff\uf900-\ufaff"
CHINESE_RUN = re.compile(f"[{HAN}](?:[{HAN}\u3000-\u303f\uff00-\uffef]*[{HAN}])?[\u3001\u3002\uff09\u300b\u300d]?")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

INTERNAL_LINK = re.compile(r"^(?P<scheme>[a-z]+):(?P<slug>[-a-zA-Z0-9_]+)$")


def internal_link_url(href):
    """The site URL for an internal link such as `park:<slug>`, or None when href is not a well-formed one."""
    match = INTERNAL_LINK.match(href.strip())
    if match is None or match["scheme"] not in settings.MARKDOWN_INTERNAL_LINKS:
        return None
    try:
        return reverse(settings.MARKDOWN_INTERNAL_LINKS[match["scheme"]], args=[match["slug"]])
    except NoReverseMatch:
        return None


class InternalLinkTreeprocessor(Treeprocessor):
    def run(self, root):
        for link in root.iter("a"):
            url = internal_link_url(link.get("href", ""))
            if url is not None:
                link.set("href", url)
            # Anything else is left for nh3, which drops hrefs with unknown schemes (javascript:, park:bad).


class ChineseLanguageTreeprocessor(Treeprocessor):
    """Wrap every run of Chinese in <span lang="zh-Hans">, so it gets Chinese fonts and pronunciation."""

    def run(self, root):
        for element in list(root.iter()):
            if element.tag == "span" and element.get("lang"):
                continue
            if element.text:
                element.text = self.wrap(element, element.text, 0)
            for index, child in reversed(list(enumerate(element))):
                if child.tail:
                    child.tail = self.wrap(element, child.tail, index + 1)

    @staticmethod
    def wrap(parent, text, position):
        """Keep the text before the first run; insert spans (each carrying the text after it) at position."""
        pieces = CHINESE_RUN.split(text)
        runs = CHINESE_RUN.findall(text)
        for offset, (run, after) in enumerate(zip(runs, pieces[1:])):
            span = ElementTree.Element("span", {"lang": "zh-Hans"})
            span.text, span.tail = run, after
            parent.insert(position + offset, span)
        return pieces[0]


class InternalLinkExtension(Extension):
    def extendMarkdown(self, md):
        # Priority below "inline" (20) so the links exist; the value only orders treeprocessors.
        md.treeprocessors.register(InternalLinkTreeprocessor(md), "internal_links", 5)
        md.treeprocessors.register(ChineseLanguageTreeprocessor(md), "chinese_language", 4)


def render_markdown(text):
    """Render Markdown and sanitize the result; safe to put on a page."""
    # A pure function of the text and of the language its internal links are reversed in (their URLs
    # carry the language prefix): each text is rendered once per process, not on every page view.
    return render_markdown_in(text or "", get_language())


@lru_cache(maxsize=2048)
def render_markdown_in(text, language):
    """render_markdown() in the active language, which `language` names so that it is part of the key."""
    html = markdown_lib.markdown(
        text, extensions=["tables", "sane_lists", InternalLinkExtension()], output_format="html"
    )
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


TAG = re.compile(r"(<[^>]*>)")


def mark_chinese(text):
    """Text as safe HTML with every run of Chinese in <span lang="zh-Hans"> (for mixed strings).

    Plain text is escaped first; HTML already marked safe (a highlighted snippet) keeps its tags and
    only the text between them is marked.
    """
    html = str(text) if isinstance(text, SafeData) else str(escape(text))
    pieces = TAG.split(html)
    for index in range(0, len(pieces), 2):  # even pieces are text, odd ones are tags
        pieces[index] = CHINESE_RUN.sub(lambda match: f'<span lang="zh-Hans">{match.group(0)}</span>', pieces[index])
    return mark_safe("".join(pieces))


# A run of Latin words (a name or an English quotation) inside Chinese text.
# Latin letters, digits and the marks inside names, spelled out: \w would also take Chinese characters.
LATIN_WORD = r"[A-Za-z0-9_\u00C0-\u024F'’.\-/]"
LATIN_RUN = re.compile(
    rf"[A-Za-z\u00C0-\u024F]{LATIN_WORD}*(?:[ ,:;&()\-–/…]+[A-Za-z0-9\u00C0-\u024F]{LATIN_WORD}*)*[.)]?"
)


def mark_english_names(text):
    """Chinese text as safe HTML with each run of Latin words in <span lang="en" translate="no">.

    The editors' Chinese keeps English only for names and the article's wording, quoted as written; text
    without Chinese is returned escaped as it is (its element is marked lang="en").
    """
    html = str(text) if isinstance(text, SafeData) else str(escape(text))
    pieces = TAG.split(html)
    if not any(CHINESE_RUN.search(piece) for piece in pieces[::2]):
        return mark_safe(html)
    for index in range(0, len(pieces), 2):
        pieces[index] = LATIN_RUN.sub(
            lambda match: f'<span lang="en" translate="no">{match.group(0)}</span>', pieces[index]
        )
    return mark_safe("".join(pieces))
