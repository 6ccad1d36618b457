from django.shortcuts import get_object_or_404, render

from articles.models import Article
from articles.rendering import article_body


def article_detail(request, slug):
    # Staff see drafts (with a banner); everyone else gets a 404 for anything unpublished.
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    return render(request, "articles/article_detail.html", {"article": article, "body": article_body(request, article)})
