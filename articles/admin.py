from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import Article, DataPoint, DataSeries, EditorialNote, Figure, Section, Status, TranslationStatus
from publishing.admin_mixins import VersionedInlineMixin, WorkflowAdminMixin


def _article_from_request(request):
    """The article whose change page is open, or None on the add page."""
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    return Article.objects.filter(pk=object_id).first() if object_id else None


class SectionsOfThisArticleMixin:
    """Offer only this article's sections in parent/section selects, fetched once per page."""

    section_fields = ()
    top_level_only = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.section_fields:
            article = _article_from_request(request)
            sections = Section.objects.filter(article=article).in_reading_order() if article else Section.objects.none()
            kwargs["queryset"] = sections.top_level() if self.top_level_only else sections
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in self.section_fields and formfield is not None:
            # Fixed choices are copied to every inline row; a queryset would be queried once per row.
            formfield.choices = list(formfield.choices)
        return formfield


# Sections name django-modeltranslation's columns (articles/translation.py) explicitly: the plain `title`
# would follow the admin's language, and the English summary columns are not used (the article itself
# is the English text).


class SectionForm(forms.ModelForm):
    """A changed Chinese summary needs a new review: it goes back to draft unless its status is set too."""

    def clean(self):
        cleaned_data = super().clean()
        if "summary_zh_hans" in self.changed_data and "summary_status_zh_hans" not in self.changed_data:
            cleaned_data["summary_status_zh_hans"] = TranslationStatus.DRAFT
        return cleaned_data


class SectionInline(VersionedInlineMixin, SectionsOfThisArticleMixin, admin.StackedInline):
    model = Section
    form = SectionForm
    fields = (
        "parent",
        "order",
        "title_en",
        "title_zh_hans",
        "slug",
        "body",
        "summary_zh_hans",
        "summary_status_zh_hans",
    )
    prepopulated_fields = {"slug": ("title_en",)}
    section_fields = ("parent",)
    top_level_only = True  # the article page shows sections and subsections, no deeper
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).in_reading_order()


class FigureInline(VersionedInlineMixin, SectionsOfThisArticleMixin, admin.StackedInline):
    model = Figure
    fields = ("section", "order", "image", "alt_text", "caption", "credit")
    section_fields = ("section",)
    extra = 0


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    # Only Editors publish; history, revert, restore and no-lost-edits come from the mixin.
    publish_field = "status"
    published_value = Status.PUBLISHED
    unpublished_value = Status.DRAFT
    publish_permission = "articles.publish_article"
    list_display = ("title", "author", "series", "episode", "status", "published_at", "view_link")
    list_filter = ("status", "series", "author")
    search_fields = ("title", "summary", "author", "series", "publication")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "published_at", "summary")}),
        (_("Attribution"), {"fields": ("author", "series", "episode", "publication", "issued")}),
        (
            _("Translation and rights"),
            {
                "fields": (
                    "original_language",
                    "original_title",
                    "translator",
                    "translation_note",
                    "rights_holder",
                    "rights_statement",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [SectionInline, FigureInline]

    @admin.display(description="On the site")
    def view_link(self, article):
        # Staff can open drafts too: the public page shows them with a "Draft preview" banner.
        label = _("View") if article.is_published else _("Preview draft")
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), label)


@admin.register(Section)
class SectionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = SectionForm
    list_display = ("article", "parent", "order", "title_en", "title_zh_hans", "summary_status_zh_hans", "slug")
    list_display_links = ("title_en",)
    list_editable = ("order",)
    list_filter = ("article", "summary_status_zh_hans")
    list_select_related = ("article", "parent")
    search_fields = ("title_en", "title_zh_hans", "slug", "body")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("parent",)
    fields = (
        "article",
        "parent",
        "order",
        "title_en",
        "heading_by_editors",
        "title_zh_hans",
        "slug",
        "body",
        "summary_zh_hans",
        "summary_status_zh_hans",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("article").in_reading_order()


@admin.register(Figure)
class FigureAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "article", "section", "order")
    list_select_related = ("article", "section")
    list_filter = ("article",)
    search_fields = ("caption", "alt_text", "credit")
    autocomplete_fields = ("section",)


class DataPointInline(admin.TabularInline):
    model = DataPoint
    extra = 1
    fields = ["order", "label", "value", "value_high", "note"]


@admin.register(DataSeries)
class DataSeriesAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["name", "article", "section", "kind", "unit", "order"]
    list_editable = ["order"]
    list_filter = ["kind", "article"]
    list_select_related = ["article", "section"]
    search_fields = ["name", "source_sentence"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DataPointInline]
    fieldsets = [
        (None, {"fields": ["article", "section", "name", "slug", "order"]}),
        (_("Chart"), {"fields": ["kind", "unit", "label_title", "lower_is_better", "caption"]}),
        (_("Where the numbers come from"), {"fields": ["source_sentence", "source"]}),
    ]


@admin.register(EditorialNote)
class EditorialNoteAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    """The editors' notes and corrections: the article's text stays as the source gives it."""

    list_display = ("passage", "kind", "section", "data_series")
    list_filter = ("kind",)
    list_select_related = ("section", "data_series")
    search_fields = ("passage", "text", "corrected_wording")
    autocomplete_fields = ("section",)
    fields = ("section", "passage", "kind", "corrected_wording", "text", "data_series", "order", "key")
