"""Django's request errors are written where gunicorn writes its own: the GUNICORN_ERROR_LOG file."""

import logging.config
import os
import runpy
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import Client, SimpleTestCase, override_settings
from django.urls import path


def broken_view(request):
    raise RuntimeError("the view broke here")


urlpatterns = [path("broken/", broken_view)]


@override_settings(ROOT_URLCONF=__name__)
class ErrorLogTests(SimpleTestCase):
    def logging_as_deployed(self, environment):
        """Logging configured by the settings file as it reads `environment` (as gunicorn's workers start)."""
        with mock.patch.dict(os.environ, environment):
            deployed = runpy.run_path(str(Path(settings.BASE_DIR) / "rustbelt" / "settings.py"))
        logging.config.dictConfig(deployed["LOGGING"])
        self.addCleanup(logging.config.dictConfig, settings.LOGGING)

    def test_a_server_error_goes_to_the_gunicorn_error_log(self):
        with tempfile.TemporaryDirectory() as folder:
            error_log = os.path.join(folder, "gunicorn-error.log")
            self.logging_as_deployed({"GUNICORN_ERROR_LOG": error_log})
            response = Client(raise_request_exception=False).get("/broken/")
            self.assertEqual(response.status_code, 500)
            logging.config.dictConfig(settings.LOGGING)  # closes the file
            written = Path(error_log).read_text()
        self.assertIn("ERROR django.request", written)
        self.assertIn("Internal Server Error: /broken/", written)
        self.assertIn("RuntimeError: the view broke here", written)

    def test_without_a_file_errors_go_to_stderr(self):
        with mock.patch("sys.stderr") as stderr:
            self.logging_as_deployed({"GUNICORN_ERROR_LOG": "-"})
            Client(raise_request_exception=False).get("/broken/")
        written = "".join(call.args[0] for call in stderr.write.call_args_list)
        self.assertIn("RuntimeError: the view broke here", written)
