"""Charts of the article's data series, drawn on the server as accessible SVG.

The markup is built with ElementTree, so every label is escaped and the output is well-formed.
Only presentation attributes (fill=, font-size=) are used, never style=, so the inline SVG passes
a Content-Security-Policy without 'unsafe-inline'.
"""

import math
import textwrap
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from publishing.bilingual import is_chinese

SVG_NS = "http://www.w3.org/2000/svg"
# Drawn narrow, for phones: at 360 px the column is about 328 px wide, so 13-unit text renders at
# 11 px or more; the CSS caps the drawing's width (.chart-svg) so text never outgrows the body text.
WIDTH = 380
# The download is the same drawing shown at this width.
STANDALONE_WIDTH = 640
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
FONT_SIZE = 13  # the smallest text on a chart; nothing is drawn smaller
INK = "#1d1d1f"
MUTED = "#4a4a4f"
GRID = "#d9d4cc"
BAR = "#8a3a12"
CHAR_WIDTH = 7.4  # rough width of one 13-unit character, to wrap labels and leave room for values
LINE = 17  # one line of 13-unit text
AXIS_GAP = 4  # more room above an axis title: a Chinese line's glyph box is taller than LINE
BAR_HEIGHT = 18
HALO = {"stroke": "#fdfcf9", "stroke-width": "4", "paint-order": "stroke", "stroke-linejoin": "round"}


def plain_number(value):
    """2.3000 -> '2.3'; 1800000.0000 -> '1800000' (never '1.8E+6', unlike Decimal.normalize)."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value, grouped=True):
    """One format everywhere: 1800000 -> '1,800,000'; 7302.59 -> '7,302.59'; 2.3000 -> '2.3'.

    The article's decimals are kept as stated. Years are not numbers to read as amounts, so callers
    pass grouped=False for them (1950, not 1,950).
    """
    text = plain_number(Decimal(value))
    if grouped:
        whole, _point, fraction = text.partition(".")
        text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return text


def ordinal(value):
    number = int(value)
    if is_chinese():
        return f"第{number}位"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def nice_ticks(low, high, count=5):
    """Round tick values covering [low, high] (Heckbert's 'nice numbers')."""
    low, high = float(low), float(high)
    if high <= low:
        high = low + 1
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    ticks = []
    tick = start
    while tick <= stop + step / 2:
        ticks.append(Decimal(str(round(tick, 10))))
        tick += step
    return ticks


class Chart:
    """One series as an SVG element tree; `inline()` for pages, `standalone()` for the download.

    A single value is not drawn: the page states it as a figure (`is_single`).
    """

    def __init__(self, series, points=None):
        self.series = series
        self.points = list(series.points.all() if points is None else points)
        self.title_id = f"chart-{series.slug}-title"
        self.desc_id = f"chart-{series.slug}-desc"

    @property
    def interface_lang(self):
        """The page's language as an HTML lang value, where it differs from the article's English.

        The drawing's words are the editors' Chinese on Chinese pages where entered; its description and the
        words of axis titles are interface text in the page's language.
        """
        return "zh-Hans" if is_chinese() else ""

    def interface(self):
        return {"lang": self.interface_lang} if self.interface_lang else {}

    @property
    def is_single(self):
        return len(self.points) == 1

    @property
    def is_rank(self):
        return self.series.lower_is_better

    @property
    def single_value(self):
        return self.value_label(self.points[0]) if self.is_single else ""

    @property
    def single_unit(self):
        # "58%" already says percent: "of its total population" follows it.
        unit = self.series.display_unit
        return unit[1:].strip() if unit.startswith("%") else unit

    # Text ------------------------------------------------------------------

    def value_label(self, point):
        # "58%" reads better than "58" beside a bar; other units are on the axis. Ranks read "12th".
        if self.is_rank and not point.is_range:
            return ordinal(point.value)
        return point.display_value + ("%" if self.series.unit.startswith("%") else "")

    def value_text(self, point):
        return f"{point.display_value} {self.series.display_unit}".strip()

    @property
    def description(self):
        values = pgettext("between list items", "; ").join(
            f"{point.display_label}{pgettext('before an explanation', ': ')}{self.value_text(point)}"
            for point in self.points
        )
        parts = [f"{self.series.get_kind_display()}.", _("Values: %(values)s.") % {"values": values}]
        if self.series.lower_is_better:
            parts.append(_("Lower is better: 1st is the top rank."))
        if self.series.display_caption:
            parts.append(self.series.display_caption)
        return " ".join(parts)

    # Output ----------------------------------------------------------------

    @property
    def svg(self):
        # Safe: ElementTree escaped every piece of text while building the markup.
        return mark_safe(self.inline())

    def inline(self):
        """Markup for an HTML page: scales to the column width (capped in CSS)."""
        return ET.tostring(self.build(standalone=False), encoding="unicode")

    def standalone(self, page_url=""):
        """A complete .svg file; it carries its source and licence, as every export does."""
        body = ET.tostring(self.build(standalone=True, page_url=page_url), encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

    def credits(self, page_url):
        lines = textwrap.wrap(_("Source: %(source)s.") % {"source": self.series.source}, width=60)
        lines.append(f"{_(settings.SITE_NAME)} {page_url}")
        lines.append(
            _("Licence: %(licence)s %(url)s")
            % {"licence": settings.CONTENT_LICENSE, "url": settings.CONTENT_LICENSE_URL}
        )
        return lines

    def build(self, standalone, page_url=""):
        drawing, height = self.draw()
        credits = self.credits(page_url) if standalone else []
        if credits:
            footer = ET.SubElement(drawing, "g", {"font-size": "10", "fill": MUTED})
            for line in credits:
                height += 13
                self.text(footer, 4, height - 3, line)
            height += 6
        root = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "viewBox": f"0 0 {WIDTH} {height}",
                "role": "img",
                "aria-labelledby": f"{self.title_id} {self.desc_id}",
                "class": "chart-svg",
            },
        )
        if standalone:
            root.set("width", str(STANDALONE_WIDTH))
            root.set("height", f"{height * STANDALONE_WIDTH / WIDTH:.0f}")
        else:
            root.set("width", "100%")
        title = ET.SubElement(root, "title", {"id": self.title_id})
        title.text = self.series.display_name
        desc = ET.SubElement(root, "desc", {"id": self.desc_id, **self.interface()})
        desc.text = self.description
        if standalone:
            ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
        root.append(drawing)
        return root

    def draw(self):
        if not self.points:
            g = self.group()
            self.text(g, 10, 24, _("No data points yet."), **self.interface())
            return g, 40
        if self.is_rank:
            return self.draw_ranks()
        # A line needs numeric years on its x axis; other labels fall back to bars.
        if self.series.kind == "line" and all(p.label.isdigit() for p in self.points):
            return self.draw_line()
        return self.draw_rows(dots=self.series.kind == "dot")

    # Drawing helpers -------------------------------------------------------

    def group(self):
        return ET.Element("g", {"font-family": FONT, "font-size": str(FONT_SIZE), "fill": INK})

    @staticmethod
    def text(parent, x, y, content, **attributes):
        element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attributes})
        element.text = content
        return element

    @staticmethod
    def line(parent, x1, y1, x2, y2, colour=MUTED):
        """A line element, added to parent when one is given."""
        attributes = {"x1": f"{x1:.1f}", "y1": f"{y1:.1f}", "x2": f"{x2:.1f}", "y2": f"{y2:.1f}", "stroke": colour}
        element = ET.Element("line", attributes)
        if parent is not None:
            parent.append(element)
        return element

    def value_ticks(self, include_zero, count=5):
        values = [p.value for p in self.points] + [p.value_high for p in self.points if p.is_range]
        low, high = min(values), max(values)
        if include_zero:
            low = min(low, 0)
        else:
            # Years: pad so the first and last dots do not sit on the frame.
            padding = max((high - low) / 10, 5)
            low, high = low - padding, high + padding
        return nice_ticks(low, high, count)

    def axis_title(self):
        title = self.series.display_unit
        if self.series.lower_is_better:
            # The Chinese parenthesis is full width, with its own space.
            title += ("" if is_chinese() else " ") + _("(lower is better)")
        return title

    def axis_title_lang(self):
        # One language per title: an untranslated unit is the article's English, even beside interface words.
        if self.series.is_translated:
            return self.interface()
        return {"lang": "en"} if self.interface_lang else {}

    def tick_label(self, tick):
        return format_number(tick, grouped=self.series.unit != "year")

    # Horizontal bars or dots: each label on its own line above its bar --------

    def draw_rows(self, dots):
        """Labels above the bars, so long labels wrap instead of squeezing the bars on a phone."""
        g = self.group()
        longest_value = max(len(self.value_label(point)) for point in self.points)
        left, right = 4, WIDTH - 10 - longest_value * CHAR_WIDTH
        ticks = self.value_ticks(include_zero=not dots, count=3)
        low, high = float(ticks[0]), float(ticks[-1])

        def x(value):
            return left + (float(value) - low) / (high - low) * (right - left)

        y = 4
        rows = []
        for point in self.points:
            lines = textwrap.wrap(point.display_label, width=int(WIDTH / CHAR_WIDTH)) or [""]
            for line in lines:
                y += LINE
                # A halo in the page colour keeps the label readable where a grid line crosses it.
                self.text(g, left, y - 4, line, **HALO)
            # AXIS_GAP: a Chinese label's glyph box reaches lower than a Latin one's, down to the value beside the bar.
            rows.append((point, y + BAR_HEIGHT / 2 + 2 + AXIS_GAP))
            y += BAR_HEIGHT + 12 + AXIS_GAP
        bottom = y
        # Every tick labelled under the rows: a range bar or a dot is read against the scale.
        for tick in ticks:
            # Under the labels already drawn: first in the group, so painted first.
            g.insert(0, self.line(None, x(tick), 8, x(tick), bottom, GRID))
            anchor = "start" if tick == ticks[0] else "end" if tick == ticks[-1] else "middle"
            self.text(g, x(tick), bottom + LINE, self.tick_label(tick), **{"text-anchor": anchor, "fill": MUTED})
        for point, middle in rows:
            if dots:
                ET.SubElement(
                    g, "circle", {"cx": f"{x(point.value):.1f}", "cy": f"{middle:.1f}", "r": "6", "fill": BAR}
                )
                end = x(point.value) + 6
            else:
                start = x(point.value if point.is_range else 0)
                end = x(point.value_high if point.is_range else point.value)
                ET.SubElement(
                    g,
                    "rect",
                    {
                        "x": f"{min(start, end):.1f}",
                        "y": f"{middle - BAR_HEIGHT / 2:.1f}",
                        "width": f"{max(abs(end - start), 1):.1f}",
                        "height": f"{BAR_HEIGHT:.1f}",
                        "fill": BAR,
                    },
                )
            self.text(g, end + 6, middle + 4.5, self.value_label(point), **{"font-weight": "bold"})
        # A Chinese glyph's box is taller than a Latin one's: AXIS_GAP keeps the title clear of the ticks.
        bottom += 2 * LINE + AXIS_GAP
        self.text(g, left, bottom, self.axis_title(), **{"fill": MUTED, **self.axis_title_lang()})
        return g, bottom + 8

    # Ranks: a dot plot with rank 1 at the top -------------------------------

    def draw_ranks(self):
        g = self.group()
        left, right, top = 48, WIDTH - 16, 16
        worst = max(int(p.value_high if p.is_range else p.value) for p in self.points)
        lowest = 5 * math.ceil((worst + 1) / 5)  # a round bottom rank below the worst one
        bottom = top + 180

        def y(rank):
            return top + (float(rank) - 1) / (lowest - 1) * (bottom - top)

        for tick in [1, *range(5, lowest + 1, 5)]:
            self.line(g, left, y(tick), right, y(tick), GRID)
            self.text(g, left - 8, y(tick) + 4.5, ordinal(tick), **{"text-anchor": "end", "fill": MUTED})
        step = (right - left) / len(self.points)
        for index, point in enumerate(self.points):
            middle = left + step * (index + 0.5)
            ET.SubElement(g, "circle", {"cx": f"{middle:.1f}", "cy": f"{y(point.value):.1f}", "r": "7", "fill": BAR})
            self.text(g, middle + 12, y(point.value) + 4.5, self.value_label(point), **{"font-weight": "bold"})
            self.text(g, middle, bottom + LINE + 2, point.display_label, **{"text-anchor": "middle"})
        self.text(
            g, 4, bottom + 2 * LINE + 10 + AXIS_GAP, self.axis_title(), **{"fill": MUTED, **self.axis_title_lang()}
        )
        return g, bottom + 2 * LINE + 18 + AXIS_GAP

    # Line over years: x is proportional to the year ------------------------

    def draw_line(self):
        g = self.group()
        left, right, top, bottom = 44, WIDTH - 28, 28, 200
        years = [float(p.label) for p in self.points]
        first, last = min(years), max(years)
        span = (last - first) or 1
        ticks = self.value_ticks(include_zero=True, count=4)
        low, high = float(ticks[0]), float(ticks[-1])

        def x(year):
            return left + (year - first) / span * (right - left)

        def y(value):
            return bottom - (float(value) - low) / (high - low) * (bottom - top)

        for tick in ticks:
            self.line(g, left, y(tick), right, y(tick), GRID)
            self.text(g, left - 6, y(tick) + 4.5, self.tick_label(tick), **{"text-anchor": "end", "fill": MUTED})
        self.line(g, left, bottom, right, bottom)
        coordinates = " ".join(f"{x(year):.1f},{y(p.value):.1f}" for year, p in zip(years, self.points))
        ET.SubElement(g, "polyline", {"points": coordinates, "fill": "none", "stroke": BAR, "stroke-width": "3"})
        for year, point in zip(years, self.points):
            ET.SubElement(g, "circle", {"cx": f"{x(year):.1f}", "cy": f"{y(point.value):.1f}", "r": "5", "fill": BAR})
            # The first value reads rightwards from its dot and the last leftwards, so neither reaches
            # the value axis's labels or runs off the drawing.
            anchor = "start" if year == first else "end" if year == last else "middle"
            offset = {"start": -4, "end": 4, "middle": 0}[anchor]
            self.text(
                g,
                x(year) + offset,
                y(point.value) - 10,
                self.value_label(point),
                **{"text-anchor": anchor, "font-weight": "bold", **HALO},
            )
            # Low enough to clear the value axis's "0" beside the corner.
            self.text(
                g,
                x(year),
                bottom + LINE + 4 + AXIS_GAP,
                point.display_label,
                **{"text-anchor": "middle", "fill": MUTED},
            )
        label = self.series.display_label_title.lower() or _("year")
        self.text(
            g,
            4,
            bottom + 2 * LINE + 10 + AXIS_GAP,
            _("%(axis)s, by %(label)s") % {"axis": self.axis_title(), "label": label},
            **{"fill": MUTED, **self.interface()},
        )
        return g, bottom + 2 * LINE + 18 + AXIS_GAP
