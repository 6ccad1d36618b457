from django.urls import path, register_converter

from releases import feeds, views


class ReleaseNumber:
    regex = r"\d{1,4}\.\d{1,4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(ReleaseNumber, "release")

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("feed/", feeds.ReleaseFeed(), name="feed"),
    path("corrections/parks/<slug:slug>/", views.suggest_park, name="suggest-park"),
    path("corrections/articles/<slug:article>/<slug:section>/", views.suggest_section, name="suggest-section"),
    path("corrections/received/", views.suggestion_received, name="suggestion-received"),
    path("changes/<release:older>...<release:newer>/", views.compare, name="compare"),
    path("changes/<release:older>...<release:newer>.json", views.compare_json, name="compare-json"),
    path("<release:number>/", views.release_detail, name="detail"),
    path("<release:number>/changes/", views.release_changes, name="changes"),
    path("<release:number>/changes.json", views.release_changes_json, name="changes-json"),
    path("<release:number>/articles/<slug:slug>/", views.release_article, name="article"),
    path("<release:number>/articles/<slug:slug>/<slug:language>.pdf", views.article_pdf, name="article-pdf"),
    path("<release:number>/articles/<slug:slug>/cite.<slug:fmt>", views.article_cite, name="article-cite"),
    path("<release:number>/parks/", views.release_parks, name="parks"),
    path("<release:number>/parks/<slug:slug>/cite.<slug:fmt>", views.park_cite, name="park-cite"),
    path("<release:number>/parks/<slug:slug>/", views.release_park, name="park"),
    path("<release:number>/files/<str:name>", views.release_file, name="file"),
]
