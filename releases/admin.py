from django.contrib import admin
from django.db import transaction

from releases.models import Release
from releases.snapshot import freeze

# Making a release takes what an editor may publish: the article and the catalogue.
PUBLISH_PERMISSIONS = ("articles.publish_article", "parks.publish_park")


def can_publish(request):
    return request.user.is_active and request.user.is_staff and request.user.has_perms(PUBLISH_PERMISSIONS)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are added, never changed or deleted: the change page shows a release read-only."""

    list_display = ("number", "date", "made_by", "made_at")
    fields = ("number", "date", "notes", "notes_zh")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return can_publish(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.made_by = request.user
        # The release and everything it freezes are saved together, or not at all.
        with transaction.atomic():
            obj.save()
            freeze(obj, request)

    def get_readonly_fields(self, request, obj=None):
        return ("number", "date", "notes", "notes_zh", "made_by", "made_at") if obj else ()

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields
