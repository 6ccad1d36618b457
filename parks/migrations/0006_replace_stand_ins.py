"""The catalogue's stand-in parks for the article's unmatched wording become article mentions.

Each stand-in (a park record named after the article's wording, with no real zone behind it) is replaced
by an ArticleMention linked to the real zone it most likely means, or to none. The real zone takes over
the stand-in's path when it has none. The stand-in's history is kept: its deletion is recorded as a
historical version with the reason, so Editors can still read (or restore) what it held.
"""

from django.db import migrations
from django.utils import timezone

ARTICLE_SLUG = "industrial-real-estate-park-revitalization-in-major-rust-belts"
REASON = "A stand-in record replaced by an article mention"
# stand-in slug -> (mention key, section anchor, real zone slug or None, confidence, reason)
STAND_INS = {
    "hegang-zone": ("s4-hegang", "re-urbanization", None, "", "No Hegang border economic cooperation zone was found in any source."),
    "songyuan-zone": ("s4-songyuan", "co-city", "songyuan-etdz", "medium", "Songyuan's national zone is Songyuan ETDZ; no Songyuan high-tech zone was found."),
    "mudanjiang-zone": ("s4-mudanjiang", "co-city", "mudanjiang-etdz", "medium", "Mudanjiang's national zone in the 2018 catalogue summary is an ETDZ."),
    "hailin-zone": ("s4-hailin", "co-city", "hailin-etdz", "medium", "The 2018 catalogue summary lists Hailin as a national ETDZ."),
}


def record_history(HistoricalPark, park, history_type):
    values = {field.attname: getattr(park, field.attname) for field in park._meta.concrete_fields}
    HistoricalPark.objects.create(
        **values,
        history_date=timezone.now(),
        history_type=history_type,
        history_change_reason=REASON,
    )


def replace_stand_ins(apps, schema_editor):
    Park = apps.get_model("parks", "Park")
    HistoricalPark = apps.get_model("parks", "HistoricalPark")
    ArticleMention = apps.get_model("parks", "ArticleMention")
    for slug, (key, section, real_slug, confidence, reason) in STAND_INS.items():
        stand_in = Park.objects.filter(slug=slug).first()
        if stand_in is None:
            continue
        real = Park.objects.filter(slug=real_slug).first() if real_slug else None
        if real is not None and real.path_id is None and stand_in.path_id is not None:
            real.path_id = stand_in.path_id
            if not real.article_name:
                real.article_name = stand_in.article_name
            real.save()
            record_history(HistoricalPark, real, "~")
        ArticleMention.objects.get_or_create(
            key=key,
            defaults={
                "article_slug": ARTICLE_SLUG,
                "section_slug": section,
                "wording": stand_in.article_name or stand_in.name_en,
                "park": real,
                "confidence": confidence if real else "",
                "reason": reason,
            },
        )
        record_history(HistoricalPark, stand_in, "-")
        stand_in.delete()


class Migration(migrations.Migration):
    # The name this migration had before; databases that recorded it count it as applied.
    replaces = [("parks", "0006_issue13_replace_stand_ins")]
    dependencies = [("parks", "0005_sources_evidence_mentions")]

    # Not reversible into stand-ins on purpose: the history rows above keep what they held.
    operations = [migrations.RunPython(replace_stand_ins, migrations.RunPython.noop)]
