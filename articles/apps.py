from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def load_content(self, report, force=False):
        """The shipped article, its sections and its data series (asked by `manage.py load_content`)."""
        from articles.content import load_article
        from articles.content.series import load_series

        load_article(report, force=force)
        load_series(report, force=force)
