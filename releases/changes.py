"""What changed between two releases: the article paragraph by paragraph (a word-level diff), parks added and
removed, each changed park field by field with its old and new sources, and the editors' notes added.

Records whose digest is the same in both releases are not even read: a comparison reads only what changed.
"""

import re
from difflib import SequenceMatcher

from parks import schema
from releases.models import Frozen, Kind

# A word, a run of spaces, or any other single character: a Chinese character is a token of its own.
TOKEN = re.compile(r"[A-Za-z0-9_’'\-]+|\s+|.", re.DOTALL)


def paragraphs(markdown_text):
    return [paragraph.strip() for paragraph in re.split(r"\n\s*\n", markdown_text or "") if paragraph.strip()]


def word_diff(old, new):
    """[[op, text], …] with op "equal", "delete" or "insert": old and new read from it side by side."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(["equal", "".join(old_tokens[i1:i2])])
            continue
        if i2 > i1:
            pieces.append(["delete", "".join(old_tokens[i1:i2])])
        if j2 > j1:
            pieces.append(["insert", "".join(new_tokens[j1:j2])])
    return pieces


def paragraph_changes(old_text, new_text):
    """Paragraphs added, removed or changed (paired in order where a run of paragraphs was replaced)."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    result = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for before, after in zip(removed, added):
            result.append({"change": "changed", "old": before, "new": after, "diff": word_diff(before, after)})
        result += [
            {"change": "removed", "old": text, "new": "", "diff": [["delete", text]]} for text in removed[len(added) :]
        ]
        result += [
            {"change": "added", "old": "", "new": text, "diff": [["insert", text]]} for text in added[len(removed) :]
        ]
    return result


def digests(release, kind):
    if release is None:
        return {}
    return dict(release.entries.filter(kind=kind).order_by("position").values_list("key", "frozen_id"))


def compared_records(older, newer, kind):
    """(added, removed, changed): {key: data} for added and removed, {key: (old data, new data)} for changed."""
    before, after = digests(older, kind), digests(newer, kind)
    wanted = {digest for key, digest in after.items() if before.get(key) != digest}
    wanted |= {digest for key, digest in before.items() if after.get(key) != digest}
    data = dict(Frozen.objects.filter(digest__in=wanted).values_list("digest", "data"))
    added = {key: data[digest] for key, digest in after.items() if key not in before}
    removed = {key: data[digest] for key, digest in before.items() if key not in after}
    changed = {
        key: (data[before[key]], data[digest])
        for key, digest in after.items()
        if key in before and before[key] != digest
    }
    return added, removed, changed


def section_title(section):
    return section["title_en"]


def note_summary(section_key, note):
    return {
        "section": section_key,
        "key": note["key"],
        "kind": note["kind"],
        "passage": note["passage"],
        "corrected_wording": note["corrected_wording"],
        "text": note["text"],
    }


def section_changes(older, newer):
    added, removed, changed = compared_records(older, newer, Kind.SECTION)
    notes = [note_summary(key, note) for key, section in added.items() for note in section["notes"]]
    changed_sections = []
    for key, (old, new) in changed.items():
        known = {note["key"] for note in old["notes"]}
        notes += [note_summary(key, note) for note in new["notes"] if note["key"] not in known]
        edits = paragraph_changes(old["body"], new["body"])
        if edits or old["title_en"] != new["title_en"]:
            changed_sections.append(
                {"key": key, "old_title": old["title_en"], "title": new["title_en"], "paragraphs": edits}
            )
    return {
        "added": [
            {"key": key, "title": section_title(section), "paragraphs": paragraph_changes("", section["body"])}
            for key, section in added.items()
        ],
        "removed": [{"key": key, "title": section_title(section)} for key, section in removed.items()],
        "changed": changed_sections,
    }, notes


def field_value(record, field):
    """A field's value as the release's record gives it, in one plain form for comparing and showing."""
    if field.name == "sources":
        return [source["citation"] for source in record.get("sources", [])]
    return record.get(field.name)


def fact_sources(record, fact):
    """The sources a record cites for one fact, by citation, each with its note."""
    citations = {source["id"]: source["citation"] for source in record.get("sources", [])}
    return [
        {"source": citations.get(entry["source"], str(entry["source"])), "note": entry["note"]}
        for entry in record.get("fact_sources", [])
        if entry["fact"] == fact
    ]


def park_field_changes(old, new):
    changes = []
    for field in schema.fields(schema.API):
        before, after = field_value(old, field), field_value(new, field)
        old_sources = fact_sources(old, field.fact) if field.fact else []
        new_sources = fact_sources(new, field.fact) if field.fact else []
        if before != after or old_sources != new_sources:
            changes.append(
                {
                    "field": field.name,
                    "label": str(field.label),
                    "old": before,
                    "new": after,
                    "old_sources": old_sources,
                    "new_sources": new_sources,
                }
            )
    return changes


def park_summary(slug, record):
    return {"slug": slug, "name_en": record.get("name_en", ""), "name_zh": record.get("name_zh", "")}


def park_changes(older, newer):
    added, removed, changed = compared_records(older, newer, Kind.PARK)
    changed_parks = []
    for slug, (old, new) in changed.items():
        fields = park_field_changes(old, new)
        if fields:
            changed_parks.append({**park_summary(slug, new), "fields": fields})
    return {
        "added": [park_summary(slug, record) for slug, record in added.items()],
        "removed": [park_summary(slug, record) for slug, record in removed.items()],
        "changed": changed_parks,
    }


def between(older, newer):
    """Everything that changed from `older` (None: nothing released before) to `newer`, as plain data."""
    sections, notes = section_changes(older, newer)
    return {"sections": sections, "parks": park_changes(older, newer), "notes_added": notes}
