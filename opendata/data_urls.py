from django.urls import path

from opendata import data_views

app_name = "data"
urlpatterns = [
    path("", data_views.data_page, name="index"),
    path("datapackage.json", data_views.datapackage_json, name="datapackage"),
    path("rust-belt-parks.sqlite", data_views.sqlite_file, name="sqlite"),
    path("<slug:name>.csv", data_views.table_csv, name="table"),
]
