from django.apps import AppConfig


class RustbeltConfig(AppConfig):
    """The site itself: home, search, health, sitemaps, the page cache, load_content and benchmark commands."""

    name = "rustbelt"
    verbose_name = "Rust Belt Parks site"

    def ready(self):
        from rustbelt import checks  # noqa: F401 (registers the deploy checks)
