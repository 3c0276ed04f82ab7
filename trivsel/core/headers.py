"""Security headers on every response: scripts and styles only from this site, nothing that can
hold personal data kept in a cache, and, when Trivsel is served over HTTPS, HSTS and cookies
sent only over HTTPS."""

from flask import request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# A year, the subdomains too: once the site is on HTTPS, a browser never tries plain HTTP.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# The cookies Flask and Flask-Login set themselves, made Secure from the config.
SECURE_COOKIE_SETTINGS = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")


def is_static():
    """A static file (the app's or a blueprint's): it holds no personal data and keeps the
    caching Flask gives it."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def no_store(response):
    """`Cache-Control: no-store` on a response that may hold personal data. A view's own
    Cache-Control stays only when it already forbids storing (e.g. "no-store, max-age=0");
    anything weaker (no-cache, private, max-age) is replaced, since each of those still lets
    the browser or a proxy keep a copy on disk."""
    if not response.cache_control.no_store:
        response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)  # "expires later" contradicts "do not store"


def uses_https(config):
    return str(config.get("BASE_URL") or "").lower().startswith("https://")


def secure_cookies(response):
    """Mark every cookie set so far Secure (a view's own, e.g. set_cookie without secure=True);
    the session and remember cookies, set later, follow SESSION/REMEMBER_COOKIE_SECURE."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    marked = [
        cookie
        if any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])
        else f"{cookie}; Secure"
        for cookie in cookies
    ]
    response.headers.setlist("Set-Cookie", marked)


def init_app(app):
    # BASE_URL says how the users reach Trivsel (behind a TLS-terminating proxy the app itself
    # sees plain HTTP, so the request cannot tell). On HTTPS the cookies are Secure and HSTS
    # is sent; on plain HTTP neither, or the login could not keep its session cookie.
    https = uses_https(app.config)
    if https:
        for setting in SECURE_COOKIE_SETTINGS:
            app.config[setting] = True

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not is_static():
            no_store(response)
        if https:
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
            secure_cookies(response)
        return response
