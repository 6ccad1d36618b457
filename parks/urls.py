from django.urls import path

from parks import views

app_name = "parks"
urlpatterns = [
    path("", views.park_list, name="list"),
    path("provinces/<slug:slug>/", views.province_detail, name="province"),
    path("paths/<slug:slug>/", views.path_detail, name="path"),
    path("<slug:slug>/", views.park_detail, name="detail"),
]
