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

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 640
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
INK = "#1d1d1f"
MUTED = "#4a4a4f"
GRID = "#d9d4cc"
BAR = "#8a3a12"
ROW = 34  # height of one bar or dot row
CHAR_WIDTH = 7.6  # rough width of one 13px character, to size the label column


def plain_number(value):
    """2.3000 -> '2.3'; 1800000.0000 -> '1800000' (never '1.8E+6', unlike Decimal.normalize)."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_number(value):
    """1800000 -> '1,800,000'; 2.3000 -> '2.3'; 1950 -> '1950' (years are not grouped)."""
    value = Decimal(value)
    text = plain_number(value)
    if abs(value) >= 10000:
        whole, _, fraction = text.partition(".")
        text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return text


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
    """One series as an SVG element tree; `inline()` for pages, `standalone()` for the download."""

    def __init__(self, series, points=None):
        self.series = series
        self.points = list(series.points.all() if points is None else points)
        self.title_id = f"chart-{series.slug}-title"
        self.desc_id = f"chart-{series.slug}-desc"

    # Text ------------------------------------------------------------------

    def value_label(self, point):
        # "58%" reads better than "58" beside a bar; other units are on the axis.
        return point.display_value + ("%" if self.series.unit.startswith("%") else "")

    def value_text(self, point):
        return f"{point.display_value} {self.series.unit}".strip()

    @property
    def description(self):
        values = "; ".join(f"{point.label}: {self.value_text(point)}" for point in self.points)
        parts = [f"{self.series.get_kind_display()}.", _("Values: %(values)s.") % {"values": values}]
        if self.series.lower_is_better:
            parts.append(_("Lower is better: 1st is the top rank."))
        if self.series.caption:
            parts.append(self.series.caption)
        return " ".join(parts)

    # Output ----------------------------------------------------------------

    @property
    def svg(self):
        # Safe: ElementTree escaped every piece of text while building the markup.
        return mark_safe(self.inline())

    def inline(self):
        """Markup for an HTML page: scales to the column width."""
        return ET.tostring(self.build(standalone=False), encoding="unicode")

    def standalone(self, page_url=""):
        """A complete .svg file; it carries its source and licence, as every export does."""
        body = ET.tostring(self.build(standalone=True, page_url=page_url), encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

    def credits(self, page_url):
        lines = textwrap.wrap(_("Source: %(source)s.") % {"source": self.series.source}, width=110)
        licence = _("Licence: %(licence)s %(url)s") % {
            "licence": settings.CONTENT_LICENSE,
            "url": settings.CONTENT_LICENSE_URL,
        }
        lines.append(f"{_(settings.SITE_NAME)} {page_url} · {licence}")
        return lines

    def build(self, standalone, page_url=""):
        drawing, height = self.draw()
        credits = self.credits(page_url) if standalone else []
        if credits:
            footer = ET.SubElement(drawing, "g", {"font-size": "10", "fill": MUTED})
            for line in credits:
                height += 14
                self.text(footer, 4, height - 4, line)
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
            root.set("width", str(WIDTH))
            root.set("height", str(height))
        else:
            root.set("width", "100%")
        title = ET.SubElement(root, "title", {"id": self.title_id})
        title.text = self.series.name
        desc = ET.SubElement(root, "desc", {"id": self.desc_id})
        desc.text = self.description
        if standalone:
            ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
        root.append(drawing)
        return root

    def draw(self):
        if not self.points:
            g = self.group()
            self.text(g, 10, 24, _("No data points yet."))
            return g, 40
        # A line needs numeric years on its x axis; other labels fall back to bars.
        if self.series.kind == "line" and all(p.label.isdigit() for p in self.points):
            return self.draw_line()
        return self.draw_rows(dots=self.series.kind == "dot")

    # Drawing helpers -------------------------------------------------------

    def group(self):
        return ET.Element("g", {"font-family": FONT, "font-size": "13", "fill": INK})

    @staticmethod
    def text(parent, x, y, content, **attributes):
        element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attributes})
        element.text = content
        return element

    @staticmethod
    def line(parent, x1, y1, x2, y2, colour=MUTED):
        ET.SubElement(
            parent,
            "line",
            {"x1": f"{x1:.1f}", "y1": f"{y1:.1f}", "x2": f"{x2:.1f}", "y2": f"{y2:.1f}", "stroke": colour},
        )

    def value_ticks(self, include_zero):
        values = [p.value for p in self.points] + [p.value_high for p in self.points if p.is_range]
        low, high = min(values), max(values)
        if include_zero:
            low = min(low, 0)
        else:
            # Years: pad so the first and last dots do not sit on the frame.
            padding = max((high - low) / 10, 5)
            low, high = low - padding, high + padding
        return nice_ticks(low, high)

    def axis_title(self):
        title = self.series.unit
        if self.series.lower_is_better:
            title += " " + _("(lower is better)")
        return title

    # Horizontal bars or dots: one row per point, labels on the left ---------

    def draw_rows(self, dots):
        g = self.group()
        label_width = max(len(p.label) for p in self.points) * CHAR_WIDTH if self.points else 40
        left = min(max(label_width + 16, 80), 340)
        right = WIDTH - 90  # room for the value labels
        top = 24
        bottom_of_rows = top + ROW * len(self.points)
        ticks = self.value_ticks(include_zero=not dots)
        low, high = float(ticks[0]), float(ticks[-1])

        def x(value):
            return left + (float(value) - low) / (high - low) * (right - left)

        for tick in ticks:
            self.line(g, x(tick), top, x(tick), bottom_of_rows, GRID)
            self.text(g, x(tick), bottom_of_rows + 16, format_number(tick), **{"text-anchor": "middle", "fill": MUTED})
        self.line(g, left, bottom_of_rows, right, bottom_of_rows)
        self.text(g, (left + right) / 2, bottom_of_rows + 38, self.axis_title(), **{"text-anchor": "middle"})
        if self.series.label_title:
            self.text(g, 4, 14, self.series.label_title, **{"fill": MUTED, "font-size": "11"})

        for index, point in enumerate(self.points):
            middle = top + ROW * index + ROW / 2
            self.text(g, left - 8, middle + 4, point.label, **{"text-anchor": "end"})
            if dots:
                dot = {"cx": f"{x(point.value):.1f}", "cy": f"{middle:.1f}", "r": "6", "fill": BAR}
                ET.SubElement(g, "circle", dot)
                end = x(point.value) + 6
            else:
                start = x(point.value if point.is_range else 0)
                end = x(point.value_high if point.is_range else point.value)
                ET.SubElement(
                    g,
                    "rect",
                    {
                        "x": f"{min(start, end):.1f}",
                        "y": f"{middle - ROW * 0.3:.1f}",
                        "width": f"{max(abs(end - start), 1):.1f}",
                        "height": f"{ROW * 0.6:.1f}",
                        "fill": BAR,
                    },
                )
            self.text(g, end + 6, middle + 4, self.value_label(point), **{"font-weight": "bold"})
        return g, bottom_of_rows + 52

    # Line over years: x is proportional to the year ------------------------

    def draw_line(self):
        g = self.group()
        left, right, top, bottom = 80, WIDTH - 50, 24, 250
        years = [float(p.label) for p in self.points]
        first, last = min(years), max(years)
        span = (last - first) or 1
        ticks = self.value_ticks(include_zero=True)
        low, high = float(ticks[0]), float(ticks[-1])

        def x(year):
            return left + (year - first) / span * (right - left)

        def y(value):
            return bottom - (float(value) - low) / (high - low) * (bottom - top)

        for tick in ticks:
            self.line(g, left, y(tick), right, y(tick), GRID)
            self.text(g, left - 8, y(tick) + 4, format_number(tick), **{"text-anchor": "end", "fill": MUTED})
        self.line(g, left, bottom, right, bottom)
        self.text(
            g, 16, (top + bottom) / 2, self.axis_title(),
            **{"text-anchor": "middle", "transform": f"rotate(-90 16 {(top + bottom) / 2:.1f})"},
        )
        self.text(g, (left + right) / 2, bottom + 40, self.series.label_title, **{"text-anchor": "middle"})
        coordinates = " ".join(f"{x(year):.1f},{y(p.value):.1f}" for year, p in zip(years, self.points))
        ET.SubElement(g, "polyline", {"points": coordinates, "fill": "none", "stroke": BAR, "stroke-width": "3"})
        for year, point in zip(years, self.points):
            ET.SubElement(g, "circle", {"cx": f"{x(year):.1f}", "cy": f"{y(point.value):.1f}", "r": "5", "fill": BAR})
            self.text(
                g, x(year), y(point.value) - 10, self.value_label(point),
                **{"text-anchor": "middle", "font-weight": "bold"},
            )
            self.text(g, x(year), bottom + 18, point.label, **{"text-anchor": "middle", "fill": MUTED})
        return g, bottom + 52
