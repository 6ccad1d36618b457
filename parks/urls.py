from django.urls import path

from parks import views

app_name = "parks"
urlpatterns = [
    path("", views.ParkListView.as_view(), name="list"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.json", views.export_json, name="export-json"),
    path("provinces/<slug:slug>/", views.ProvinceDetailView.as_view(), name="province"),
    path("paths/<slug:slug>/", views.PathDetailView.as_view(), name="path"),
    path("<slug:slug>/", views.ParkDetailView.as_view(), name="detail"),
]
