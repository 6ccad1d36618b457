"""Locale formats that differ from Django's own (settings.FORMAT_MODULE_PATH); the rest come from Django."""
