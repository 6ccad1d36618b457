"""What a server process does before its first request (rustbelt/startup.py)."""

from django.template import engines
from django.test import SimpleTestCase, override_settings
from django.urls import clear_url_caches, get_resolver
from django.utils import translation
from django.utils.translation import trans_real

from rustbelt.startup import warm_up

CACHED_LOADERS = [
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]


class WarmUpTests(SimpleTestCase):
    def test_urls_translations_and_templates_are_ready_before_the_first_request(self):
        clear_url_caches()
        trans_real._translations.clear()
        engine_settings = {**engines.templates["django"]}
        engine_settings["OPTIONS"] = {**engine_settings["OPTIONS"], "loaders": CACHED_LOADERS}
        engine_settings.pop("APP_DIRS", None)
        with override_settings(TEMPLATES=[engine_settings]):
            warm_up()
            loader = engines["django"].engine.template_loaders[0]
            compiled = {key.split("-")[0] for key in loader.get_template_cache}
        self.assertTrue(get_resolver()._populated)
        self.assertIn("zh-hans", trans_real._translations)
        catalogue_heading = "Parks"  # a message of the site's own catalogue, not extracted from here
        with translation.override("zh-hans"):
            self.assertEqual(translation.gettext(catalogue_heading), "园区")
        for name in ("base.html", "home.html", "parks/park_list.html", "articles/article_detail.html"):
            self.assertIn(name, compiled)
