from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from opendata import problems, views

app_name = "api"
urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("parks/", views.ParkList.as_view(), name="park-list"),
    path("parks/<slug:slug>/", views.ParkDetail.as_view(), name="park-detail"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<int:pk>/", views.SourceDetail.as_view(), name="source-detail"),
    path("missing-zones/", views.MissingZoneList.as_view(), name="missing-zone-list"),
    path("provinces/", views.ProvinceList.as_view(), name="province-list"),
    path("provinces/<slug:slug>/", views.ProvinceDetail.as_view(), name="province-detail"),
    path("paths/", views.PathList.as_view(), name="path-list"),
    path("paths/<slug:slug>/", views.PathDetail.as_view(), name="path-detail"),
    path("industries/", views.IndustryList.as_view(), name="industry-list"),
    path("official-counts/", views.OfficialCountList.as_view(), name="official-count-list"),
    path("coverage/", views.Coverage.as_view(), name="coverage"),
    path("matrix/", views.Matrix.as_view(), name="matrix"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("series/", views.SeriesList.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetail.as_view(), name="series-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^.*$", problems.not_found),
]
