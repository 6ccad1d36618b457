from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from rustbelt import health, views
from rustbelt.sitemaps import SITEMAPS

# Machine-facing and staff URLs stay unprefixed: health checks, the sitemap (it lists both
# languages itself), the admin (its language follows the cookie / Accept-Language) and the switcher.
urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # The API and the open-data files are for programs (CORS, stable addresses); the Data page sits
    # with its files and follows the visitor's language (cookie / Accept-Language).
    path("api/v1/", include("opendata.urls")),
    path("data/", include("opendata.data_urls")),
    # Django's own view; exempt from CSRF so anonymous pages need no token (they are cached whole).
    # The worst a forged post can do is change someone's preferred language.
    path("i18n/setlang/", csrf_exempt(views.switch_language), name="set_language"),
]
# Every public page in both languages: /en/... and /zh-hans/...; the old unprefixed addresses
# redirect to the visitor's language (LocaleMiddleware).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("parks/", include("parks.urls")),
    path("search/", views.search, name="search"),
    path("releases/", include("releases.urls")),
)
# Uploaded figures and photos in development (static() adds nothing when DEBUG is off).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "rustbelt.views.page_not_found"
