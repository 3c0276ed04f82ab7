"""Login throttling: the 11th failure in 15 minutes waits, with the wait named, in every worker
process; it does not lock the owner out for good."""

import json
import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from conftest import PASSWORD, TEST_HASH_METHOD, make_user

from trivsel.auth.models import LoginFailure
from trivsel.core.db import now

WRONG = "not the password at all"


def fail(client, email, times):
    for _ in range(times):
        response = client.post("/login", data={"email": email, "password": WRONG})
        assert response.status_code == 422
        assert "Forkert e-mail eller adgangskode." in response.get_data(as_text=True)


def earlier(**delta):
    """Move every recorded failure back in time (as if the minutes had passed)."""
    for row in LoginFailure.select():
        LoginFailure.update(at=row.at - timedelta(**delta)).where(
            LoginFailure.id == row.id
        ).execute()


def test_the_eleventh_failure_waits_even_with_the_right_password(client, users):
    email = users["coordinator"].email
    fail(client, email, 10)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "For mange forkerte forsøg. Prøv igen om 15 minutter." in page
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Ret de markerede felter" not in page
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_the_wait_ends_when_the_oldest_failures_leave_the_window(client, auth, users):
    email = users["coordinator"].email
    fail(client, email, 10)
    # Seven minutes later the wait is eight minutes.
    earlier(minutes=7)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert "Prøv igen om 8 minutter." in response.get_data(as_text=True)
    earlier(minutes=8, seconds=1)
    assert auth.login(users["coordinator"]).status_code == 302
    assert LoginFailure.select().count() == 0  # a login clears the account's count


def test_refused_attempts_do_not_extend_the_wait(client, users):
    email = users["volunteer"].email
    fail(client, email, 10)
    for _ in range(5):
        client.post("/login", data={"email": email, "password": WRONG})
    assert LoginFailure.select().count() == 10


def test_one_account_waiting_leaves_the_others_alone(client, auth, users):
    fail(client, users["coordinator"].email, 10)
    assert auth.login(users["volunteer"]).status_code == 302


def test_an_unknown_address_is_throttled_like_a_real_one(client):
    fail(client, "nobody@trivsel.test", 10)
    response = client.post("/login", data={"email": "nobody@trivsel.test", "password": WRONG})
    assert response.status_code == 429


def test_one_client_address_failing_on_many_accounts_waits(app, client, users):
    app.config["LOGIN_ADDRESS_FAILURE_LIMIT"] = 12
    for n in range(6):
        fail(client, f"guess{n}@trivsel.test", 2)
    response = client.post("/login", data={"email": users["admin"].email, "password": PASSWORD})
    assert response.status_code == 429
    other_address = app.test_client()
    response = other_address.post(
        "/login",
        data={"email": users["admin"].email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
        headers={"X-CSRFToken": other_address.fetch_token()},
    )
    assert response.status_code == 302


def test_the_events_are_logged_without_the_email(client, users, caplog):
    email = users["coordinator"].email
    with caplog.at_level(logging.INFO, logger="trivsel.auth"):
        fail(client, email, 10)
        client.post("/login", data={"email": email, "password": WRONG})
    messages = [record.getMessage() for record in caplog.records]
    assert sum("login failed (password)" in m for m in messages) == 10
    assert any("login throttled" in m for m in messages)
    assert not any(email in m or "coordinator" in m for m in messages)


def test_the_table_names_nobody(client, users):
    fail(client, users["coordinator"].email, 1)
    row = LoginFailure.get()
    assert users["coordinator"].email not in (row.account_key + row.address_key)
    assert "127.0.0.1" not in row.address_key


WORKER = """
import json, sys
sys.path.insert(0, "tests")
from conftest import CsrfClient
from trivsel import create_app

config, email, password, times = json.loads(sys.argv[1])
app = create_app(config)
app.test_client_class = CsrfClient
client = app.test_client()
codes = []
for _ in range(times):
    response = client.post("/login", data={"email": email, "password": password})
    codes.append(response.status_code)
print(json.dumps(codes))
"""


def in_another_process(app, email, password, times):
    """Log in `times` times from a separate process: a second worker of the same site."""
    config = {
        "TESTING": True,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PLUGINS_DIR": app.config["PLUGINS_DIR"],
        "ENTRY_POINT_PLUGINS": False,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "REQUIRE_TWO_FACTOR": False,
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps([config, email, password, times])],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_count_holds_across_two_worker_processes(app, client, users):
    email = make_user("coordinator", "Tove Proces", email="tove@center.dk").email
    assert in_another_process(app, email, WRONG, 5) == [422] * 5
    fail(client, email, 5)  # this process: five more
    assert in_another_process(app, email, PASSWORD, 1) == [429]
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 429
    assert (
        LoginFailure.select().where(LoginFailure.at > now() - timedelta(minutes=15)).count() == 10
    )
