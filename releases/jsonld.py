"""schema.org metadata (JSON-LD) for each page: the article as a ScholarlyArticle, the open data as a Dataset,
a park as a Place, any other page as part of the WebSite. Only what the content gives: a value the site does
not know (a date, a translator) is left out, never guessed."""

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from parks.models import LATITUDE_RANGE, LONGITUDE_RANGE, Park
from publishing.generation import cached_for_generation
from releases.models import Release

SCHEMA_CONTEXT = "https://schema.org"
# The catalogue's area: the bounds every park's coordinates are checked against (parks/models.py).
REGION = _("Northeast China")
DOWNLOADS = [
    # (address name, encoding format)
    ("parks:export-csv", "text/csv"),
    ("parks:export-json", "application/json"),
    ("parks:export-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("data:datapackage", "application/json"),
    ("data:sqlite", "application/vnd.sqlite3"),
]


# Names and descriptions a search result or a share card shows are in the page's language: 锈带园区 on a
# Chinese page, as its citations name the site.
def site_name():
    return gettext(settings.SITE_NAME)


def organization():
    return {"@type": "Organization", "name": site_name()}


def website(request):
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "WebSite",
        "name": site_name(),
        "url": request.build_absolute_uri("/"),
        "inLanguage": ["en", "zh-Hans"],
        "publisher": organization(),
    }


def scholarly_article(article, request):
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ScholarlyArticle",
        "headline": article.title,
        "name": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "inLanguage": "en",
    }
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.summary:
        data["abstract"] = article.summary
    if article.issued:
        data["datePublished"] = article.issued
    if article.series:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": article.series}
    if article.publication:
        data["publisher"] = {"@type": "Organization", "name": article.publication}
    if article.original_language:
        original = {"@type": "ScholarlyArticle", "inLanguage": article.original_language}
        if article.original_title:
            original["name"] = article.original_title
        if article.author:
            original["author"] = {"@type": "Person", "name": article.author}
        data["translationOfWork"] = original
    if article.translator:
        data["translator"] = {"@type": "Person", "name": article.translator}
    if article.rights_holder:
        data["copyrightHolder"] = {"@type": "Organization", "name": article.rights_holder}
    return data


def place(park, request):
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Place",
        "name": park.display_name,
        "url": request.build_absolute_uri(park.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressRegion": park.province.display_name,
            "addressCountry": "CN",
        },
    }
    if park.other_name:
        data["alternateName"] = park.other_name
    if park.city:
        data["address"]["addressLocality"] = park.display_city
    if park.latitude is not None and park.longitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": float(park.latitude), "longitude": float(park.longitude)}
    data["containedInPlace"] = {"@type": "AdministrativeArea", "name": park.province.display_name}
    return data


def established_years():
    return Park.objects.published().aggregate(first=Min("established_year"), last=Max("established_year"))


def dataset(request):
    # A scan of every published park: kept until content changes, like the catalogue's other aggregates.
    years = cached_for_generation("established-years", established_years)
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Dataset",
        "name": gettext("Industrial parks of Northeast China (Rust Belt Parks dataset)"),
        "description": gettext(
            "The catalogue of Northeast China's industrial parks and development zones, each fact with its "
            "sources, and the tables of the article that discusses them."
        ),
        "url": request.build_absolute_uri(reverse("data:index")),
        "creator": organization(),
        "publisher": organization(),
        "license": settings.CONTENT_LICENSE_URL,
        "inLanguage": ["en", "zh-Hans"],
        "isAccessibleForFree": True,
        "spatialCoverage": {
            "@type": "Place",
            "name": str(REGION),
            "geo": {
                "@type": "GeoShape",
                "box": f"{LATITUDE_RANGE[0]} {LONGITUDE_RANGE[0]} {LATITUDE_RANGE[1]} {LONGITUDE_RANGE[1]}",
            },
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": reverse(name).rsplit("/", 1)[-1],
                "encodingFormat": encoding,
                "contentUrl": request.build_absolute_uri(reverse(name)),
            }
            for name, encoding in DOWNLOADS
        ],
    }
    if years["first"] and years["last"]:
        # The years the catalogued zones were established: the period the catalogue covers.
        data["temporalCoverage"] = f"{years['first']}/{years['last']}"
    latest = Release.objects.first()
    if latest:
        data["version"] = latest.number
        data["datePublished"] = f"{latest.date:%Y-%m-%d}"
    article = Article.objects.published().first()
    if article:
        data["citation"] = {
            key: value for key, value in scholarly_article(article, request).items() if key != "@context"
        }
    return data


def for_page(context):
    """The JSON-LD of the page whose template context this is."""
    request = context["request"]
    if "dataset_citation" in context:
        return dataset(request)
    park, article = context.get("park"), context.get("article")
    if isinstance(park, Park):
        return place(park, request)
    if isinstance(article, Article):
        return scholarly_article(article, request)
    return website(request)
