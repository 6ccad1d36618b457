"""Readers' suggested corrections: the form, the per-address limit, and applying an accepted one.

A park suggestion names a field the catalogue declares (parks/schema.py) and is applied to that field; a
section suggestion quotes the article's words and becomes an editors' correction note (the article's own
text is never changed). Either edit is saved with the record's history, credited to the suggestion.
"""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import EditorialNote, NoteKind, Section
from parks import schema
from parks.models import Park
from publishing.clients import client_ip
from releases.models import Kind, Suggestion, SuggestionStatus


def correctable_fields():
    """The park fields a suggestion can correct: the catalogue's own values (not lists or linked records)."""
    return [
        field
        for field in schema.fields(schema.DOWNLOADS)
        if not field.is_list and not field.names and field.name != "slug"
    ]


class SuggestionForm(forms.ModelForm):
    # Hidden from people (visually and from assistive technology); bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    source_url = forms.URLField(
        label=_("Source URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A document that gives the right value, if you know one."),
    )

    class Meta:
        model = Suggestion
        fields = ["field", "problem", "proposed_value", "source_url"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Kind.PARK:
            self.fields["field"] = forms.ChoiceField(
                label=_("Which field"),
                choices=[(field.name, field.label) for field in correctable_fields()],
            )
        else:
            self.fields["field"].label = _("The words that are wrong, copied from the section")
            self.fields["field"].help_text = ""


def over_limit(request):
    """True once this address has sent its suggestions for the hour (counted in the shared cache)."""
    key = f"suggestions:{client_ip(request)}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60 * 60)
        count = 1
    return count > settings.SUGGESTIONS_PER_HOUR


@transaction.atomic
def accept(suggestion, user):
    """Apply the suggestion through the recorded edit and mark it accepted; a ValidationError changes nothing."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.NEW:
        raise ValidationError(_("This suggestion has already been reviewed."))
    if suggestion.kind == Kind.PARK:
        apply_to_park(suggestion)
    else:
        apply_to_section(suggestion)
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=SuggestionStatus.ACCEPTED, reviewed_by=user, reviewed_at=timezone.now()
    )


def apply_to_park(suggestion):
    if suggestion.field not in {field.name for field in correctable_fields()}:
        raise ValidationError(_("This field cannot be corrected from a suggestion."))
    # Locked while it changes, like an admin save: no concurrent edit is lost.
    park = Park.objects.select_for_update().filter(slug=suggestion.key).first()
    if park is None:
        raise ValidationError(_("The park no longer exists."))
    value = suggestion.proposed_value
    model_field = Park._meta.get_field(suggestion.field)
    setattr(park, suggestion.field, model_field.to_python(value) if value else model_field.get_default())
    park.full_clean()
    park.version += 1
    park._change_reason = suggestion.credit
    park.save()


def apply_to_section(suggestion):
    article_slug, _slash, section_slug = suggestion.key.partition("/")
    section = Section.objects.filter(article__slug=article_slug, slug=section_slug).first()
    if section is None:
        raise ValidationError(_("The section no longer exists."))
    note = EditorialNote(
        section=section,
        key=f"reader-correction-{suggestion.pk}",
        kind=NoteKind.CORRECTION,
        passage=suggestion.field,
        corrected_wording=suggestion.proposed_value,
        text=suggestion.problem,
        order=section.editorial_notes.count() + 1,
    )
    note.full_clean()
    note._change_reason = suggestion.credit
    note.save()


def reject(suggestion, user):
    Suggestion.objects.filter(pk=suggestion.pk, status=SuggestionStatus.NEW).update(
        status=SuggestionStatus.REJECTED, reviewed_by=user, reviewed_at=timezone.now()
    )
