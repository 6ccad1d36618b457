from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """Open data: the read API, the data package, the SQLite dataset and the Data page."""

    name = "opendata"
    verbose_name = "Open data"
