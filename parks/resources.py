"""Park import/export (CSV and XLSX) for the admin, in the fact sheet's column layout."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, instance_loaders, resources, widgets

from parks.models import DevelopmentPath, Industry, Park, Province, Source
from rustbelt.publishing.exports import neutralize_formula
from rustbelt.publishing.generation import one_invalidation


class PreloadedWidgetMixin:
    """During an import, look related rows up in one table read at the start, not with queries per row
    (provinces, paths, industries and sources are short lists; a file may have thousands of rows)."""

    lookup_field = None
    table = None

    def preload(self):
        self.table = {getattr(obj, self.lookup_field): obj for obj in self.model.objects.all()}

    def forget(self):
        self.table = None


class SlugWidget(PreloadedWidgetMixin, widgets.ForeignKeyWidget):
    """A related row by slug; an unknown slug is a row error with a reason, not a crash."""

    lookup_field = "slug"

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            if self.table is not None:
                if str(value).strip() not in self.table:
                    raise self.model.DoesNotExist
                return self.table[str(value).strip()]
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"Unknown {self.model._meta.verbose_name} “{value}”: use one of "
                + ", ".join(self.model.objects.values_list("slug", flat=True))
            ) from None


class NamesWidget(PreloadedWidgetMixin, widgets.ManyToManyWidget):
    """Related rows listed by name, separated by ";" as in the fact sheet; unknown names are reported."""

    def __init__(self, model, field):
        super().__init__(model, separator=";", field=field)
        self.lookup_field = field

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in str(value or "").split(self.separator) if name.strip()]
        if self.table is not None:
            found = [self.table[name] for name in dict.fromkeys(names) if name in self.table]
        else:
            found = list(self.model.objects.filter(**{f"{self.field}__in": names}))
        missing = set(names) - {getattr(obj, self.field) for obj in found}
        if missing:
            label = self.model._meta.verbose_name_plural
            raise ValueError(
                f"Unknown {label}: {'; '.join(sorted(missing))}. Add them under {label.capitalize()} first."
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(str(getattr(related, self.field)) for related in value.all()) if value else ""


def file_problem(dataset):
    """Why a whole import file is refused, or None. Rows are numbered as in the preview (first data row = 1)."""
    if len(dataset) > settings.IMPORT_MAX_ROWS:
        return (
            f"This file has {len(dataset):,} rows; imports are limited to {settings.IMPORT_MAX_ROWS:,} "
            "rows per file. Split it into smaller files."
        )
    if "slug" not in (dataset.headers or []):
        return None
    first_row = {}
    for number, slug in enumerate(dataset["slug"], 1):
        slug = str(slug or "").strip()
        if not slug:
            continue
        if slug in first_row:
            # Importing both would silently keep the second: the researcher must choose.
            return f"The slug “{slug}” appears twice, in rows {first_row[slug]} and {number}. Keep one of them."
        first_row[slug] = number
    return None


class ParkResource(resources.ModelResource):
    province = fields.Field("province", "province", SlugWidget(Province))
    path = fields.Field("path", "path", SlugWidget(DevelopmentPath))
    leading_industries = fields.Field("industries", "leading_industries", NamesWidget(Industry, "name"))
    sources = fields.Field("sources", "sources", NamesWidget(Source, "citation"))
    # Exported so the sheet is complete; on import an editor publishes after review (see before_save_instance).
    is_published = fields.Field("is_published", "is_published", widgets.BooleanWidget(), readonly=True)

    class Meta:
        model = Park
        import_id_fields = ["slug"]
        # Every park the file names, fetched in one query rather than one per row.
        instance_loader_class = instance_loaders.CachedInstanceLoader
        fields = [
            "slug", "name_en", "name_zh", "article_name", "province", "city", "zone_type", "level", "path",
            "established_year", "national_year", "area_km2", "area_note", "latitude", "longitude",
            "coord_note", "leading_industries", "sources", "confidence", "description", "notes",
            "is_published",
        ]
        export_order = fields
        # Model.full_clean(): years, coordinates, choices and required fields are checked per row.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Exports are read this many parks at a time, each chunk with its industries and sources
        # prefetched (filter_export): the query count grows by two per chunk, never per park.
        chunk_size = 2000

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        return queryset.select_related("province", "path").prefetch_related("industries", "sources")

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # Empty XLSX cells arrive as None; text columns store "" (their NOT NULL columns refuse None).
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def import_data(self, dataset, **kwargs):
        """Refuse the whole file, before any row is read, when it is too long or names a park twice."""
        problem = file_problem(dataset)
        if problem is not None:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            self.handle_import_error(result, ValueError(problem))
            return result
        # Thousands of rows would otherwise start thousands of cache generations.
        with self.related_rows_preloaded(), one_invalidation(changes_kept=not kwargs.get("dry_run")):
            return super().import_data(dataset, **kwargs)

    @contextmanager
    def related_rows_preloaded(self):
        widgets = [field.widget for field in self.fields.values() if isinstance(field.widget, PreloadedWidgetMixin)]
        for widget in widgets:
            widget.preload()
        try:
            yield
        finally:
            for widget in widgets:
                widget.forget()

    def export_field(self, field, instance, **kwargs):
        # No cell of the admin's CSV or XLSX may run as a formula in a spreadsheet.
        return neutralize_formula(super().export_field(field, instance, **kwargs))

    def import_instance(self, instance, row, **kwargs):
        """Also check the many-to-many columns now, so unknown names count as invalid rows."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            # The preview is rolled back: recording its history is wasted work (a third of its time).
            instance.skip_history_when_saving = True
        if instance._state.adding:
            # Imported parks start unpublished, like any researcher's new park.
            instance.is_published = False
        else:
            # An open admin form on this park is now out of date (optimistic locking).
            instance.version += 1
