from pathlib import Path

import yaml
from django.conf import settings
from django.test import SimpleTestCase


class CitationFileTests(SimpleTestCase):
    def test_the_software_citation_has_what_cff_requires_and_claims_no_licence(self):
        data = yaml.safe_load((Path(settings.BASE_DIR) / "CITATION.cff").read_text(encoding="utf-8"))
        self.assertEqual(data["cff-version"], "1.2.0")
        self.assertTrue(data["message"] and data["title"] and data["authors"])
        self.assertEqual(data["title"], settings.SITE_NAME)
        # The repository states no licence for the software: the file must not invent one, nor a date.
        self.assertNotIn("license", data)
        self.assertNotIn("date-released", data)
