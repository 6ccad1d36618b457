"""Section titles and summaries in English and Chinese, with django-modeltranslation.

modeltranslation adds title_en / title_zh_hans, summary_en / summary_zh_hans and summary_status_en /
summary_status_zh_hans when its app is ready, after the models are built. simple-history builds its
historical model from the fields a model has when it is registered, so Section's history is registered
here, after the translation fields, instead of with `history = HistoricalRecords()` in the class: the
way django-simple-history's maintainers answer it (django-commons/django-simple-history issues #929 and
#1131: drop HistoricalRecords() from the model and call simple_history.register() after
translator.register() in translation.py). "modeltranslation" is listed before the admin in
INSTALLED_APPS, so this runs before any admin module uses Section.history.
"""

from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, translator
from simple_history import register

from articles.models import Section


class SectionTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "summary_status")
    # The published heading is English: a Chinese page without the editors' title shows it.
    fallback_languages = {"default": ("en",)}
    # The English heading is the published text, so it stays required; every translation is optional.
    required_languages = {"en": ("title",), "default": ()}


# Names researchers know, in their language (the admin's forms and lists read them), rather than
# modeltranslation's "title [zh-hans]".
LABELS = {
    "title_en": (_("title"), ""),
    "title_zh_hans": (
        _("Chinese title"),
        _("The editors' translation of the title; Chinese pages show it beside the English title."),
    ),
    "summary_en": (_("English summary"), _("Not shown: the article itself is the English text.")),
    "summary_status_en": (_("English summary status"), _("Not shown: the article itself is the English text.")),
    "summary_zh_hans": (
        _("Chinese summary"),
        _("A short summary of this section in Chinese, written by a researcher (never machine-translated)."),
    ),
    "summary_status_zh_hans": (_("Chinese summary status"), _("Only a reviewed summary is shown on Chinese pages.")),
}

translator.register(Section, SectionTranslationOptions)
for name, (label, help_text) in LABELS.items():
    field = Section._meta.get_field(name)
    field.verbose_name, field.help_text = label, help_text
register(Section)
