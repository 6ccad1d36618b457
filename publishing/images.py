"""Safe image uploads: checked before decoding, re-encoded without metadata, resized copies, no orphan files.

`ProcessedImageField` is an ImageField that
- refuses anything but an intact JPEG/PNG/WebP/GIF within MAX_UPLOAD_BYTES and MAX_UPLOAD_PIXELS,
  reading the header before a single pixel is decoded (decompression bombs never reach memory);
- on save, applies the EXIF orientation and re-encodes as JPEG without EXIF/GPS/XMP;
- stores resized copies beside the original (`<name>-480w.jpg`, ...) for `srcset`;
- deletes the old file and its copies when the image is replaced or the object deleted.
"""

import io
import struct
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
JPEG_QUALITY = 85
# What Pillow raises on broken or truncated files.
PILLOW_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)

NOT_AN_IMAGE = "This file is not an image we accept. Upload a JPEG, PNG, WebP or GIF photo or figure."


def check_image_upload(upload):
    """Raise ValidationError unless `upload` (an uploaded file) is a real, intact, reasonably sized image."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.",
            code="file_too_large",
        )
    max_pixels = settings.MAX_UPLOAD_PIXELS
    too_many_pixels = ValidationError(
        f"The image has too many pixels (the limit is {max_pixels / 1e6:g} megapixels). Resize it before uploading.",
        code="too_many_pixels",
    )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; treat the warning as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:  # parses the header only
                width, height = image.size
                image_format = image.format
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except PILLOW_ERRORS:
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    if width * height > max_pixels:
        raise too_many_pixels
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() misses truncated pixel data; decoding catches it
    except PILLOW_ERRORS:
        raise ValidationError(
            "This image is damaged or incomplete (perhaps the upload was cut off). Export it again and retry.",
            code="broken_image",
        ) from None
    finally:
        upload.seek(0)


def validate_image_file(value):
    """Model-field validator: checks new uploads; files already stored were checked when they arrived."""
    if getattr(value, "_committed", False):
        return
    check_image_upload(getattr(value, "file", value))


def clean_jpeg_bytes(upload):
    """The upload re-encoded as JPEG, turned upright by its EXIF orientation, with all metadata dropped."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = flatten(image)
    return encode_jpeg(image)


def flatten(image):
    """RGB on white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def encode_jpeg(image):
    buffer = io.BytesIO()
    # No exif=/icc_profile=/xmp= arguments: Pillow writes no metadata at all.
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w{path.suffix}"))


def save_renditions(storage, name):
    """Store a narrower copy for every configured width below the original's."""
    with storage.open(name) as stored, Image.open(stored) as image:
        image.load()
    for width in settings.IMAGE_WIDTHS:
        if image.width <= width:
            continue
        copy = image.copy()
        copy.thumbnail((width, image.height))
        storage.save(rendition_name(name, width), ContentFile(encode_jpeg(copy)))


def delete_stored(storage, name):
    for stored_name in [name, *(rendition_name(name, width) for width in settings.IMAGE_WIDTHS)]:
        storage.delete(stored_name)


def srcset(fieldfile):
    """`srcset` value for an image field: the stored resized copies plus the original."""
    if not fieldfile:
        return ""
    storage = fieldfile.storage
    candidates = [
        f"{storage.url(rendition_name(fieldfile.name, width))} {width}w"
        for width in settings.IMAGE_WIDTHS
        if storage.exists(rendition_name(fieldfile.name, width))
    ]
    if not candidates:
        return ""
    try:
        candidates.append(f"{fieldfile.url} {fieldfile.width}w")
    except OSError:  # the original went missing; the copies still serve
        pass
    return ", ".join(candidates)


class SafeImageFormField(forms.ImageField):
    """Runs our checks (with their clear messages) before Django's own Pillow check."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        check_image_upload(upload)
        return super().to_python(data)


class ProcessedImageField(models.ImageField):
    default_validators = [validate_image_file]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            post_save.connect(self.delete_replaced_file, sender=cls, weak=False)
            post_delete.connect(self.delete_file_of_deleted, sender=cls, weak=False)

    @property
    def replaced_name_attr(self):
        return f"_{self.attname}_replaced_name"

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            # file.name is the uploader's name; upload_to turns it into a generated one.
            file.save(file.name, ContentFile(clean_jpeg_bytes(file.file)), save=False)
            save_renditions(file.storage, file.name)
        if not add and model_instance.pk is not None:
            # Ask the database (not the instance, which may come from an old version) what is stored now.
            stored = (
                type(model_instance)
                ._base_manager.filter(pk=model_instance.pk)
                .values_list(self.attname, flat=True)
                .first()
            )
            if stored and stored != (file.name or ""):
                setattr(model_instance, self.replaced_name_attr, stored)
        return super().pre_save(model_instance, add)

    def delete_replaced_file(self, instance, raw=False, **kwargs):
        old_name = instance.__dict__.pop(self.replaced_name_attr, None)
        if old_name and not raw:
            storage = self.storage
            # After commit: a rolled-back save must not lose the file it still points to.
            transaction.on_commit(lambda: delete_stored(storage, old_name))

    def delete_file_of_deleted(self, instance, **kwargs):
        name = getattr(instance, self.attname).name
        if name:
            storage = self.storage
            transaction.on_commit(lambda: delete_stored(storage, name))
