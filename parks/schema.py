"""A park of the catalogue, declared once: what each field is called, what it holds and where it appears.

The downloads (CSV, JSON, workbook: parks/exports.py), the API's park records, the data package, the
SQLite dataset's parks table (opendata/) and the admin's import (parks/resources.py) all read FIELDS, in
its order; docs/adding-a-catalogue-field.md says how to add one.
"""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from parks.models import AreaKind, Confidence, Fact, Level, Status, ZoneType

# Where a field appears.
DOWNLOADS = "downloads"  # the catalogue's CSV, JSON and workbook downloads
API = "api"  # the API's park records, in the list and for one park
API_DETAIL = "api-detail"  # the API's record of one park only
DATASET = "dataset"  # the SQLite dataset's parks table, its CSV and the data package
IMPORT = "import"  # the admin's import and export files
EVERYWHERE = frozenset({DOWNLOADS, API, DATASET, IMPORT})

# Table Schema types (frictionless); LIST is a many-to-many field, a list in JSON and the API, its
# items joined by "; " in a CSV cell.
STRING, INTEGER, NUMBER, BOOLEAN, DATE, LIST = "string", "integer", "number", "boolean", "date", "list"
# How the Data page names each type.
TYPE_LABELS = {
    STRING: _("Text"),
    INTEGER: _("Whole number"),
    NUMBER: _("Number"),
    BOOLEAN: _("Yes or no"),
    DATE: _("Date (YYYY-MM-DD)"),
    LIST: _("List (items separated by “; ” in the CSV)"),
}


@dataclass(frozen=True)
class CatalogueField:
    # The Park model's field; also the column's name in the CSV, the JSON, the API and the SQLite file.
    name: str
    label: str
    type: str = STRING
    description: str = ""
    # The provenance key (Fact, parks/provenance.py) whose sources give this value: its <fact>_sources column.
    fact: str = ""
    # The import file's column, where the researchers' fact sheet names it otherwise.
    import_column: str = ""
    # Coded values: codes in the API, the dataset and the import, their labels in the downloads.
    choices: object = None  # a TextChoices class
    # A related record (foreign key or list): its name fields, English then Chinese. The downloads show
    # the name in their language; the API, the dataset and the import name a foreign key by its slug.
    names: tuple = ()
    # The model field with the Chinese value, shown in Chinese downloads where one was entered.
    chinese: str = ""
    required: bool = False
    shown_in: frozenset = EVERYWHERE

    @property
    def column(self):
        return self.import_column or self.name

    @property
    def is_list(self):
        return self.type == LIST

    @property
    def table_type(self):
        """The Table Schema type of its CSV column (a list is one text cell)."""
        return STRING if self.is_list else self.type

    @property
    def type_label(self):
        return TYPE_LABELS[self.type]

    @property
    def codes(self):
        return [value for value, _label in self.choices.choices] if self.choices else []


FIELDS = [
    CatalogueField("slug", _("Slug"), required=True, description=_("The park's identifier in the site's URLs.")),
    CatalogueField("name_en", _("English name"), required=True),
    CatalogueField("name_zh", _("Chinese name"), fact=Fact.NAME_ZH, description=_("Empty when unknown.")),
    CatalogueField(
        "article_name", _("Name in the article"), description=_("The name as the article writes it, where it differs.")
    ),
    CatalogueField("province", _("Province"), required=True, names=("name_en", "name_zh")),
    CatalogueField("city", _("City"), chinese="city_zh"),
    CatalogueField("zone_type", _("Zone type"), choices=ZoneType, required=True),
    CatalogueField(
        "level", _("Level"), choices=Level, fact=Fact.LEVEL, description=_("Empty when the zone is unidentified.")
    ),
    CatalogueField(
        "path",
        _("Development path"),
        names=("name", "name_zh"),
        fact=Fact.PATH,
        description=_("The article's grouping; empty for zones it does not group."),
    ),
    CatalogueField("established_year", _("Year established"), INTEGER, fact=Fact.ESTABLISHED_YEAR),
    CatalogueField("national_year", _("Year raised to national level"), INTEGER, fact=Fact.NATIONAL_YEAR),
    CatalogueField(
        "status",
        _("Status"),
        choices=Status,
        fact=Fact.STATUS,
        description=_("Active, merged, upgraded or abolished; empty when no source gives it."),
    ),
    CatalogueField(
        "status_year",
        _("Year of status"),
        INTEGER,
        fact=Fact.STATUS,
        description=_("When the zone was merged, upgraded or abolished."),
    ),
    CatalogueField(
        "successor",
        _("Became"),
        names=("name_en", "name_zh"),
        fact=Fact.STATUS,
        description=_("The catalogued zone it was merged into or upgraded to (its slug)."),
    ),
    CatalogueField(
        "area_km2",
        _("Area (km²)"),
        NUMBER,
        fact=Fact.AREA,
        description=_("Area in square kilometres, of the kind the next column names; see the area note."),
    ),
    CatalogueField(
        "area_note",
        _("Area note"),
        chinese="area_note_zh",
        description=_("What the area measures; sources often differ."),
    ),
    CatalogueField(
        "area_kind",
        _("Kind of area"),
        choices=AreaKind,
        fact=Fact.AREA,
        description=_("Planned, approved or under management; empty when the source does not say."),
    ),
    CatalogueField("latitude", _("Latitude"), NUMBER, fact=Fact.COORDINATES, description=_("Degrees north.")),
    CatalogueField("longitude", _("Longitude"), NUMBER, fact=Fact.COORDINATES, description=_("Degrees east.")),
    CatalogueField(
        "coord_note",
        _("Coordinates note"),
        chinese="coord_note_zh",
        description=_("Approximate positions (a city centre) say so here."),
    ),
    CatalogueField(
        "coordinates_approximate",
        _("Coordinates are approximate"),
        BOOLEAN,
        fact=Fact.COORDINATES,
        description=_("True when the position stands in for the zone (a city centre)."),
    ),
    CatalogueField(
        "industries",
        _("Leading industries"),
        LIST,
        names=("name", "name_zh"),
        fact=Fact.INDUSTRIES,
        import_column="leading_industries",
        shown_in=frozenset({DOWNLOADS, API, IMPORT}),
    ),
    CatalogueField(
        "sources",
        _("Sources"),
        LIST,
        names=("citation",),
        shown_in=frozenset({DOWNLOADS, API, IMPORT}),
        description=_("The documents this park's facts come from."),
    ),
    CatalogueField(
        "confidence", _("Confidence"), choices=Confidence, description=_("How sure the compilers are of the facts.")
    ),
    CatalogueField(
        "description", _("Description"), description=_("Markdown."), shown_in=frozenset({API_DETAIL, DATASET, IMPORT})
    ),
    CatalogueField(
        "notes",
        _("Notes"),
        chinese="notes_zh",
        description=_("Research notes."),
        shown_in=frozenset({DOWNLOADS, API_DETAIL, DATASET, IMPORT}),
    ),
]


def fields(where):
    """The fields shown in one place (DOWNLOADS, API, API_DETAIL, DATASET or IMPORT), in declared order.

    Read when a download, a record or a file is made, not when a module loads: a declared field is
    everywhere at once. The API's record of one park has the list's fields too.
    """
    places = {API, API_DETAIL} if where == API_DETAIL else {where}
    return [field for field in FIELDS if field.shown_in & places]


def numeric_fields(where=DOWNLOADS):
    """The decimal fields, read as floats (the downloads and the API write no padding zeros)."""
    return [field.name for field in fields(where) if field.type == NUMBER]


# The downloads' columns after the fields: the park's page, the sources of each fact, the licence.
PERMALINK = CatalogueField("permalink", _("Permalink"), description=_("This park's page on the site."))
LICENCE = CatalogueField("licence", _("Licence"), description=_("The licence of the compiled data."))


def provenance_fields():
    return [
        CatalogueField(
            f"{fact.value}_sources",
            format_lazy(_("Sources: {fact}"), fact=fact.label),
            description=_("The sources that give this fact, each with its note in brackets, separated by “;”."),
        )
        for fact in Fact
    ]


def download_columns():
    """Every column of the CSV download, in order (the JSON gives provenance as one object instead)."""
    return [*fields(DOWNLOADS), PERMALINK, *provenance_fields(), LICENCE]
