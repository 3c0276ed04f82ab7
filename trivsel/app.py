"""The app factory: `create_app` reads top to bottom as configure steps."""

import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask

from trivsel.core import resources

# Every area with pages, in the order their blueprints are registered.
AREAS = (
    "auth",
    "twofactor",
    "dashboard",
    "courses",
    "privacy",
    "volunteer",
    "corps",
    "supervision",
    "calendar",
    "cover",
    "partner",
    "referrals",
    "directory",
    "stories",
    "statistics",
    "admin",
    "notifications",
    "invitations",
)


def create_app(test_config=None):
    """Build the app: read top to bottom, one configure step at a time."""
    app = Flask(
        "trivsel",
        instance_relative_config=True,
        template_folder=str(resources.templates_folder()),
        static_folder=str(resources.PACKAGE / "static"),
    )
    configure_settings(app, test_config)
    configure_database(app)
    configure_plugins(app)
    configure_i18n(app)
    check_plugin_keys(app)
    configure_security(app)
    configure_htmx(app)
    configure_delivery(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_errors(app)
    configure_commands(app)
    return app


def configure_settings(app, test_config):
    from trivsel.core import config

    app.config.from_mapping(config.DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.from_environment())
    else:
        app.config.from_mapping(config.from_environment())
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _instance_secret_key(instance):
    """A random key kept in instance/secret_key, so sessions survive a restart. Written to a
    private temporary file and linked into place, so workers starting together on a new
    instance agree on one key and it is never readable by others, not even for a moment."""
    path = instance / "secret_key"
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=instance, prefix=".secret_key.")  # mode 0600
        try:
            os.write(fd, secrets.token_hex(32).encode())
            os.close(fd)
            os.link(temporary, path)  # fails if another worker linked its key first
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def configure_database(app):
    import trivsel.schema  # noqa: F401 (every area's models, so their relations are known)
    from trivsel.core import db

    db.init_app(app)


def configure_plugins(app):
    from trivsel.core import plugins
    from trivsel.default_plugins import DEFAULT_PLUGINS

    plugins.init_app(app, DEFAULT_PLUGINS)


def configure_i18n(app):
    from trivsel.core import i18n

    i18n.init_app(app)


def check_plugin_keys(app):
    """Keys that must be unique across plugins are, or start-up stops naming both plugins.
    After i18n: the hooks may translate their labels and read the app's settings."""
    with app.app_context():
        app.extensions["trivsel.plugins"].check_unique_keys()


def configure_security(app):
    from trivsel.auth import sessions
    from trivsel.core import auth, headers

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    auth.init_app(app, sessions.load_user)
    headers.init_app(app)


def configure_delivery(app):
    from trivsel.core import delivery

    delivery.init_app(app)


def configure_htmx(app):
    from flask_htmx import HTMX

    HTMX(app)


def configure_blueprints(app):
    from importlib import import_module

    from trivsel.core.plugins import PluginLoadError
    from trivsel.core.routing import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    for area in AREAS:
        app.register_blueprint(import_module(f"trivsel.{area}.views").bp)
    if app.config["BENCHMARK"]:
        app.register_blueprint(import_module("trivsel.benchmark.views").bp)
    plugins = app.extensions["trivsel.plugins"]
    for name, blueprint in plugins.setup("trivsel_blueprints"):
        try:
            app.register_blueprint(blueprint)
        except Exception as exc:  # a blueprint name the core or another plugin uses
            raise PluginLoadError(f"Plugin {name!r}: blueprint not registered: {exc}") from exc


def configure_templates(app):
    from trivsel import navigation
    from trivsel.core import labels, templating
    from trivsel.corps.reasons import reason_text
    from trivsel.courses import flow
    from trivsel.courses.who5 import WHO5_FIELDS, WHO5_INTRO

    templating.init_app(
        app,
        navigation=navigation.menu,
        flow=flow,
        labels=labels,
        who5_fields=WHO5_FIELDS,
        who5_intro=WHO5_INTRO,
        filters={"reason": reason_text},
    )


def configure_errors(app):
    from trivsel.core import errors

    errors.init_app(app)


def configure_commands(app):
    from trivsel import commands

    commands.init_app(app)
