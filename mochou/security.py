"""Security headers on every response: Content-Security-Policy, Permissions-Policy, frame protection.

A small middleware instead of django-csp (docs/security.md): the policy is one fixed string, with
no nonces and no per-view decorators, because no page has an inline script. Django's
SecurityMiddleware already sends X-Content-Type-Options and Referrer-Policy on the responses that
pass through it; they are set here too (setdefault) so that they never depend on the order of the
middleware. A view that sends its own, stricter header keeps it (the photo view's sandbox policy).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Everything from our own origin, nothing from anywhere else (a government intranet has no CDN,
# and a script injected from elsewhere is the attack CSP is for).
# - script-src 'self': no inline script and no eval; htmx's own inline <style> is switched off in
#   base.html (htmx-config includeIndicatorStyles: false).
# - style-src-attr 'unsafe-inline': two style attributes remain in portal/_attachments.html (the
#   photo thumbnails); style *elements* and remote stylesheets stay forbidden. Browsers without
#   CSP level 3 fall back to style-src 'self' and only lose the thumbnails' sizing.
# - img-src data:: Swagger UI's icons (/api/docs) are data: URIs.
# - frame-ancestors 'none': no page may be framed (clickjacking), like X-Frame-Options: DENY.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# No page uses the camera, the microphone or the position. The citizen page's photo field is a
# file input: the phone offers its own camera app, which needs no permission.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
