from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parks.models import Park
from releases.corrections import accept, reject
from releases.models import Kind, Release, Suggestion
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

    def add_view(self, request, form_url="", extra_context=None):
        parks = Park.objects.published().count()
        if parks > settings.RELEASE_ADMIN_MAX_PARKS:
            # Saving would outlast the web request and be cut off: say so before anything is filled in.
            message = _(
                "The catalogue has %(count)s published parks: making a release of it takes longer than a web "
                'request may. Make it on the server with: python manage.py make_release <number> --notes "…" '
                '--notes-zh "…"'
            ) % {"count": parks}
            self.message_user(request, message, messages.ERROR)
            return redirect("admin:releases_release_changelist")
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.made_by = request.user
        # The release and everything it freezes are saved together, or not at all.
        with transaction.atomic():
            obj.save()
            freeze(obj, request.build_absolute_uri("/").rstrip("/"))

    def get_readonly_fields(self, request, obj=None):
        return ("number", "date", "notes", "notes_zh", "made_by", "made_at") if obj else ()

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields


# Who may apply a suggestion: whoever may make the same edit by hand.
APPLY_PERMISSIONS = {Kind.PARK: "parks.change_park", Kind.SECTION: "articles.add_editorialnote"}


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """The review queue: suggestions are read here as plain text, then accepted (applied) or rejected."""

    list_display = ("received_at", "kind", "key", "field", "status")
    list_filter = ("status", "kind")
    readonly_fields = (
        "kind",
        "key",
        "field",
        "problem",
        "proposed_value",
        "source_url",
        "status",
        "received_at",
        "reviewed_by",
        "reviewed_at",
    )
    fields = readonly_fields
    actions = ["accept_suggestions", "reject_suggestions"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_staff
            and any(request.user.has_perm(permission) for permission in APPLY_PERMISSIONS.values())
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Accept and apply the selected suggestions"), permissions=["change"])
    def accept_suggestions(self, request, queryset):
        for suggestion in queryset:
            if not request.user.has_perm(APPLY_PERMISSIONS[suggestion.kind]):
                self.message_user(
                    request,
                    _("You may not make this edit: %(suggestion)s") % {"suggestion": suggestion},
                    messages.ERROR,
                )
                continue
            try:
                accept(suggestion, request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("Not applied: %(suggestion)s: %(error)s")
                    % {"suggestion": suggestion, "error": "; ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(request, _("Applied: %(suggestion)s") % {"suggestion": suggestion}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Reject the selected suggestions"), permissions=["change"])
    def reject_suggestions(self, request, queryset):
        for suggestion in queryset:
            reject(suggestion, request.user)
        self.message_user(request, _("Rejected."), messages.SUCCESS)
