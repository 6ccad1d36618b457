"""The parks catalogue as shipped with the project (CSV copied from the researched fact sheet), and its loader.

Files in this folder:
- `northeast-parks.csv`, `northeast-provinces.csv`: the fact sheet, verbatim (see README.md).
- `paths.csv`: the article's three development paths with a short summary in the article's words, and
  the article subsection that describes each (`article_section`: `<article slug>#<section anchor>`).
- `article-names.csv`: how the article words the name of each park it groups into a path.
- `official-counts.csv`: the article's section 3 counts of the Northeast's zones (`label_zh`: the
  editors' translation of the article's wording).
- `places-zh.csv`: the standard Chinese names of the cities the fact sheet names (cities, capitals).
- `industries-zh.csv`: the editors' Chinese translations of the fact sheet's industry names.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from parks.models import DevelopmentPath, Industry, OfficialCount, Park, Province, Source
from rustbelt.publishing.loading import sync_record

CONTENT_DIR = Path(__file__).resolve().parent
ARTICLE_CITATION = (
    "Jia Xiaobing, 'Industrial Real Estate Park Revitalization in Major Rust Belts' "
    "(Introduction to Park Industrial Real Estate, ep. 89)"
)


def read_rows(name):
    with open(CONTENT_DIR / name, encoding="utf-8", newline="") as csv_file:
        return list(csv.DictReader(csv_file))


def split_list(cell):
    """Split a semicolon list; semicolons inside parentheses belong to one citation."""
    items, current, depth = [], [], 0
    for char in cell:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == ";" and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def decimal_or_none(cell, field_name):
    """The cell as the database will return it (quantized), so fingerprints compare equal after a reload."""
    if not cell.strip():
        return None
    places = Park._meta.get_field(field_name).decimal_places
    return Decimal(cell.strip()).quantize(Decimal(1).scaleb(-places))


def int_or_none(cell):
    return int(cell) if cell.strip() else None


def chinese_names(name, key):
    return {row[key]: row["name_zh"] for row in read_rows(name)}


def load_catalogue(report, force=False):
    """Create or update provinces, paths, industries, sources, parks and official counts."""
    provinces = load_provinces(report, force)
    paths = load_paths(report, force)
    load_parks(provinces, paths, report, force)
    load_official_counts(report, force)


def load_provinces(report, force):
    places = chinese_names("places-zh.csv", "name_en")
    provinces = {}
    for row in read_rows("northeast-provinces.csv"):
        values = {name: row[name] for name in ("name_en", "name_zh", "capital", "notes")}
        values["capital_zh"] = places.get(row["capital"], "")
        provinces[row["slug"]] = sync_record(Province, {"slug": row["slug"]}, values, report=report, force=force)
    return provinces


def article_section_id(reference):
    """The id of the section `<article slug>#<anchor>` names, or None while that article is not loaded."""
    article_slug, _, anchor = reference.partition("#")
    # The one link between the apps is this foreign key; its model is reached through it, not imported.
    section_model = DevelopmentPath._meta.get_field("article_section").related_model
    return section_model.objects.filter(article__slug=article_slug, slug=anchor).values_list("pk", flat=True).first()


def load_paths(report, force):
    # load_content loads the article first; without it the paths simply have no link yet.
    paths = {}
    for row in read_rows("paths.csv"):
        values = {
            "name": row["name"],
            "name_zh": row["name_zh"],
            "order": int(row["order"]),
            "summary": row["summary"],
            "article_section_id": article_section_id(row["article_section"]),
        }
        paths[row["slug"]] = sync_record(
            DevelopmentPath, {"slug": row["slug"]}, values, report=report, force=force
        )
    return paths


def get_or_create_named(model, lookup, defaults, report):
    # Industries and sources are bare names: nothing to edit, so no fingerprint.
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if created:
        report.created.append(f"{model._meta.verbose_name} {obj}")
    return obj


def with_chinese_name(industry, name_zh, report):
    # Fills an empty Chinese name only: a researcher's own translation is never replaced.
    if name_zh and not industry.name_zh:
        industry.name_zh = name_zh
        industry.save(update_fields=["name_zh"])
        report.updated.append(f"{industry._meta.verbose_name} {industry.name}")
    return industry


def load_parks(provinces, paths, report, force):
    article_names = {row["slug"]: row["article_name"] for row in read_rows("article-names.csv")}
    places = chinese_names("places-zh.csv", "name_en")
    industries_zh = chinese_names("industries-zh.csv", "name")
    for row in read_rows("northeast-parks.csv"):
        industries = [
            with_chinese_name(
                get_or_create_named(Industry, {"slug": slugify(name)}, {"name": name}, report),
                industries_zh.get(name, ""),
                report,
            )
            for name in split_list(row["leading_industries"])
        ]
        sources = [
            get_or_create_named(Source, {"citation": citation}, {}, report)
            for citation in split_list(row["sources"])
        ]
        path = paths.get(row["path"])
        values = {
            "name_en": row["name_en"],
            "name_zh": row["name_zh"],
            "article_name": article_names.get(row["slug"], ""),
            "province_id": provinces[row["province"]].pk,
            "city": row["city"],
            "city_zh": places.get(row["city"], ""),
            "zone_type": row["zone_type"],
            "level": row["level"],
            "path_id": path.pk if path else None,
            "established_year": int_or_none(row["established_year"]),
            "national_year": int_or_none(row["national_year"]),
            "area_km2": decimal_or_none(row["area_km2"], "area_km2"),
            "area_note": row["area_note"],
            "latitude": decimal_or_none(row["latitude"], "latitude"),
            "longitude": decimal_or_none(row["longitude"], "longitude"),
            "coord_note": row["coord_note"],
            "confidence": row["confidence"],
            "notes": row["notes"],
        }
        sync_record(
            Park,
            {"slug": row["slug"]},
            values,
            report=report,
            force=force,
            m2m={"industries": industries, "sources": sources},
        )


def load_official_counts(report, force):
    for row in read_rows("official-counts.csv"):
        values = {
            "count": int(row["count"]),
            "label": row["label"],
            "label_zh": row["label_zh"],
            "source": ARTICLE_CITATION + ", section 3",
            "notes": row["notes"],
        }
        sync_record(
            OfficialCount,
            {"zone_type": row["zone_type"], "level": row["level"]},
            values,
            report=report,
            force=force,
        )
