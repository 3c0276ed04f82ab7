"""How responses travel: compressed (HTML, CSS, JS, JSON; Flask-Compress, brotli or gzip as
the browser asks) and static files under URLs that carry a hash of their content, so a
browser keeps them for a year without asking again and a changed file is a new URL.

Compression and secrets (BREACH): a compressed HTTPS page that reflects what an attacker sends
beside a secret can leak the secret by its length. Trivsel's CSRF token is signed with a
timestamp, so its text changes every second and cannot be pieced together; sessions travel in
cookies, which are never compressed."""

import hashlib
from pathlib import Path

from flask import request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
COMPRESSED_STATIC = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")
compress = Compress()


def init_app(app):
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/calendar",
            "text/csv",
        ],
    )
    compress.init_app(app)

    folder = Path(app.static_folder)
    hashes = {}

    def content_hash(filename):
        """The first 12 hex digits of the file's SHA-256 (None for no such file). Kept for the
        process's life, except in debug mode, where files change under a running server."""
        if app.debug or filename not in hashes:
            path = (folder / filename).resolve()
            if not path.is_file() or folder.resolve() not in path.parents:
                return None
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return hashes[filename]

    @app.url_defaults
    def hashed_static_url(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = content_hash(values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_hashed_static(response):
        """Runs before Flask-Compress's hook (registered after it): a static file is sent as a
        file (direct passthrough), which Flask-Compress leaves alone; the stylesheet and the
        scripts are small, so they are read and compressed like a page."""
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and response.mimetype in COMPRESSED_STATIC
        ):
            response.direct_passthrough = False
            response.set_data(response.get_data())  # read whole: compressed like a page
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and request.args.get("v")
            and request.args["v"] == content_hash((request.view_args or {}).get("filename", ""))
        ):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            response.headers.pop("Expires", None)
        return response
