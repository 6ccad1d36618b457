from django.conf import settings


def site(request):
    """Site name and licence for the page frame."""
    return {
        "site_name": settings.SITE_NAME,
        "content_license": settings.CONTENT_LICENSE,
        "content_license_url": settings.CONTENT_LICENSE_URL,
    }
