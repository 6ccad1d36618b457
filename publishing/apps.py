from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """The shared publishing layer: Markdown, citations, exports, content loading, images, the content
    generation, and the researchers' workflow (roles, history and undo, optimistic locking, backups).

    It knows nothing of the content apps; the label stays "workflow" so permissions and migrations keep their names.
    """

    name = "publishing"
    label = "workflow"
    verbose_name = "Researchers' workflow"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from publishing import generation, imports

        generation.connect_invalidation()
        user_logged_out.connect(imports.forget_pending_imports, dispatch_uid="forget_pending_imports")
