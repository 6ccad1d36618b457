from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/figures/", views.figures, name="figures"),
    path("<slug:slug>/figures/<slug:series_slug>.csv", views.series_csv, name="series-csv"),
    path("<slug:slug>/figures/<slug:series_slug>.svg", views.series_svg, name="series-svg"),
    path("<slug:slug>/cite.<slug:fmt>", views.article_cite, name="cite"),
]
