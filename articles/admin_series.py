"""Admin for the article's data series; imported by articles/admin.py."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.models import DataPoint, DataSeries
from rustbelt.workflow.admin_mixins import WorkflowAdminMixin


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

