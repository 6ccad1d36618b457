"""The OpenAPI document's parts every operation shares (settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"])."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=["en", "zh-hans"],
    description="Language of labels and messages: en (the default, whatever Accept-Language says) or zh-hans "
    "for Chinese. Any other value is a 400 problem.",
)


class OpenDataSchema(AutoSchema):
    def get_override_parameters(self):
        # Every endpoint reads ?lang= (views.OpenDataMixin).
        return [*super().get_override_parameters(), LANG_PARAMETER]
