from django.apps import AppConfig


class RustbeltConfig(AppConfig):
    """Project-wide pieces: page-cache invalidation, deploy checks, benchmark command."""

    name = "rustbelt"
    verbose_name = "Rust Belt Parks site"

    def ready(self):
        from rustbelt import cache

        cache.connect_invalidation()
