from django.urls import path

from parks import views

app_name = "parks"
urlpatterns = [
    path("", views.ParkListView.as_view(), name="list"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.json", views.export_json, name="export-json"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("map.json", views.map_data, name="map-data"),
    path("provinces/<slug:slug>/", views.ProvinceDetailView.as_view(), name="province"),
    path("paths/<slug:slug>/", views.PathDetailView.as_view(), name="path"),
    path("matrix.csv", views.matrix_csv, name="matrix-csv"),
    path("matrix.json", views.matrix_json, name="matrix-json"),
    path("coverage/", views.coverage, name="coverage"),
    path("methodology/", views.methodology, name="methodology"),
    path("<slug:slug>/cite.<slug:fmt>", views.park_cite, name="cite"),
    path("<slug:slug>/", views.ParkDetailView.as_view(), name="detail"),
]
