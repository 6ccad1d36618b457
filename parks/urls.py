from django.urls import path

from parks import views, views_stories

app_name = "parks"
urlpatterns = [
    path("", views.park_list, name="list"),
    path("provinces/<slug:slug>/", views.province_detail, name="province"),
    path("paths/<slug:slug>/", views.path_detail, name="path"),
    path("matrix.csv", views_stories.matrix_csv, name="matrix-csv"),
    path("matrix.json", views_stories.matrix_json, name="matrix-json"),
    path("coverage/", views_stories.coverage, name="coverage"),
    path("<slug:slug>/cite.<slug:fmt>", views_stories.park_cite, name="cite"),
    path("<slug:slug>/", views.park_detail, name="detail"),
]
