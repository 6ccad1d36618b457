"""The layers contract (.importlinter) fails when a module imports upwards, run on a copy of the project."""

import configparser
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

CONFIG = Path(settings.BASE_DIR) / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def copy_project(folder):
    """The contract's root packages (their Python files only) and the contract itself, into `folder`."""
    config = configparser.ConfigParser()
    config.read(CONFIG)
    for package in config["importlinter"]["root_packages"].split():
        shutil.copytree(
            Path(settings.BASE_DIR) / package,
            Path(folder) / package,
            ignore=lambda directory, names: [
                name for name in names if not name.endswith(".py") and not (Path(directory) / name).is_dir()
            ],
        )
    shutil.copy(CONFIG, folder)


class LayersContractTests(SimpleTestCase):
    def lint_imports(self, folder):
        return subprocess.run(
            [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_the_project_as_it_is_keeps_the_contract(self):
        with tempfile.TemporaryDirectory() as folder:
            copy_project(folder)
            result = self.lint_imports(folder)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("1 kept, 0 broken", result.stdout)

    def test_the_shared_layer_importing_a_content_app_breaks_it(self):
        with tempfile.TemporaryDirectory() as folder:
            copy_project(folder)
            (Path(folder) / "publishing" / "upwards.py").write_text("from parks.models import Park\n")
            result = self.lint_imports(folder)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("0 kept, 1 broken", result.stdout)
        self.assertIn("publishing.upwards -> parks.models", result.stdout)
