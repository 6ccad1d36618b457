from django.contrib import admin
from django.urls import include, path

from rustbelt import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", include("articles.urls")),
    path("parks/", include("parks.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "rustbelt.views.page_not_found"
