"""Content-Security-Policy for every response (Django 5.2 has no built-in CSP).

The portal loads its own script and styles only: htmx from /static/, small behaviours in static/js/portal.js (no
inline event handlers), so scripts need no 'unsafe-inline'. A per-request nonce (``request.csp_nonce``) is
offered for the rare inline <script> a template cannot avoid. Styles keep 'unsafe-inline': progress bars use
style attributes and htmx inserts its indicator style; CSS cannot run code.
"""

import secrets

HEADER = "Content-Security-Policy"

# Swagger UI's bundle is served from our own static files (drf-spectacular-sidecar), so its page needs no other
# host; our copy of its template puts the nonce on the inline starter.
# django-import-export's export page toggles its checkboxes with one inline handler; allow exactly that one.
ADMIN_INLINE_HANDLER_HASHES = ("'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='")


def build_policy(*, nonce: str, path: str) -> str:
    script = ["'self'", f"'nonce-{nonce}'"]
    style = ["'self'", "'unsafe-inline'"]
    img = ["'self'", "data:"]
    if "/admin/" in path:
        script += ADMIN_INLINE_HANDLER_HASHES
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "style-src": style,
        "img-src": img,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sets the policy unless the view set its own; ``request.csp_nonce`` is fresh for every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = build_policy(nonce=request.csp_nonce, path=request.path)
        return response
