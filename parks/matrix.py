"""The province × development-path cross-tab of published parks, from one aggregate query."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parks.models import NO_PATH, Park
from publishing.bilingual import other, pick
from publishing.generation import cached_for_generation

NO_PATH_LABEL = gettext_lazy("No path")


def list_url(**filters):
    """The catalogue filtered as the cell says; every cell of the matrix links here."""
    query = urlencode({name: value for name, value in filters.items() if value})
    return reverse("parks:list") + (f"?{query}" if query else "")


@dataclass
class Cell:
    count: int
    url: str
    label: str = ""  # what the number counts, for screen readers ("Jilin, Co-city development")


@dataclass
class Column:
    slug: str
    name: str


@dataclass
class Row:
    slug: str
    name: str
    name_zh: str
    other_name: str = ""  # the Chinese name beside the English one, on English pages
    cells: list = field(default_factory=list)
    total: Cell | None = None


@dataclass
class ProvincePathMatrix:
    columns: list
    rows: list
    column_totals: list
    total: Cell

    @property
    def header(self):
        return [_("Province"), _("Province (Chinese)")] + [column.name for column in self.columns] + [_("Total")]

    def table(self):
        """Rows of plain values, totals last: the CSV body."""
        rows = [[row.name, row.name_zh] + [cell.count for cell in row.cells] + [row.total.count] for row in self.rows]
        rows.append([_("All provinces"), ""] + [cell.count for cell in self.column_totals] + [self.total.count])
        return rows

    def as_dict(self):
        return {
            "columns": [{"slug": column.slug, "name": column.name} for column in self.columns],
            "rows": [
                {
                    "province": row.slug,
                    "name": row.name,
                    "name_zh": row.name_zh,
                    "counts": {column.slug: cell.count for column, cell in zip(self.columns, row.cells)},
                    "total": row.total.count,
                }
                for row in self.rows
            ],
            "column_totals": {column.slug: cell.count for column, cell in zip(self.columns, self.column_totals)},
            "total": self.total.count,
        }


def province_path_matrix(parks=None):
    """Count published parks per province and path in one GROUP BY query.

    Rows and path columns are the provinces and paths that have published parks, so the
    labels come from the same query; "No path" is always shown.
    """
    parks = Park.objects.published() if parks is None else parks
    groups = list(
        parks.order_by()
        .values(
            "province__slug",
            "province__name_en",
            "province__name_zh",
            "path__slug",
            "path__name",
            "path__name_zh",
            "path__order",
        )
        .annotate(parks=Count("pk"))
    )
    paths = {
        (g["path__order"], g["path__name"], g["path__slug"], pick(g["path__name"], g["path__name_zh"]))
        for g in groups
        if g["path__slug"]
    }
    columns = [Column(slug, shown) for _order, _name, slug, shown in sorted(paths)]
    columns.append(Column(NO_PATH, str(NO_PATH_LABEL)))
    provinces = sorted({(g["province__name_en"], g["province__slug"], g["province__name_zh"]) for g in groups})
    counts = {(g["province__slug"], g["path__slug"] or NO_PATH): g["parks"] for g in groups}

    rows = []
    for name_en, slug, name_zh in provinces:
        name = pick(name_en, name_zh)
        cells = [
            Cell(
                counts.get((slug, c.slug), 0),
                list_url(province=slug, path=c.slug),
                _("%(province)s, %(path)s") % {"province": name, "path": c.name},
            )
            for c in columns
        ]
        total = Cell(
            sum(cell.count for cell in cells),
            list_url(province=slug),
            _("%(province)s, all paths") % {"province": name},
        )
        rows.append(Row(slug, name, name_zh, other(name_zh), cells, total))
    column_totals = [
        Cell(
            sum(row.cells[index].count for row in rows),
            list_url(path=column.slug),
            _("all provinces, %(path)s") % {"path": column.name},
        )
        for index, column in enumerate(columns)
    ]
    return ProvincePathMatrix(
        columns=columns,
        rows=rows,
        column_totals=column_totals,
        total=Cell(sum(cell.count for cell in column_totals), list_url(), _("all provinces, all paths")),
    )


def published_matrix():
    """The matrix of every published park, counted once per content generation (rustbelt/cache.py).

    Every list page, the article and the downloads show the same matrix, so they share one count.
    """
    return cached_for_generation("province-path-matrix", province_path_matrix)
