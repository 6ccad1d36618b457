from csp.middleware import CSPMiddleware
from django.urls import reverse

# django-import-export and simple-history ship admin templates with inline styles and handlers; we extend
# their templates rather than fork them (a fork drifts on upgrade), so the admin allows inline.
ADMIN_RELAXATION = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy from settings on the public site; inline allowed in the admin only."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")) and parts.update is None:
            parts.update = ADMIN_RELAXATION
        return parts
