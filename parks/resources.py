"""Park import/export (CSV and XLSX) for the admin, in the fact sheet's column layout (the schema's
import fields: parks/schema.py)."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from import_export import fields, instance_loaders, resources, widgets
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model

from parks import schema
from parks.models import Park
from publishing.exports import neutralize_formula
from publishing.generation import one_invalidation


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
            known = sorted(self.table) if self.table is not None else self.model.objects.values_list("slug", flat=True)
            raise ValueError(
                f"Unknown {self.model._meta.verbose_name} “{value}”: use one of " + ", ".join(known)
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
        return self.render_list(value.all()) if value else ""

    def render_list(self, related_rows):
        return self.separator.join(str(getattr(related, self.field)) for related in related_rows)


def file_problem(dataset):
    """Why a whole import file is refused, or None. Rows are numbered as in the preview (first data row = 1)."""
    if len(dataset) > settings.IMPORT_MAX_ROWS:
        return (
            f"This file has {len(dataset):,} rows; imports are limited to {settings.IMPORT_MAX_ROWS:,} "
            "rows per file. Split it into smaller files."
        )
    named = [str(header).strip() for header in dataset.headers or [] if header is not None and str(header).strip()]
    for name in dict.fromkeys(named):
        if named.count(name) > 1:
            # The duplicate check below reads one column and the import the other: the researcher must choose.
            return f"The column “{name}” appears {named.count(name)} times. Keep one of them."
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


class ParkImportDiff(resources.Diff):
    """The preview's columns. A park is written only at the end of its batch (use_bulk), so its industries
    and sources are read from what the row named, and an existing park's from those fetched with it.

    Only what the preview shows is computed: a new park has no "before" (every value is inserted, marked
    as diff-match-patch marks an insertion), and the confirmed import, which shows no diff, reads nothing.
    """

    def __init__(self, resource, instance, new):
        self.new, self.right = new, []
        self.left = self._read_field_values(resource, instance) if resource.previewing and not new else []

    def compare_with(self, resource, instance):
        if resource.previewing:
            self.right = self._read_field_values(resource, instance)

    def as_html(self):
        if not self.new:
            return super().as_html()
        return [
            mark_safe(f'<ins style="background:#e6ffe6;">{diff_escape(value)}</ins>') if value else ""
            for value in map(force_str, self.right)
        ]

    @classmethod
    def _read_field_values(cls, resource, instance):
        return [resource.preview_value(field, instance) for field in resource.get_import_fields()]


def diff_escape(text):
    # As diff_match_patch.diff_prettyHtml escapes the text of every other row's diff.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&para;<br>")


class LinksAsLoaded(tuple):
    """A park's industries or sources as the import found them: never changed, so a deepcopy shares them."""

    def __deepcopy__(self, memo):
        return self


def related_columns():
    """The import's columns of related records: a foreign key by its slug, a list by its names."""
    columns = {}
    for field in schema.fields(schema.IMPORT):
        related = Park._meta.get_field(field.name).related_model
        if field.is_list:
            columns[field.column] = fields.Field(field.name, field.column, NamesWidget(related, field.names[0]))
        elif field.names:
            columns[field.column] = fields.Field(field.name, field.column, SlugWidget(related))
    return columns


# A resource declares its fields as class attributes: these are made from the schema.
RelatedColumns = type("RelatedColumns", (resources.Resource,), related_columns())


class ParkResource(RelatedColumns, resources.ModelResource):
    previewing = True
    import_user = None

    # Exported so the sheet is complete; on import an editor publishes after review (see before_save_instance).
    is_published = fields.Field("is_published", "is_published", widgets.BooleanWidget(), readonly=True)

    class Meta:
        model = Park
        import_id_fields = ["slug"]
        # Every park the file names, fetched in one query rather than one per row.
        instance_loader_class = instance_loaders.CachedInstanceLoader
        fields = [*(field.column for field in schema.fields(schema.IMPORT)), "is_published"]
        export_order = fields
        # Model.full_clean(): years, coordinates, choices and required fields are checked per row.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Rows are checked one by one but written a batch at a time (bulk_create below): one query per
        # batch instead of a savepoint, an insert and eight link queries per row, so a file at the row
        # cap (IMPORT_MAX_ROWS) is previewed and imported within one request (BENCHMARKS.md).
        # The whole file is still one transaction: any failure writes nothing.
        use_bulk = True
        batch_size = 1000
        # Exports are read this many parks at a time, each chunk with its industries and sources
        # prefetched (filter_export): the query count grows by two per chunk, never per park.
        chunk_size = 2000

    def get_queryset(self):
        # The instance loader reads every park the file names in one query, with its province and path;
        # their industries and sources come in two more, for skip_unchanged and the preview's "before".
        return super().get_queryset().select_related("province", "path").prefetch_related("industries", "sources")

    def get_diff_class(self):
        return ParkImportDiff

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
        self.import_user = kwargs.get("user")  # the history's author (the admin passes the request's user)
        self.previewing = bool(kwargs.get("dry_run"))  # only the preview shows the diff (ParkImportDiff)
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

    def get_import_fields(self):
        # Asked several times per row (about a tenth of a large import's time); the columns stay the same.
        if "_import_fields" not in self.__dict__:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def import_instance(self, instance, row, **kwargs):
        """Also check the many-to-many columns now, so unknown names count as invalid rows."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.imported_links = {}  # many-to-many attribute -> related rows, written with the batch
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    instance.imported_links[field.attribute] = field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """full_clean() without its queries per row, which could find nothing here.

        The slug is the file's key: the instance loader fetched every park the file names, so a new
        row's slug is free, and file_problem refused a slug named twice (validate_unique would ask the
        database once per row). A province or path set here came from the table read at the start of
        the import (ForeignKey.validate would ask again); an empty one is still checked.
        """
        errors = dict(import_validation_errors or {})
        known = [
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, SlugWidget)
            and getattr(instance, Park._meta.get_field(field.attribute).attname) is not None
        ]
        try:
            instance.full_clean(exclude=[*errors, *known], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        # import-export compares each row with a deepcopy of the park ("original"). deepcopy drops a
        # queryset's prefetched rows (a query per row to read them again) after copying the whole query
        # (the larger part of an update's time): the links are kept as they were loaded, shared by the copy.
        instance.loaded_links = (
            {}
            if new
            else {field.name: LinksAsLoaded(getattr(instance, field.name).all()) for field in Park._meta.many_to_many}
        )
        instance.__dict__.pop("_prefetched_objects_cache", None)

    def links_before(self, instance, field):
        return getattr(instance, "loaded_links", {}).get(field.attribute, [])

    def preview_value(self, field, instance):
        if not isinstance(field.widget, widgets.ManyToManyWidget):
            return field.export(instance)
        links = getattr(instance, "imported_links", {})
        return field.widget.render_list(links.get(field.attribute, self.links_before(instance, field)))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """import-export's skip_unchanged, its many-to-many comparison made with the links read up front."""
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if field.column_name in row and (
                    {related.pk for related in instance.imported_links.get(field.attribute, [])}
                    != {related.pk for related in self.links_before(original, field)}
                ):
                    return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return True

    def get_bulk_update_fields(self):
        # The model's columns the file can change (the declared names of related columns differ).
        columns = [
            field.attribute
            for field in self.get_import_fields()
            if not field.readonly
            and not isinstance(field.widget, widgets.ManyToManyWidget)
            and field.attribute not in self._meta.import_id_fields
        ]
        return [*columns, "version", "updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        parks, self.create_instances = self.create_instances, []
        if using_transactions or not dry_run:  # a preview without a transaction to roll back writes nothing
            self.write_batch(parks, dry_run, raise_errors, result, new=True)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        parks, self.update_instances = self.update_instances, []
        if using_transactions or not dry_run:
            self.write_batch(parks, dry_run, raise_errors, result, new=False)

    def write_batch(self, parks, dry_run, raise_errors, result, new):
        """One batch of checked rows: parks, their links and (when kept) their history, in a few queries.

        The preview writes them too (its transaction is rolled back), so it meets what the database
        would refuse exactly as the confirmed import would. A failure is the file's error: the whole
        import is rolled back and the preview offers no confirmation.
        """
        if not parks:
            return
        try:
            if new:
                Park.objects.bulk_create(parks)
            else:
                self.update_rows(parks)
            links = self.replace_links(parks, new)
            if not dry_run:
                self.record_history(parks, links, "+" if new else "~")
        except Exception as error:  # whatever the database refused: reported, and the import rolled back
            self.handle_import_error(result, error, raise_errors)

    def update_rows(self, parks):
        """The batch's changed parks, with one parameterised UPDATE run for every row (executemany).

        Django's bulk_update() builds a CASE expression per column and row: 20 seconds for 1,000 rows of
        the fact sheet's 20 columns. Values are prepared by each field, as save() prepares them.
        """
        connection = connections[self.get_db_connection_name()]
        columns = [Park._meta.get_field(name) for name in self.get_bulk_update_fields()]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
        sql = f"UPDATE {quote(Park._meta.db_table)} SET {assignments} WHERE {quote(Park._meta.pk.column)} = %s"
        rows = [
            [column.get_db_prep_save(getattr(park, column.attname), connection) for column in columns] + [park.pk]
            for park in parks
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def replace_links(self, parks, new):
        """Industries and sources as the rows name them: {many-to-many field: the link rows written}."""
        written = {}
        imported = [
            Park._meta.get_field(field.attribute)
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget)
        ]
        for field in imported:
            through = field.remote_field.through
            named = [park for park in parks if field.name in park.imported_links]
            if not new and named:
                through.objects.filter(park__in=named).delete()
            target = field.m2m_reverse_field_name()
            rows = [
                through(park_id=park.pk, **{target: related})
                for park in named
                for related in park.imported_links[field.name]
            ]
            written[field] = through.objects.bulk_create(rows)
        return written

    def record_history(self, parks, links, history_type):
        """One history record per park, as an admin save records it, with its industries and sources.

        simple-history's post_save and m2m_changed signals do not fire for bulk writes; this writes what
        they would, in a query per table and batch.
        """
        records = get_history_manager_for_model(Park).bulk_history_create(
            parks, update=history_type == "~", default_user=self.import_user, default_date=timezone.now()
        )
        # bulk_create gives the records back in the parks' order, with their ids (RETURNING).
        record_of = {park.pk: record for park, record in zip(parks, records, strict=True)}
        for field in Park.history.model._history_m2m_fields:  # the links simple-history records
            through = field.remote_field.through
            # Parks whose file left this column out keep their links: their record lists those.
            kept = [park for park in parks if field.name not in park.imported_links]
            rows = [*links.get(field, []), *(through.objects.filter(park__in=kept) if kept else [])]
            history_model = HistoricalRecords.m2m_models[field]
            columns = [column.attname for column in through._meta.fields]  # ids: no query per link
            history_model.objects.bulk_create(
                history_model(history=record_of[row.park_id], **{name: getattr(row, name) for name in columns})
                for row in rows
            )

    def before_save_instance(self, instance, row, **kwargs):
        if instance._state.adding:
            # Imported parks start unpublished, like any researcher's new park.
            instance.is_published = False
        else:
            # An open admin form on this park is now out of date (optimistic locking).
            instance.version += 1
            # Written by update_rows(), which runs no save() and so no auto_now.
            instance.updated_at = timezone.now()
