"""The parks catalogue as shipped with the project (CSV copied from the researched fact sheet), and its loader.

Files in this folder:
- `northeast-parks.csv`, `northeast-provinces.csv`: the fact sheet, verbatim (see README.md).
- `paths.csv`: the article's three development paths with a short summary in the article's words, and
  the article subsection that describes each (`article_section`: `<article slug>#<section anchor>`).
- `article-names.csv`: how the article words the name of each park it groups into a path.
- `official-counts.csv`: the article's section 3 counts of the Northeast's zones (`label_zh`: the
  editors' translation of the article's wording).
- `sources.csv`: every source as a record (publisher, date, language, kind, URL where known).
- `provenance.csv`: which source(s) give each fact of each park, with a note.
- `path-evidence.csv`: the article's sentences that place each park on its path, named or inferred.
- `article-mentions.csv`: the article's wording for each zone, linked to the real zone it most likely
  means (or to none); its `stand_in` column names the fact sheet's stand-in rows, which are not loaded.
- `added-zones.csv`: national-level zones missing from the fact sheet, added where a source names them
  (same columns as the fact sheet; each fact's source is in `provenance.csv`).
- `missing-zones.csv`: national-level zones the catalogue is known to lack (no source read yet).
- `zone-records.csv`: per park (fact sheet or added), what the fact sheet's columns cannot hold: its status
  (active, merged, upgraded, abolished), the year of it and the park it became, the kind of area
  (planned, approved, managed), and years and areas found since where the fact sheet's cell is empty; their
  sources are in `provenance.csv` (facts `status`, `area`, `established_year`, `national_year`).
- `zone-totals.csv`: per province and zone type, the number of national zones a published list or count
  gives, with its source (empty count: none found); the coverage page puts it beside the catalogue.
- `places-zh.csv`: the standard Chinese names of the cities the fact sheet names (cities, capitals).
- `industries-zh.csv`: the editors' Chinese translations of the fact sheet's industry names.
- `translations-zh.csv`: the editors' Chinese translations of the English notes, summaries, reasons and
  source descriptions, each keyed by the English text it translates (so an English text edited since has
  no translation until one is written for it, and Chinese pages show the English meanwhile).
- `aliases.csv`: short forms of zone names in common use (哈高新, 大连开发区), each with its park and
  where it comes from (its header comment says how); search finds the park by them.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from parks.models import (
    ArticleMention,
    DevelopmentPath,
    FactSource,
    Industry,
    MissingZone,
    OfficialCount,
    Park,
    PathEvidence,
    Province,
    Source,
    ZoneTotal,
    coordinates_are_approximate,
)
from publishing.loading import current_values, fingerprint, sync_record

CONTENT_DIR = Path(__file__).resolve().parent
# Mentions and path evidence point into this article by slug and anchor, as data (parks imports no article code).
ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
ARTICLE_CITATION = (
    "Jia Xiaobing, 'Industrial Real Estate Park Revitalization in Major Rust Belts' "
    "(Introduction to Park Industrial Real Estate, ep. 89)"
)


def read_rows(name):
    # Lines starting with # are a file's header comment (aliases.csv says where its names come from).
    with open(CONTENT_DIR / name, encoding="utf-8", newline="") as csv_file:
        return list(csv.DictReader(line for line in csv_file if not line.startswith("#")))


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


def editors_translations():
    """English text -> the editors' Chinese translation of it (translations-zh.csv)."""
    return {row["english"]: row["chinese"] for row in read_rows("translations-zh.csv")}


# The columns of the editors' translations, added after the first shipped loads (sync_record's newer_fields).
CHINESE_NOTES = ("notes_zh", "summary_zh", "citation_zh", "area_note_zh", "coord_note_zh", "note_zh", "reason_zh")
# Read afresh by each load_catalogue().
TRANSLATIONS = {}


def translated(english):
    """The editors' Chinese for this exact English text, or "" (Chinese pages then show the English)."""
    return TRANSLATIONS.get(english.strip(), "") if english else ""


def load_catalogue(report, force=False):
    """Create or update provinces, paths, industries, sources, parks and official counts."""
    TRANSLATIONS.clear()
    TRANSLATIONS.update(editors_translations())
    provinces = load_provinces(report, force)
    paths = load_paths(report, force)
    sources = load_sources(report, force)
    parks = load_parks(provinces, paths, sources, report, force)
    load_fact_sources(parks, sources, report, force)
    load_path_evidence(parks, paths, report, force)
    load_mentions(parks, report, force)
    load_aliases(parks, report)
    load_official_counts(report, force)
    load_missing_zones(provinces, report, force)
    load_zone_totals(provinces, sources, report, force)


def load_provinces(report, force):
    places = chinese_names("places-zh.csv", "name_en")
    provinces = {}
    for row in read_rows("northeast-provinces.csv"):
        values = {name: row[name] for name in ("name_en", "name_zh", "capital", "notes")}
        values["notes_zh"] = translated(row["notes"])
        values["capital_zh"] = places.get(row["capital"], "")
        provinces[row["slug"]] = sync_record(
            Province, {"slug": row["slug"]}, values, report=report, force=force, newer_fields=CHINESE_NOTES
        )
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
            "summary_zh": translated(row["summary"]),
            "industries_quote": row["industries_quote"],
            "article_section_id": article_section_id(row["article_section"]),
        }
        paths[row["slug"]] = sync_record(
            DevelopmentPath, {"slug": row["slug"]}, values, report=report, force=force, newer_fields=CHINESE_NOTES
        )
    return paths


def get_or_create_named(model, lookup, defaults, report):
    # Industries are bare names: nothing to edit, so no fingerprint.
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


def load_sources(report, force):
    sources = {}
    for row in read_rows("sources.csv"):
        values = {name: row[name] for name in ("publisher", "issued", "language", "kind", "url")}
        values["citation_zh"] = translated(row["citation"])
        sources[row["citation"]] = sync_record(
            Source, {"citation": row["citation"]}, values, report=report, force=force, newer_fields=CHINESE_NOTES
        )
    return sources


def stand_in_slugs():
    """Fact sheet rows that stood in for an article's wording; article mentions replace them."""
    return {row["stand_in"] for row in read_rows("article-mentions.csv") if row["stand_in"]}


def rows_by_park(name):
    grouped = {}
    for row in read_rows(name):
        grouped.setdefault(row["park"], []).append(row)
    return grouped


def load_parks(provinces, paths, sources, report, force):
    article_names = {row["slug"]: row["article_name"] for row in read_rows("article-names.csv")}
    # A park's path is the one its evidence places it on; its industries load only with a source for them.
    placements = {park: rows[0]["path"] for park, rows in rows_by_park("path-evidence.csv").items()}
    sourced_industries = {row["park"] for row in read_rows("provenance.csv") if row["fact"] == "industries"}
    skipped = stand_in_slugs()
    places = chinese_names("places-zh.csv", "name_en")
    industries_zh = chinese_names("industries-zh.csv", "name")
    records = {row["slug"]: row for row in read_rows("zone-records.csv")}
    parks = {}
    rows = read_rows("northeast-parks.csv") + read_rows("added-zones.csv")
    # A park that became another is loaded after it, so its successor can be linked.
    rows.sort(key=lambda row: bool(records.get(row["slug"], {}).get("successor")))
    for row in rows:
        if row["slug"] in skipped:
            continue
        record = records.get(row["slug"], {})
        successor = parks[record["successor"]] if record.get("successor") else None
        industries = (
            [
                with_chinese_name(
                    get_or_create_named(Industry, {"slug": slugify(name)}, {"name": name}, report),
                    industries_zh.get(name, ""),
                    report,
                )
                for name in split_list(row["leading_industries"])
            ]
            if row["slug"] in sourced_industries
            else []
        )
        row_sources = [sources[citation] for citation in split_list(row["sources"])]
        path = paths.get(placements.get(row["slug"], ""))
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
            # Years found since fill the fact sheet's empty cells; they never replace its values.
            "established_year": int_or_none(row["established_year"] or record.get("established_year", "")),
            "national_year": int_or_none(row["national_year"] or record.get("national_year", "")),
            "area_km2": decimal_or_none(row["area_km2"] or record.get("area_km2", ""), "area_km2"),
            "area_note": row["area_note"],
            "area_note_zh": translated(row["area_note"]),
            "latitude": decimal_or_none(row["latitude"], "latitude"),
            "longitude": decimal_or_none(row["longitude"], "longitude"),
            "coord_note": row["coord_note"],
            "coord_note_zh": translated(row["coord_note"]),
            "coordinates_approximate": coordinates_are_approximate(row["coord_note"]),
            "status": record.get("status", ""),
            "status_year": int_or_none(record.get("status_year", "")),
            "successor_id": successor.pk if successor else None,
            "area_kind": record.get("area_kind", ""),
            "confidence": row["confidence"],
            "notes": row["notes"],
            "notes_zh": translated(row["notes"]),
        }
        parks[row["slug"]] = sync_record(
            Park,
            {"slug": row["slug"]},
            values,
            report=report,
            force=force,
            newer_fields=CHINESE_NOTES,
            m2m={"industries": industries, "sources": row_sources},
        )
    return parks


def load_fact_sources(parks, sources, report, force):
    shipped = set()
    for row in read_rows("provenance.csv"):
        for citation in split_list(row["sources"]):
            lookup = {"park_id": parks[row["park"]].pk, "fact": row["fact"], "source_id": sources[citation].pk}
            values = {"note": row["note"], "note_zh": translated(row["note"])}
            sync_record(FactSource, lookup, values, report=report, force=force, newer_fields=CHINESE_NOTES)
            shipped.add((lookup["park_id"], lookup["fact"], lookup["source_id"]))
    withdraw_fact_sources(shipped, report)


def withdraw_fact_sources(shipped, report):
    """A citation the shipped content no longer gives (a source found not to give the value, or replaced) is
    removed from databases loaded earlier. Only the loader's own rows, as it loaded them: a citation a
    researcher added in the admin has no fingerprint, and one they edited no longer matches it; both stay."""
    for fact_source in FactSource.objects.exclude(content_fingerprint="").select_related("park", "source"):
        if (fact_source.park_id, fact_source.fact, fact_source.source_id) in shipped:
            continue
        values = {
            "park_id": fact_source.park_id,
            "fact": fact_source.fact,
            "source_id": fact_source.source_id,
            **current_values(fact_source, ("note", "note_zh")),
        }
        # As loaded, with or without the Chinese note (loaded before that column existed, it is empty).
        as_loaded = {
            fingerprint(values),
            fingerprint({name: value for name, value in values.items() if name != "note_zh"}),
        }
        label = f"{FactSource._meta.verbose_name} {fact_source}"
        if fact_source.content_fingerprint in as_loaded:
            # delete() leaves a deletion record in the citation's history, which the admin can restore from.
            fact_source.delete()
            report.updated.append(f"{label} (withdrawn)")
        else:
            report.kept.append(label)


def load_path_evidence(parks, paths, report, force):
    for row in read_rows("path-evidence.csv"):
        lookup = {"park_id": parks[row["park"]].pk, "section_slug": row["section"], "order": int(row["order"])}
        values = {
            "path_id": paths[row["path"]].pk,
            "article_slug": ARTICLE_SLUG,
            "kind": row["kind"],
            "quote": row["quote"],
            "reason": row["reason"],
            "reason_zh": translated(row["reason"]),
            "confidence": row["confidence"],
        }
        sync_record(PathEvidence, lookup, values, report=report, force=force, newer_fields=CHINESE_NOTES)


def load_mentions(parks, report, force):
    for order, row in enumerate(read_rows("article-mentions.csv"), start=1):
        park = parks.get(row["park"])
        values = {
            "article_slug": ARTICLE_SLUG,
            "section_slug": row["section"],
            "wording": row["wording"],
            "park_id": park.pk if park else None,
            "confidence": row["confidence"],
            "reason": row["reason"],
            "reason_zh": translated(row["reason"]),
            "order": order,
        }
        sync_record(ArticleMention, {"key": row["key"]}, values, report=report, force=force, newer_fields=CHINESE_NOTES)


def load_aliases(parks, report):
    """Each park's short forms, as aliases.csv lists them: the file is their one record (the admin shows them)."""
    shipped = {park: "; ".join(row["alias"] for row in rows) for park, rows in rows_by_park("aliases.csv").items()}
    for slug, park in parks.items():
        aliases = shipped.get(slug, "")
        if park.aliases != aliases:
            park.aliases = aliases
            park.save(update_fields=["aliases"])
            report.updated.append(f"{park._meta.verbose_name} {slug}")


def load_official_counts(report, force):
    for row in read_rows("official-counts.csv"):
        values = {
            "count": int(row["count"]),
            "label": row["label"],
            "label_zh": row["label_zh"],
            "source": ARTICLE_CITATION + ", section 3",
            "notes": row["notes"],
            "notes_zh": translated(row["notes"]),
        }
        sync_record(
            OfficialCount,
            {"zone_type": row["zone_type"], "level": row["level"]},
            values,
            report=report,
            force=force,
            newer_fields=CHINESE_NOTES,
        )


def load_missing_zones(provinces, report, force):
    shipped = set()
    for row in read_rows("missing-zones.csv"):
        values = {
            "name_zh": row["name_zh"],
            "province_id": provinces[row["province"]].pk,
            "zone_type": row["zone_type"],
            "note": row["note"],
            "note_zh": translated(row["note"]),
        }
        sync_record(
            MissingZone, {"name_en": row["name_en"]}, values, report=report, force=force, newer_fields=CHINESE_NOTES
        )
        shipped.add(row["name_en"])
    withdraw_missing_zones(shipped, report)


def withdraw_missing_zones(shipped, report):
    """A zone the file no longer lists (now catalogued, or found not to be national) leaves the Coverage page,
    unless a researcher has edited it in the admin or added it there: then it is theirs to remove."""
    for zone in MissingZone.objects.exclude(name_en__in=shipped):
        values = {
            "name_en": zone.name_en,
            **current_values(zone, ("name_zh", "province_id", "zone_type", "note", "note_zh")),
        }
        # As loaded, with or without the Chinese note (loaded before that column existed, it is empty).
        as_loaded = {
            fingerprint(values),
            fingerprint({name: value for name, value in values.items() if name != "note_zh"}),
        }
        if zone.content_fingerprint in as_loaded:
            zone.delete()
            report.updated.append(f"{MissingZone._meta.verbose_name} {zone.name_en} (withdrawn)")
        else:
            report.kept.append(f"{MissingZone._meta.verbose_name} {zone.name_en}")


def load_zone_totals(provinces, sources, report, force):
    for row in read_rows("zone-totals.csv"):
        source = sources[row["source"]] if row["source"] else None
        values = {
            "count": int_or_none(row["count"]),
            "source_id": source.pk if source else None,
            "note": row["note"],
            "note_zh": translated(row["note"]),
        }
        lookup = {"province_id": provinces[row["province"]].pk, "zone_type": row["zone_type"]}
        sync_record(ZoneTotal, lookup, values, report=report, force=force, newer_fields=CHINESE_NOTES)
