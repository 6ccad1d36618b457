"""The Nu Html Checker finds no error on any page type of the deployed build."""

import json
import os
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase, tag

from tools.deployed import page_types
from tools.tests.browser import deployed_site


@tag("deployed")
class NuHtmlCheckerTests(SimpleTestCase):
    @classmethod
    def setUpTestRun(cls):
        deployed_site()  # before the test processes of --parallel start, so that they share it

    def test_no_page_type_has_an_html_error(self):
        jar = Path(os.environ.get("VNU_JAR", ""))
        self.assertTrue(jar.is_file(), "vnu.jar not found: run the suite with `make test`, which installs it")
        site = deployed_site()
        # The checker refuses to fetch loopback addresses, so it reads the pages from files.
        with tempfile.TemporaryDirectory() as folder:
            files = []
            for kind, path in page_types().items():
                file = Path(folder) / f"{kind}.html"
                file.write_bytes(fetch(site.url + path))
                files.append(str(file))
            result = subprocess.run(
                ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
                capture_output=True,
                text=True,
                timeout=300,
            )
        messages = json.loads(result.stderr)["messages"]
        errors = [
            f"{Path(message.get('url', '?')).stem} line {message.get('lastLine')}: {message['message']}"
            for message in messages
            if message["type"] in {"error", "non-document-error"}
        ]
        self.assertEqual(errors, [], "\n" + "\n".join(errors))


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the not-found page is a 404 with a body
        return error.read()
