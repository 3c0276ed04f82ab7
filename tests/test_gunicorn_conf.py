"""The gunicorn config in the package: its access log keeps the path and leaves out the query
string, the Referer and tokens in the path. Served for real, in a subprocess."""

import importlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
TOKEN = secrets.token_urlsafe(32)  # as long as a calendar feed's secret


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(condition, process, what, timeout=30):
    """Poll `condition` until it holds; fail when the server exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode} before {what}")
        time.sleep(0.05)
    pytest.fail(f"no {what} within {timeout} s")


@pytest.fixture
def instance_env(tmp_path):
    """The environment of a fresh instance on SQLite, its database created by init-db."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIVSEL_")}
    env.update(
        TRIVSEL_DATABASE_URL=f"sqlite:///{tmp_path / 'trivsel.db'}",
        TRIVSEL_SECRET_KEY=secrets.token_hex(32),
        XDG_RUNTIME_DIR=str(tmp_path),  # gunicorn's control socket, away from other runs
    )
    env.pop("FLASK_APP", None)
    subprocess.run(
        [str(BIN / "flask"), "--app", "trivsel", "init-db"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


def test_the_access_log_leaves_query_strings_referers_and_tokens_out(tmp_path, instance_env):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "python:trivsel.gunicorn_conf",
                "trivsel:create_app()",
            ],
            env={**instance_env, "PORT": str(port)},
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"

        def answers():
            try:
                return get(f"{base}/static/trivsel.css") == 200
            except OSError:
                return False

        wait_for(answers, server, "an answer")
        referer = f"{base}/courses?q=Inge%20Hansen"
        assert get(f"{base}/login?q=Inge%20Hansen&email=inge%40example.org", Referer=referer) == 200
        assert get(f"{base}/calendar/{TOKEN}.ics") == 404

        def lines():
            text = log_path.read_text(encoding="utf-8")
            found = [line for line in text.splitlines() if '"GET /login' in line]
            return found and "/calendar/" in text and (found, text)

        (login_line, *_), text = wait_for(lines, server, "access log lines")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"127.0.0.1:{port}" in text  # bound where PORT says, on the local address only
    assert '"GET /login HTTP/1.1" 200' in login_line
    for personal in ("Inge", "Hansen", "inge%40", "example.org", "q=", "?"):
        assert personal not in login_line, (personal, login_line)
    assert "Inge" not in text and "example.org" not in text
    assert TOKEN not in text and '"GET /calendar/….ics HTTP/1.1" 404' in text
    assert server.returncode == 0


def test_the_defaults(monkeypatch):
    import trivsel.gunicorn_conf as conf

    monkeypatch.delenv("PORT", raising=False)
    conf = importlib.reload(conf)
    assert conf.bind == "127.0.0.1:8000"
    assert conf.workers == 2 and conf.accesslog == "-"
    assert "%(U)s" in conf.access_log_format
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert leaky not in conf.access_log_format
    monkeypatch.setenv("PORT", "8123")
    assert importlib.reload(conf).bind == "127.0.0.1:8123"
    assert conf.redact_path(f"/calendar/{TOKEN}.ics") == "/calendar/….ics"
    assert conf.redact_path("/courses/12/steps/first_contact") == "/courses/12/steps/first_contact"
