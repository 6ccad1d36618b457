"""Notes on known discrepancies, loaded into the official counts the catalogue loader ships."""

import tomllib
from pathlib import Path

from parks.models import OfficialCount

NOTES_FILE = Path(__file__).resolve().parent / "coverage-notes.toml"


def load_coverage_notes(report, force=False):
    """Fill empty OfficialCount notes; notes a researcher wrote are kept unless --force.

    Only the notes column is written (with .update()), so the catalogue loader's fingerprint of the
    count itself is untouched. Counts that do not exist yet are skipped: the catalogue loader owns them.
    """
    shipped = tomllib.loads(NOTES_FILE.read_text(encoding="utf-8"))
    for item in shipped["note"]:
        notes = item["notes"].strip()
        official = OfficialCount.objects.filter(zone_type=item["zone_type"], level=item["level"]).first()
        if official is None:
            continue
        label = f"official count notes {official.zone_type}/{official.level}"
        if official.notes == notes:
            report.unchanged.append(label)
        elif official.notes and not force:
            report.kept.append(label)
        else:
            OfficialCount.objects.filter(pk=official.pk).update(notes=notes)
            report.updated.append(label)
