"""Where the app's files are: inside the installed package, or beside it in a checkout."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
CHECKOUT = PACKAGE.parent


def is_checkout():
    """Running from the repository (an editable install or plain `flask run` there)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "templates").is_dir()


def templates_folder():
    """The wheel carries the templates inside the package; a checkout keeps them at the top."""
    installed = PACKAGE / "templates"
    return installed if installed.is_dir() else CHECKOUT / "templates"


def local_plugins_folder(instance_path):
    """The folder of local plugins: `plugins/` in a checkout, else `instance/plugins`."""
    if is_checkout():
        return CHECKOUT / "plugins"
    return Path(instance_path) / "plugins"
