from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.formats.base_formats import CSV, XLSX

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
)
from parks.resources import ParkResource
from publishing.admin_mixins import WorkflowAdminMixin
from publishing.imports import BoundedXLSX, SafeImportExportMixin


@admin.register(Park)
class ParkAdmin(SafeImportExportMixin, WorkflowAdminMixin, admin.ModelAdmin):
    """The workflow plus CSV/XLSX import (with a dry-run preview) and export in the fact sheet's columns."""

    import_formats = [CSV, BoundedXLSX]
    export_formats = [CSV, XLSX]
    resource_classes = [ParkResource]
    publish_field = "is_published"
    published_value = True
    unpublished_value = False
    publish_permission = "parks.publish_park"
    list_display = ("name_en", "name_zh", "province", "path", "zone_type", "level", "is_published")
    list_filter = ("province", "path", "zone_type", "level", "is_published", "confidence")
    list_select_related = ("province", "path")
    search_fields = ("name_en", "name_zh", "article_name", "aliases", "city", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("industries", "sources")
    actions = ("publish", "unpublish")
    readonly_fields = ("aliases", "created_at", "updated_at")
    fieldsets = (
        (_("Names"), {"fields": ("name_en", "name_zh", "article_name", "aliases", "slug")}),
        (_("Classification"), {"fields": ("province", "city", "city_zh", "zone_type", "level", "path")}),
        (_("Facts"), {"fields": ("established_year", "national_year", "area_km2", "area_note", "industries")}),
        (_("Location"), {"fields": ("latitude", "longitude", "coord_note")}),
        (_("Description and photo"), {"fields": ("description", "photo", "photo_alt")}),
        (_("Sources and research"), {"fields": ("sources", "confidence", "notes")}),
        (_("Publishing"), {"fields": ("is_published", "created_at", "updated_at")}),
    )

    @admin.action(description=_("Publish the selected parks"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected parks"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def has_publish_permission(self, request):
        return self.can_publish(request)

    def _set_published(self, request, queryset, published):
        # Save one by one so each change is versioned and recorded in the history.
        updated = 0
        for park in queryset.exclude(is_published=published):
            park.is_published = published
            park.version += 1  # open change forms of this park become stale
            park.save()
            updated += 1
        if published:
            message = ngettext("%(count)d park published.", "%(count)d parks published.", updated)
        else:
            message = ngettext("%(count)d park unpublished.", "%(count)d parks unpublished.", updated)
        self.message_user(request, message % {"count": updated}, messages.SUCCESS)


@admin.register(Province)
class ProvinceAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "capital", "slug")
    search_fields = ("name_en", "name_zh")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(DevelopmentPath)
class DevelopmentPathAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh", "order", "article_section")
    list_select_related = ("article_section",)
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("article_section",)


@admin.register(Industry)
class IndustryAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug")
    search_fields = ("name", "name_zh")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("citation", "publisher", "issued", "language", "kind", "url")
    list_filter = ("kind", "language")
    search_fields = ("citation", "publisher")


@admin.register(FactSource)
class FactSourceAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    """Which source gives which fact of a park (each fact shows as unknown until one is recorded)."""

    list_display = ("park", "fact", "source", "note")
    list_filter = ("fact",)
    list_select_related = ("park", "source")
    search_fields = ("park__name_en", "source__citation", "note")
    autocomplete_fields = ("park", "source")


@admin.register(PathEvidence)
class PathEvidenceAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("park", "path", "kind", "confidence", "section_slug")
    list_filter = ("kind", "path", "confidence")
    list_select_related = ("park", "path")
    search_fields = ("park__name_en", "quote", "reason")
    autocomplete_fields = ("park",)


@admin.register(ArticleMention)
class ArticleMentionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("wording", "section_slug", "park", "confidence")
    list_filter = ("confidence", "section_slug")
    list_select_related = ("park",)
    search_fields = ("wording", "reason", "park__name_en")
    autocomplete_fields = ("park",)


@admin.register(MissingZone)
class MissingZoneAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "province", "zone_type")
    list_filter = ("province", "zone_type")


@admin.register(ZoneTotal)
class ZoneTotalAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("province", "zone_type", "count", "source")
    list_filter = ("province", "zone_type")
    list_select_related = ("province", "source")
    autocomplete_fields = ("source",)


@admin.register(OfficialCount)
class OfficialCountAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("label", "label_zh", "zone_type", "level", "count", "source")
    list_editable = ("count",)  # researchers correct a count from the list
    list_filter = ("level", "zone_type")
