from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Researchers' workflow: roles, history and undo, optimistic locking, imports, safe uploads, backups."""

    name = "rustbelt.workflow"
    label = "workflow"
    verbose_name = "Researchers' workflow"
