"""Park import/export (CSV and XLSX) for the admin, in the fact sheet's column layout."""

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets

from parks.models import DevelopmentPath, Industry, Park, Province, Source


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row by slug; an unknown slug is a row error with a reason, not a crash."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"Unknown {self.model._meta.verbose_name} “{value}”: use one of "
                + ", ".join(self.model.objects.values_list("slug", flat=True))
            ) from None


class NamesWidget(widgets.ManyToManyWidget):
    """Related rows listed by name, separated by ";" as in the fact sheet; unknown names are reported."""

    def __init__(self, model, field):
        super().__init__(model, separator=";", field=field)

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in str(value or "").split(self.separator) if name.strip()]
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

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # Empty XLSX cells arrive as None; text columns store "" (their NOT NULL columns refuse None).
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

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
        if instance._state.adding:
            # Imported parks start unpublished, like any researcher's new park.
            instance.is_published = False
        else:
            # An open admin form on this park is now out of date (optimistic locking).
            instance.version += 1
