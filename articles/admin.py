from django.contrib import admin

# Register your models here.
from articles import admin_series  # noqa: F401  (data series and points: issue 7)
