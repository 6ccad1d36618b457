from django.apps import AppConfig


class ParksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parks"

    def load_content(self, report, force=False):
        """The shipped catalogue (asked by `manage.py load_content`, after the article it links to)."""
        from parks.content import load_catalogue

        load_catalogue(report, force=force)
