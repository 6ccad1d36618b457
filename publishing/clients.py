"""Who is asking: the visitor's address, shared by the login lockout and the API's rate limits."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's address behind a proxy (AXES_CLIENT_IP_CALLABLE, with DJANGO_BEHIND_PROXY=1).

    The proxy appends the address it saw to X-Forwarded-For, so only the last entry is trustworthy;
    earlier ones come from the client. Anything unparsable falls back to the proxy's address.
    """
    meta_name = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    candidate = request.META.get(meta_name, "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")
