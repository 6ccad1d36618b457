import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse
from PIL import Image

from articles.models import Figure
from articles.tests.factories import make_article
from parks.models import Park
from parks.tests.factories import make_park, make_province
from publishing import testing as images
from publishing.images import rendition_name
from publishing.testing import admin_form_data, make_staff


class TempMediaMixin:
    def setUp(self):
        super().setUp()
        self.media_root = tempfile.mkdtemp(prefix="rb-media-")
        self.addCleanup(shutil.rmtree, self.media_root, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media_root)
        media.enable()
        self.addCleanup(media.disable)

    def stored_files(self):
        return sorted(str(p.relative_to(self.media_root)) for p in Path(self.media_root).rglob("*") if p.is_file())


class HostileUploadTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")
        cls.province = make_province()

    def post_park(self, photo):
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_add")
        data = admin_form_data(self.client.get(url), "park_form")
        data.update(
            name_en="Jilin ETDZ",
            slug="jilin-etdz",
            province=self.province.pk,
            photo=photo,
            photo_alt="Factory halls by the Songhua river",
        )
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def post_figure(self, image):
        self.client.force_login(self.editor)
        article = make_article()
        url = reverse("admin:articles_figure_add")
        data = admin_form_data(self.client.get(url), "figure_form")
        data.update(article=article.pk, image=image, alt_text="A chart", order="1")
        return self.client.post(url, data)

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertEqual(self.stored_files(), [])

    def test_text_file_renamed_jpg_is_refused(self):
        response = self.post_park(images.upload(b"Just some notes, not a photo.\n" * 20, "photo.jpg"))
        self.assert_refused(response, "This file is not an image we accept.")
        self.assertFalse(Park.objects.exists())

    def test_truncated_png_is_refused(self):
        response = self.post_park(images.upload(images.truncated_png(), "chart.png", "image/png"))
        self.assert_refused(response, "This image is damaged or incomplete")
        self.assertFalse(Park.objects.exists())

    def test_decompression_bomb_header_is_refused_before_decoding(self):
        bomb = images.png_header_only(30_000, 30_000)
        self.assertLess(len(bomb), 200)  # 900 megapixels announced in a few bytes
        response = self.post_park(images.upload(bomb, "huge.png", "image/png"))
        self.assert_refused(response, "The image has too many pixels (the limit is 40 megapixels)")
        self.assertFalse(Park.objects.exists())

    def test_image_just_over_our_pixel_limit_is_refused(self):
        # Under Pillow's own bomb threshold, over ours: our header check is what refuses it.
        with self.settings(MAX_UPLOAD_PIXELS=10_000):
            response = self.post_park(images.upload(images.photo_bytes(200, 100), "wide.jpg"))
            self.assert_refused(response, "The image has too many pixels (the limit is 0.01 megapixels)")

    def test_svg_with_script_is_refused(self):
        for name in ("drawing.svg", "drawing.png"):
            with self.subTest(name=name):
                response = self.post_park(images.upload(images.SVG_WITH_SCRIPT, name, "image/svg+xml"))
                self.assert_refused(response, "This file is not an image we accept.")

    @override_settings(MAX_UPLOAD_BYTES=20_000)
    def test_oversized_file_is_refused(self):
        big = images.photo_bytes(400, 400, noise=True)
        self.assertGreater(len(big), 20_000)
        response = self.post_park(images.upload(big))
        self.assert_refused(response, "the limit is 19.5\xa0KB")
        self.assertFalse(Park.objects.exists())

    def test_figure_upload_is_checked_too(self):
        response = self.post_figure(images.upload(images.png_header_only(30_000, 30_000), "f.png", "image/png"))
        self.assert_refused(response, "too many pixels")
        self.assertFalse(Figure.objects.exists())

    def test_model_validation_refuses_outside_the_admin(self):
        from django.core.exceptions import ValidationError

        park = Park(name_en="X", slug="x", province=self.province, photo=images.upload(b"nope", "x.jpg"), photo_alt="x")
        with self.assertRaisesMessage(ValidationError, "This file is not an image we accept."):
            park.full_clean()


class ImageProcessingTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("eddie", "Editors")

    def test_exif_orientation_applied_and_metadata_stripped(self):
        original = images.jpeg_with_gps_and_rotation()
        with Image.open(images.upload(original)) as source:
            self.assertTrue(source.getexif().get_ifd(0x8825))  # the fixture really carries GPS
        park = make_park(
            slug="jilin-etdz", photo=images.upload(original, "IMG_2041 home address.jpg"), photo_alt="Gate"
        )

        name = park.photo.name
        self.assertRegex(name, r"^parks/[0-9a-f]{32}\.jpg$")
        with Image.open(Path(self.media_root) / name) as stored:
            self.assertEqual(stored.size, (800, 1200))  # turned upright
            self.assertEqual(len(stored.getexif()), 0)
            self.assertNotIn("exif", stored.info)
            top = stored.convert("RGB").getpixel((400, 100))
            self.assertGreater(top[0], top[2])  # the red (left) half is now on top
        self.assertNotIn(b"Test camera", (Path(self.media_root) / name).read_bytes())

    def test_resized_copies_are_stored_and_listed_in_srcset(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(1200, 800)), photo_alt="Gate")
        stored = self.stored_files()
        self.assertEqual(len(stored), 3)
        for width in settings.IMAGE_WIDTHS:
            with Image.open(Path(self.media_root) / rendition_name(park.photo.name, width)) as copy:
                self.assertEqual(copy.width, width)
        self.assertIn(f"{rendition_name(park.photo.url, 480)} 480w", park.photo_srcset)
        self.assertIn(f"{park.photo.url} 1200w", park.photo_srcset)

    def test_small_image_gets_no_upscaled_copies(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(300, 200)), photo_alt="Gate")
        self.assertEqual(self.stored_files(), [park.photo.name])
        self.assertEqual(park.photo_srcset, "")

    def test_replacing_in_the_admin_removes_the_old_files(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(900, 600)), photo_alt="Gate")
        old_files = self.stored_files()
        self.assertEqual(len(old_files), 2)
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_change", args=[park.pk])
        data = admin_form_data(self.client.get(url), "park_form")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {**data, "photo": images.upload(images.photo_bytes(500, 300))})
        self.assertRedirects(response, reverse("admin:parks_park_changelist"))
        park.refresh_from_db()
        self.assertEqual(self.stored_files(), sorted([park.photo.name, rendition_name(park.photo.name, 480)]))
        self.assertFalse(set(old_files) & set(self.stored_files()))

    def test_clearing_and_deleting_remove_files(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(900, 600)), photo_alt="Gate")
        figure = Figure.objects.create(article=make_article(), image=images.upload(images.photo_bytes()), alt_text="x")
        self.assertEqual(len(self.stored_files()), 5)
        with self.captureOnCommitCallbacks(execute=True):
            park.photo = ""
            park.photo_alt = ""
            park.save()
        self.assertEqual(len(self.stored_files()), 3)
        self.client.force_login(self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("admin:articles_figure_delete", args=[figure.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.stored_files(), [])

    def test_failed_save_keeps_the_files(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(300, 200)), photo_alt="Gate")
        with self.captureOnCommitCallbacks(execute=True):
            try:
                from django.db import transaction

                with transaction.atomic():
                    park.photo = images.upload(images.photo_bytes(310, 200))
                    park.save()
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        self.assertIn(Park.objects.get().photo.name, self.stored_files())

    def test_article_page_offers_the_resized_copies(self):
        article = make_article(status="published")
        figure = Figure.objects.create(article=article, image=images.upload(images.photo_bytes()), alt_text="Map")
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, f"{rendition_name(figure.image.url, 480)} 480w")
        self.assertContains(response, f"{rendition_name(figure.image.url, 960)} 960w")
        self.assertContains(response, f"{figure.image.url} 1200w")

    def test_reverting_to_a_version_whose_photo_was_replaced_asks_for_the_photo(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(300, 200)), photo_alt="Gate")
        first_version = park.history.get()
        with self.captureOnCommitCallbacks(execute=True):
            park.photo = images.upload(images.photo_bytes(320, 200))
            park.save()
        current_photo = park.photo.name
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_simple_history", args=[park.pk, first_version.history_id])
        data = admin_form_data(self.client.get(url), "historicalpark_form")
        response = self.client.post(url, data)
        self.assertContains(response, "This version&#x27;s file was deleted when it was replaced.")
        self.assertEqual(Park.objects.get().photo.name, current_photo)
        response = self.client.post(url, {**data, "photo-clear": "on", "photo_alt": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Park.objects.get().photo.name, "")

    def test_clearing_while_reverting_leaves_no_orphans(self):
        park = make_park(slug="jilin-etdz", photo=images.upload(images.photo_bytes(300, 200)), photo_alt="Gate")
        first_version = park.history.get()
        with self.captureOnCommitCallbacks(execute=True):
            park.photo = images.upload(images.photo_bytes(320, 200))
            park.save()
        self.client.force_login(self.editor)
        url = reverse("admin:parks_park_simple_history", args=[park.pk, first_version.history_id])
        data = admin_form_data(self.client.get(url), "historicalpark_form")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {**data, "photo-clear": "on", "photo_alt": ""})
        self.assertEqual(self.stored_files(), [])
