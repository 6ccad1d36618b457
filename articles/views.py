from django.shortcuts import get_object_or_404, render

from articles.models import Article


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    return render(request, "articles/article_detail.html", {"article": article})
