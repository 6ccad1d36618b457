from django.contrib import admin

from parks.models import DevelopmentPath, Industry, OfficialCount, Park, Province, Source
from workflow.admin_mixins import ParkWorkflowAdminMixin, WorkflowAdminMixin


@admin.register(Park)
class ParkAdmin(ParkWorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "province", "zone_type", "is_published"]
    list_select_related = ["province"]
    search_fields = ["name_en", "name_zh", "slug"]


@admin.register(Province, DevelopmentPath, Industry, Source, OfficialCount)
class CatalogueReferenceAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    pass
