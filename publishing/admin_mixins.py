"""Admin mixins for the researchers' workflow. Compose them with any ModelAdmin:

class ParkAdmin(WorkflowAdminMixin, admin.ModelAdmin): ...
class SectionInline(VersionedInlineMixin, admin.StackedInline): ...
"""

from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import F
from django.forms.models import BaseModelFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta

from publishing.forms import HIDDEN_FROM_DIFFS, PublishControlForm, VersionedModelForm


def with_base(form_class, base, attrs=None):
    """`form_class` with `base` mixed in front (once), keeping whatever the admin already customised."""
    if issubclass(form_class, base) and not attrs:
        return form_class
    bases = (form_class,) if issubclass(form_class, base) else (base, form_class)
    return type(f"{base.__name__}{form_class.__name__}", bases, attrs or {})


def add_to_fieldsets(fieldsets, name):
    if name in flatten_fieldsets(fieldsets):
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], name]}), *rest]


def missing_files_cleared(obj):
    """Blank file fields whose file is gone (files are deleted with their object); returns those fields."""
    cleared = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if hasattr(value, "storage") and value.name and not value.storage.exists(value.name):
            setattr(obj, field.attname, "")
            cleared.append(field)
    return cleared


def linked_objects(record, accessor, target):
    """The objects a history record links to through its many-to-many history rows (prefetched), by id."""
    rows = getattr(record, accessor).all()
    return sorted((getattr(row, target) for row in rows if getattr(row, target) is not None), key=lambda obj: obj.pk)


class VersionedInlineMixin:
    """Optimistic locking for inline rows (e.g. an article's sections)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Before any formset is built: Django's factory only accepts "base_version" as a declared field.
        self.form = with_base(self.form, VersionedModelForm, {"version_from_database": False})

    def get_fieldsets(self, request, obj=None):
        return add_to_fieldsets(super().get_fieldsets(request, obj), "base_version")


class VersionedChangelistFormSet(BaseModelFormSet):
    """A list edit refused row by row when someone saved that row since the list was opened.

    The changelist shows no per-row form errors, so each refused row is named above the list.
    """

    def clean(self):
        super().clean()
        refused = [f"“{form.instance}”: {error}" for form in self.forms for error in form.non_field_errors()]
        if refused:
            raise ValidationError(refused)


class WorkflowAdminMixin(SimpleHistoryAdmin):
    """History with readable diffs and revert, restore of deleted objects, optimistic locking,
    and (when `publish_field` is set) publishing reserved to users with `publish_permission`."""

    publish_field = None
    published_value = None
    unpublished_value = None
    publish_permission = None  # "app_label.codename"
    change_list_template = "admin/workflow/change_list.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.versioned:
            # Before any form is built: Django's factory only accepts "base_version" as a declared field.
            self.form = with_base(self.form, VersionedModelForm)

    @property
    def versioned(self):
        return any(field.name == "version" for field in self.opts.concrete_fields)

    # --- publishing -------------------------------------------------------------------------------
    def can_publish(self, request):
        return self.publish_permission is None or request.user.has_perm(self.publish_permission)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self.publish_field:
            form = with_base(
                form,
                PublishControlForm,
                {
                    "publish_field": self.publish_field,
                    "published_value": self.published_value,
                    "unpublished_value": self.unpublished_value,
                    "can_publish": self.can_publish(request),
                },
            )
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return add_to_fieldsets(fieldsets, "base_version") if self.versioned else fieldsets

    # --- list_editable: the same version check, row by row -------------------------------------------
    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        # Versions come from the listed rows themselves (no query per row).
        if not self.versioned:
            return form
        return with_base(form, VersionedModelForm, {"version_from_database": False, "refuse_unchanged": False})

    def get_changelist_formset(self, request, **kwargs):
        if self.versioned:
            kwargs.setdefault("formset", VersionedChangelistFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def save_model(self, request, obj, form, change):
        if self.publish_field and not self.can_publish(request):
            # Last line of defence for any path that skipped the form check (e.g. list_editable).
            stored = type(obj)._default_manager.filter(pk=obj.pk).values_list(self.publish_field, flat=True).first()
            was_published = change and stored == self.published_value
            if (getattr(obj, self.publish_field) == self.published_value) != was_published:
                raise PermissionDenied("Only editors can publish or unpublish.")
        super().save_model(request, obj, form, change)
        if self.versioned and change and not isinstance(form, VersionedModelForm):
            # A save without the version check (list_editable): still make open forms stale.
            type(obj)._default_manager.filter(pk=obj.pk).update(version=F("version") + 1)

    # --- history ----------------------------------------------------------------------------------
    @property
    def history_m2m_fields(self):
        return list(getattr(self.model.history.model, "_history_m2m_fields", []))

    def history_links_accessor(self, field):
        """The reverse accessor from a version to its recorded links for `field` (prefetchable)."""
        history_model = self.model.history.model
        links_model = history_model.__dict__[field.name].model
        relation = next(rel for rel in history_model._meta.related_objects if rel.related_model is links_model)
        return relation.get_accessor_name()

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history diffs many-to-many links with two queries per version; prefetch them instead.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.prefetch_related(
            *(
                f"{self.history_links_accessor(field)}__{field.m2m_reverse_field_name()}"
                for field in self.history_m2m_fields
            )
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Like simple-history's, minus bookkeeping fields, with links compared from prefetched rows."""
        m2m_names = {field.name for field in self.history_m2m_fields}
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=HIDDEN_FROM_DIFFS | m2m_names,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                changes = [*delta.changes, *self.link_changes(previous, current)]
                delta = ModelDelta(changes, [change.field for change in changes], current, previous)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def link_changes(self, newer, older):
        changes = []
        for field in self.history_m2m_fields:
            target, accessor = field.m2m_reverse_field_name(), self.history_links_accessor(field)
            old, new = linked_objects(older, accessor, target), linked_objects(newer, accessor, target)
            if [obj.pk for obj in old] != [obj.pk for obj in new]:
                changes.append(ModelChange(field.name, [{target: obj} for obj in old], [{target: obj} for obj in new]))
        return changes

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may *view* history post a revert; reverting is for Editors.
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        try:  # /history/abc/ is no version, not a server error
            self.opts.pk.to_python(object_id)
            int(version_id)
        except (ValidationError, ValueError):
            raise Http404("No such version.") from None
        # Atomic like the change view, so the version check can lock the row.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    # --- deleted objects --------------------------------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="%s_%s_deleted" % info),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="%s_%s_restore" % info,
            ),
            *super().get_urls(),
        ]

    def has_restore_permission(self, request):
        # Restoring is reverting the last version, so it needs the same permission (Editors).
        return self.has_change_history_permission(request) and self.has_add_permission(request)

    def deleted_records(self):
        """The deletion record of each object that is still deleted, newest first."""
        history = self.model.history
        records = (
            history.filter(history_type="-")
            .exclude(**{f"{self.opts.pk.attname}__in": self.model._default_manager.values("pk")})
            .select_related("history_user")
            .order_by("-history_date")
        )
        seen, latest = set(), []
        for record in records:
            object_id = getattr(record, self.opts.pk.attname)
            if object_id not in seen:
                seen.add(object_id)
                latest.append(record)
        return latest

    def changelist_view(self, request, extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        extra_context = {**(extra_context or {}), "deleted_url": reverse("admin:%s_%s_deleted" % info)}
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "records": self.deleted_records(),
            "can_restore": self.has_restore_permission(request),
            "restore_url_name": "admin:%s_%s_restore" % info,
        }
        return TemplateResponse(request, "admin/workflow/deleted_list.html", context)

    def restore_view(self, request, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_restore_permission(request):
            raise PermissionDenied
        info = self.opts.app_label, self.opts.model_name
        back = HttpResponseRedirect(reverse("admin:%s_%s_deleted" % info))
        record = get_object_or_404(self.model.history, history_id=history_id, history_type="-")
        with transaction.atomic(using=router.db_for_write(self.model)):
            obj = record.instance
            if self.model._default_manager.filter(pk=obj.pk).exists():
                self.message_user(request, f"“{obj}” already exists; nothing to restore.", messages.WARNING)
                return back
            cleared = missing_files_cleared(obj)
            required = [str(field.verbose_name) for field in cleared if not field.blank]
            if required:
                self.message_user(
                    request,
                    f"“{obj}” cannot be restored: its {', '.join(required)} file was deleted with it. "
                    f"Add it again with a new upload.",
                    messages.ERROR,
                )
                return back
            try:
                # Catches what changed meanwhile: a reused slug, a related row that is gone.
                obj.full_clean()
            except ValidationError as error:
                self.message_user(request, f"“{obj}” cannot be restored: {'; '.join(error.messages)}", messages.ERROR)
                return back
            obj._history_user = request.user
            obj.save(force_insert=True)
            self.restore_many_to_many(obj, record)
            self.log_addition(request, obj, f"Restored from history (deleted {record.history_date:%Y-%m-%d %H:%M}).")
        message = f"Restored “{obj}”."
        if cleared:
            names = ", ".join(str(field.verbose_name) for field in cleared)
            message += f" Its {names} was deleted with it; upload it again."
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:%s_%s_change" % info, args=[obj.pk]))

    def restore_many_to_many(self, obj, deletion_record):
        """Links as they were in the last version before the deletion (the deletion record has none)."""
        tracked = getattr(deletion_record, "_history_m2m_fields", [])
        if not tracked:
            return
        last_version = (
            self.model.history.filter(**{self.opts.pk.attname: obj.pk}, history_date__lt=deletion_record.history_date)
            .exclude(history_type="-")
            .order_by("-history_date")
            .first()
        )
        if last_version is None:
            return
        for field in tracked:
            through_rows = getattr(last_version, field.name).all()
            target = field.m2m_reverse_field_name()
            wanted = [getattr(row, f"{target}_id") for row in through_rows]
            existing = field.related_model._default_manager.filter(pk__in=wanted)
            getattr(obj, field.name).set(existing)
