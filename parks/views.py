# Placeholders until the catalogue work (issue 4) replaces them.
from django.shortcuts import get_object_or_404, render

from parks.models import DevelopmentPath, Park, Province


def park_list(request):
    return render(request, "parks/park_list.html", {"parks": Park.objects.published().for_listing()})


def park_detail(request, slug):
    park = get_object_or_404(Park.objects.published().for_listing(), slug=slug)
    return render(request, "parks/park_detail.html", {"park": park})


def province_detail(request, slug):
    province = get_object_or_404(Province, slug=slug)
    return render(request, "parks/province_detail.html", {"province": province})


def path_detail(request, slug):
    development_path = get_object_or_404(DevelopmentPath, slug=slug)
    return render(request, "parks/path_detail.html", {"development_path": development_path})
