from django.urls import path

from articles import views, views_stories

app_name = "articles"
urlpatterns = [
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/figures/", views_stories.figures, name="figures"),
    path("<slug:slug>/figures/<slug:series_slug>.csv", views_stories.series_csv, name="series-csv"),
    path("<slug:slug>/figures/<slug:series_slug>.svg", views_stories.series_svg, name="series-svg"),
    path("<slug:slug>/cite.<slug:fmt>", views_stories.article_cite, name="cite"),
]
