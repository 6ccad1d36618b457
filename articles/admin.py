from django.contrib import admin

from articles.models import Article, Figure, Section, Status
from workflow.admin_mixins import VersionedInlineMixin, WorkflowAdminMixin


class SectionInline(VersionedInlineMixin, admin.StackedInline):
    model = Section
    extra = 0
    fields = ["parent", "order", "title", "slug", "body"]


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "published_at"]
    inlines = [SectionInline]
    publish_field = "status"
    published_value = Status.PUBLISHED
    unpublished_value = Status.DRAFT
    publish_permission = "articles.publish_article"


@admin.register(Section)
class SectionAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "article", "order"]
    list_select_related = ["article"]


@admin.register(Figure)
class FigureAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "article", "order"]
    list_select_related = ["article"]
