from django.shortcuts import render

from articles.models import Article


def home(request):
    # One-off page mixing the article and the catalogue, so a plain function.
    return render(request, "home.html", {"articles": Article.objects.published()})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)
