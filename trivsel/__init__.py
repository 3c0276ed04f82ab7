"""Trivsel: the intranet for volunteer centres running a TrivselsPiloter scheme."""

import secrets
from pathlib import Path

import pluggy
from flask import Flask

hookimpl = pluggy.HookimplMarker("trivsel")

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Build the app: read top to bottom, one configure step at a time."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    configure_settings(app, test_config)
    configure_database(app)
    configure_plugins(app)
    configure_i18n(app)
    configure_security(app)
    configure_htmx(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_errors(app)
    configure_commands(app)
    return app


def configure_settings(app, test_config):
    from . import config

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
    """A random key kept in instance/secret_key, so sessions survive a restart."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def configure_database(app):
    from . import db

    db.init_app(app)


def configure_plugins(app):
    from . import plugins

    plugins.init_app(app)


def configure_i18n(app):
    from . import i18n

    i18n.init_app(app)


def configure_security(app):
    from . import auth, headers

    auth.init_app(app)
    headers.init_app(app)


def configure_htmx(app):
    from flask_htmx import HTMX

    HTMX(app)


def configure_blueprints(app):
    from .views import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    from .plugins import PluginLoadError
    from .views import (
        admin,
        corps,
        courses,
        dashboard,
        directory,
        partner,
        privacy,
        referrals,
        statistics,
        stories,
        supervision,
        volunteer,
    )
    from .views import auth as auth_views

    core = (
        auth_views,
        dashboard,
        courses,
        privacy,
        volunteer,
        corps,
        supervision,
        partner,
        referrals,
        directory,
        stories,
        statistics,
        admin,
    )
    for module in core:
        app.register_blueprint(module.bp)
    plugins = app.extensions["trivsel.plugins"]
    for name, blueprint in plugins.setup("trivsel_blueprints"):
        try:
            app.register_blueprint(blueprint)
        except Exception as exc:  # a blueprint name the core or another plugin uses
            raise PluginLoadError(f"Plugin {name!r}: blueprint not registered: {exc}") from exc


def configure_templates(app):
    from . import templating

    templating.init_app(app)


def configure_errors(app):
    from . import errors

    errors.init_app(app)


def configure_commands(app):
    from . import cli

    cli.init_app(app)
