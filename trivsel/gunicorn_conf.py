"""gunicorn's settings for Trivsel, shipped in the wheel:

    gunicorn -c python:trivsel.gunicorn_conf 'trivsel:create_app()'

Command-line options override these (`-b 0.0.0.0:8000`, `-w 4`, `--access-logfile FILE`).

The access log leaves out what can hold personal data or a secret: the query string (only the
path is logged, `%(U)s`, never the request line `%(r)s`), the Referer (the address of the
previous page, with its query string) and any token in the path (a calendar feed's secret
address, an invitation's or a password reset's link), which is shown as `…`. A web server's log
outlives the data the app erases, and a token in it would open what it guards.
"""

import gc
import os
import re

from gunicorn.glogging import Logger

# Behind the TLS-terminating proxy on the same machine: only local connections.
bind = f"127.0.0.1:{os.environ.get('PORT') or 8000}"
workers = 2
# Served behind one proxy on this machine (bind above): its X-Forwarded-For names the client,
# so the login throttle counts clients, not the proxy (every login from one address would
# otherwise share one limit). A different set-up says so with TRIVSEL_TRUSTED_PROXIES.
os.environ.setdefault("TRIVSEL_TRUSTED_PROXIES", "1")
# A history import at its limits (20 MB, 200,000 rows) takes up to half a minute on
# PostgreSQL; gunicorn's default 30 s would kill the worker mid-import.
timeout = 120
accesslog = "-"
errorlog = "-"
# gunicorn's default format less the request line's query string and the Referer: remote
# address, time, method, path, protocol, status, bytes, user agent.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'

# A path segment as long as a secret token (secrets.token_urlsafe(32) gives 43 characters);
# Trivsel's other path segments are words and numbers, far shorter.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


def redact_path(path):
    """The path with any token in it replaced by `…`."""
    return TOKEN.sub("…", path or "")


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens taken out of the path it logs."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U"))
        return atoms


logger_class = RedactingLogger


def post_worker_init(worker):
    """The worker has loaded the app: what it made to start (modules, plugins, forms) lives as
    long as the worker, so it is moved out of the garbage collector's way. A full collection
    during a request then looks at that request's objects, not at every object of the app (a
    pause of tens of milliseconds on a page of many rows otherwise)."""
    gc.freeze()
