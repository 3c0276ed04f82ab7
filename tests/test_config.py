"""Configuration: defaults, instance/config.py, then TRIVSEL_* environment variables."""

from trivsel import create_app
from trivsel.core import config


def test_environment_variables_are_parsed():
    settings = config.from_environment(
        {
            "TRIVSEL_DATABASE_URL": "postgresql://u@h/db",
            "TRIVSEL_FIRST_CONTACT_FLAG_DAYS": "3",
            "TRIVSEL_DISABLED_PLUGINS": "a, b,,",
            "TRIVSEL_SECRET_KEY": "",
            "TRIVSEL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # not read: only tests weaken it
            "UNRELATED": "x",
        }
    )
    assert settings == {
        "DATABASE_URL": "postgresql://u@h/db",
        "FIRST_CONTACT_FLAG_DAYS": 3,
        "DISABLED_PLUGINS": ("a", "b"),
    }


def test_the_environment_overrides_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIVSEL_COURSE_EXPECTED_WEEKS", "10")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"}
    )
    assert app.config["COURSE_EXPECTED_WEEKS"] == 10
    assert app.config["BABEL_DEFAULT_LOCALE"] == "da"


def test_sqlite_in_the_instance_folder_by_default(tmp_path, monkeypatch):
    from trivsel.core.db import database_url

    monkeypatch.delenv("TRIVSEL_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert database_url(app).startswith("sqlite:///")
    assert database_url(app).endswith("/instance/trivsel.db")


def test_the_instance_secret_key_is_private_and_kept(tmp_path):
    from trivsel.app import _instance_secret_key

    first = _instance_secret_key(tmp_path)
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert _instance_secret_key(tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left
