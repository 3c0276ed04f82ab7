"""Two-factor login: enrolment at the first login where the role requires it, TOTP codes (the
current and the previous step, never one twice), recovery codes (each once), throttling, the
account page, and the admin's reset. The app is built with REQUIRE_TWO_FACTOR on, as in
production (conftest's app has it off)."""

import re

import pyotp
import pytest
from conftest import PASSWORD, CsrfClient, app_config

from trivsel import create_app
from trivsel.auth.models import LoginFailure, UserSession
from trivsel.core.auth import hash_password
from trivsel.core.db import database
from trivsel.core.users import User
from trivsel.schema import prepare_database
from trivsel.twofactor import service
from trivsel.twofactor.models import RecoveryCode, TwoFactor

SECRET = re.compile(r'id="twofactor-secret">([A-Z2-7 ]+)</code>')
RECOVERY_CODES = re.compile(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4})</code></li>")
SETUP = "/login/two-factor/setup"
VERIFY = "/login/two-factor"
RECOVER = "/login/two-factor/recovery"


@pytest.fixture
def app(request, tmp_path, plugins_dir):
    """An app with REQUIRE_TWO_FACTOR on (parametrize with indirect=True and False for off)."""
    required = getattr(request, "param", True)
    app = create_app(app_config(tmp_path, plugins_dir, REQUIRE_TWO_FACTOR=required))
    app.test_client_class = CsrfClient
    with app.app_context():
        prepare_database()
    yield app
    if not database.is_closed():
        database.close()


class Clock:
    """The time the codes are checked against, moved by the test a step at a time."""

    def __init__(self):
        self.now = 1_800_000_000.0  # the start of a 30-second step

    def __call__(self):
        return self.now

    def tick(self, steps=1):
        self.now += service.STEP_SECONDS * steps


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(service, "clock", clock)
    return clock


def code(secret, clock, steps_back=0):
    return pyotp.TOTP(secret).at(clock.now - service.STEP_SECONDS * steps_back)


def post(client, url, **data):
    """A POST that may start or complete a login: the session (and its CSRF token) is new
    afterwards, so the next request fetches the token again."""
    response = client.post(url, data=data)
    client.token = None
    return response


def login(client, user, url="/login"):
    client.token = None
    return post(client, url, email=user.email, password=PASSWORD)


def logout(client):
    post(client, "/logout")


def enrol(client, user, clock):
    """The first login of a user whose role requires a second factor: the secret read from the
    page, confirmed with a code from it. Returns (secret, recovery codes)."""
    response = login(client, user)
    assert response.headers["Location"] == SETUP
    page = client.get(SETUP).get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    response = post(client, SETUP, code=code(secret, clock))
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = RECOVERY_CODES.findall(response.get_data(as_text=True))
    return secret, codes


def logged_in(client, path="/dashboard"):
    return client.get(path).status_code == 200


def sessions_of(user):
    return UserSession.select().where(UserSession.user == user.id).count()


# Enrolment at the first login


def test_a_coordinators_first_login_is_sent_to_enrolment_not_logged_in(app, client, users):
    coordinator = users["coordinator"]
    response = login(client, coordinator)
    assert response.status_code == 302
    assert response.headers["Location"] == SETUP
    assert not logged_in(client)
    assert sessions_of(coordinator) == 0
    page = client.get(SETUP).get_data(as_text=True)
    assert "Sæt totrinsbekræftelse op" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by the server
    assert 'href="otpauth://totp/Trivsel:' in page
    assert SECRET.search(page)
    assert '<label for="code">Kode fra din app' in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    # A reload shows the same secret (a scanned QR code stays good); nothing is stored yet.
    again = client.get(SETUP).get_data(as_text=True)
    assert SECRET.search(again).group(1) == SECRET.search(page).group(1)
    assert TwoFactor.select().count() == 0


def test_a_wrong_code_is_refused_at_enrolment(app, client, users, clock):
    coordinator = users["coordinator"]
    login(client, coordinator)
    page = client.get(SETUP).get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    wrong = f"{(int(code(secret, clock)) + 1) % 1_000_000:06d}"
    response = post(client, SETUP, code=wrong)
    assert response.status_code == 422
    assert "Koden passer ikke" in response.get_data(as_text=True)
    assert LoginFailure.select().count() == 1
    assert not logged_in(client)
    assert TwoFactor.select().count() == 0
    response = post(client, SETUP, code="12345")
    assert response.status_code == 422
    assert "Skriv de 6 cifre" in response.get_data(as_text=True)


def test_the_right_code_logs_in_and_shows_ten_recovery_codes_once(app, client, users, clock):
    coordinator = users["coordinator"]
    login(client, coordinator)
    page = client.get(SETUP).get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    response = post(client, SETUP, code=code(secret, clock))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    codes = RECOVERY_CODES.findall(text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/dashboard"' in text  # continue where the login was going
    assert logged_in(client)
    factor = TwoFactor.get(TwoFactor.user == coordinator.id)
    assert factor.secret == secret and factor.confirmed_at is not None
    stored = [row.code_hash for row in RecoveryCode.select()]
    assert len(stored) == 10
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in stored)
    # Shown once: the setup page now leads home, the account page shows only how many.
    assert client.get(SETUP).status_code == 302
    account = client.get("/account/two-factor").get_data(as_text=True)
    assert "10 ubrugte gendannelseskoder" in account
    assert not any(c in account for c in codes)


def test_the_login_continues_to_the_page_asked_for(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    logout(client)
    clock.tick()
    response = login(client, coordinator, url="/login?next=/courses")
    assert response.headers["Location"] == VERIFY
    response = post(client, VERIFY, code=code(secret, clock))
    assert response.headers["Location"] == "/courses"


# Codes at login


def test_a_code_logs_in_once_and_a_replayed_code_is_refused(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    logout(client)
    response = login(client, coordinator)
    assert response.headers["Location"] == VERIFY
    assert not logged_in(client)
    page = client.get(VERIFY).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    # The code that confirmed the enrolment, in the same step: used already.
    response = post(client, VERIFY, code=code(secret, clock))
    assert response.status_code == 422
    assert "allerede brugt" in response.get_data(as_text=True)
    assert not logged_in(client)
    clock.tick()
    used = code(secret, clock)
    response = post(client, VERIFY, code=f"{used[:3]} {used[3:]}")  # as the app shows it
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert logged_in(client)
    logout(client)
    login(client, coordinator)
    response = post(client, VERIFY, code=used)  # replayed
    assert response.status_code == 422
    assert not logged_in(client)


def test_the_previous_step_is_accepted_older_ones_not(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    logout(client)
    clock.tick(5)
    login(client, coordinator)
    assert post(client, VERIFY, code=code(secret, clock, steps_back=2)).status_code == 422
    response = post(client, VERIFY, code=code(secret, clock, steps_back=1))  # a lagging clock
    assert response.headers["Location"] == "/dashboard"


def test_a_recovery_code_works_once(app, client, users, clock):
    coordinator = users["coordinator"]
    _, codes = enrol(client, coordinator, clock)
    logout(client)
    login(client, coordinator)
    page = client.get(RECOVER).get_data(as_text=True)
    assert '<label for="recovery_code">Gendannelseskode' in page
    response = post(client, RECOVER, recovery_code=codes[0])
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Du har 9 gendannelseskoder tilbage." in client.get("/dashboard").get_data(as_text=True)
    assert RecoveryCode.select().count() == 9
    logout(client)
    login(client, coordinator)
    response = post(client, RECOVER, recovery_code=codes[0])
    assert response.status_code == 422
    assert "allerede brugt" in response.get_data(as_text=True)
    assert not logged_in(client)
    # Typed in capitals with a space instead of the dash: the same code.
    response = post(client, RECOVER, recovery_code=codes[1].upper().replace("-", " "))
    assert response.headers["Location"] == "/dashboard"
    assert RecoveryCode.select().count() == 8


def test_ten_wrong_codes_make_the_account_wait(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    logout(client)
    clock.tick()
    login(client, coordinator)
    right = code(secret, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(10):
        assert post(client, VERIFY, code=wrong).status_code == 422
    response = post(client, VERIFY, code=right)
    assert response.status_code == 429
    assert "Prøv igen om 15 minutter" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert not logged_in(client)
    # The recovery codes wait the same way, and so does the password.
    response = post(client, RECOVER, recovery_code="abcd-efgh")
    assert response.status_code == 429
    assert login(client, coordinator).status_code == 429


def test_without_a_pending_login_the_login_starts_again(app, client, users):
    for url in (VERIFY, RECOVER, SETUP):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Login skal startes forfra" in page


def test_a_user_with_a_factor_is_never_shown_a_new_secret(app, client, users, clock):
    coordinator = users["coordinator"]
    enrol(client, coordinator, clock)
    logout(client)
    login(client, coordinator)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.headers["Location"] == VERIFY


# Who is asked


@pytest.mark.parametrize("app", [False], indirect=True)
def test_without_the_requirement_a_coordinator_logs_in_with_the_password(app, client, users):
    response = login(client, users["coordinator"])
    assert response.headers["Location"] == "/dashboard"
    assert logged_in(client)


def test_a_volunteer_without_a_factor_is_not_asked(app, client, users):
    response = login(client, users["volunteer"])
    assert response.headers["Location"] == "/me/"
    assert logged_in(client, "/me/")


@pytest.mark.parametrize("role", ["admin", "partner"])
def test_admins_and_partners_enrol_too(app, client, users, role):
    assert login(client, users[role]).headers["Location"] == SETUP


# The account page


def test_a_volunteer_turns_two_factor_on_and_off(app, client, users, clock):
    volunteer = users["volunteer"]
    login(client, volunteer)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Slået fra." in page
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    response = client.post(
        "/account/two-factor/setup", data={"code": "000000", "current_password": PASSWORD}
    )
    assert response.status_code == 422
    # The password too: an open session left behind cannot tie the account to another phone.
    response = client.post(
        "/account/two-factor/setup",
        data={"code": code(secret, clock), "current_password": "not the password"},
    )
    assert response.status_code == 422
    assert "Adgangskoden er forkert." in response.get_data(as_text=True)
    response = client.post(
        "/account/two-factor/setup",
        data={"code": code(secret, clock), "current_password": PASSWORD},
    )
    assert response.status_code == 200
    assert len(RECOVERY_CODES.findall(response.get_data(as_text=True))) == 10
    logout(client)
    clock.tick()
    assert login(client, volunteer).headers["Location"] == VERIFY
    assert post(client, VERIFY, code=code(secret, clock)).headers["Location"] == "/me/"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Slå totrinsbekræftelse fra" in page
    # Turning it off needs a code from the app (an unused one).
    response = client.post("/account/two-factor/off", data={"disable-code": code(secret, clock)})
    assert response.status_code == 422
    assert TwoFactor.select().count() == 1
    clock.tick()
    response = client.post("/account/two-factor/off", data={"disable-code": code(secret, clock)})
    assert response.status_code == 303
    assert TwoFactor.select().count() == 0 and RecoveryCode.select().count() == 0
    logout(client)
    assert login(client, volunteer).headers["Location"] == "/me/"


def test_a_coordinator_cannot_turn_it_off_while_required(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "kan ikke slås fra" in page
    assert 'action="/account/two-factor/off"' not in page
    clock.tick()
    response = client.post("/account/two-factor/off", data={"disable-code": code(secret, clock)})
    assert response.status_code == 303
    assert TwoFactor.select().count() == 1


def test_new_recovery_codes_replace_the_old_ones(app, client, users, clock):
    coordinator = users["coordinator"]
    secret, old = enrol(client, coordinator, clock)
    url = "/account/two-factor/recovery-codes"
    response = client.post(url, data={"regenerate-code": "123456"})
    assert response.status_code == 422
    clock.tick()
    response = client.post(url, data={"regenerate-code": code(secret, clock)})
    assert response.status_code == 200
    new = RECOVERY_CODES.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    logout(client)
    login(client, coordinator)
    assert post(client, RECOVER, recovery_code=old[0]).status_code == 422
    assert post(client, RECOVER, recovery_code=new[0]).headers["Location"] == "/dashboard"


# The admin's reset


def test_the_admin_resets_a_users_second_factor(app, users, clock):
    coordinator, admin = users["coordinator"], users["admin"]
    theirs, ours = app.test_client(), app.test_client()
    enrol(theirs, coordinator, clock)
    assert logged_in(theirs)
    enrol(ours, admin, clock)
    page = ours.get(f"/admin/users/{coordinator.id}").get_data(as_text=True)
    assert "Nulstil totrinsbekræftelse" in page
    response = ours.post(f"/admin/users/{coordinator.id}/two-factor/reset")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{coordinator.id}"
    assert "er nulstillet" in ours.get(response.headers["Location"]).get_data(as_text=True)
    assert TwoFactor.select().where(TwoFactor.user == coordinator.id).count() == 0
    assert RecoveryCode.select().where(RecoveryCode.user == coordinator.id).count() == 0
    assert sessions_of(coordinator) == 0
    assert not logged_in(theirs)  # their open session ended
    assert TwoFactor.select().where(TwoFactor.user == admin.id).count() == 1
    # The next login enrols again.
    assert login(theirs, coordinator).headers["Location"] == SETUP


def test_only_the_admin_resets(app, client, users):
    volunteer = users["volunteer"]
    login(client, volunteer)
    response = client.post(f"/admin/users/{users['coordinator'].id}/two-factor/reset")
    assert response.status_code == 403


def test_recovery_codes_are_unambiguous(app):
    with app.app_context():
        codes = [service._new_recovery_code() for _ in range(200)]
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert not set("".join(codes)) & set("01ilo")


# The demo


@pytest.mark.parametrize("app, said", [(True, "is on"), (False, "is off")], indirect=["app"])
def test_demo_logins_say_whether_two_factor_is_on(app, runner, said):
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 0
    assert f"Two-factor login {said}" in result.output
    if said == "is off":
        assert "make run TWO_FACTOR=1" in result.output


# Found in review


def test_a_login_waiting_for_its_code_ends_when_the_password_is_reset(client, users, clock):
    coordinator = users["coordinator"]
    secret, _ = enrol(client, coordinator, clock)
    logout(client)
    clock.tick()
    assert login(client, coordinator).headers["Location"] == VERIFY
    # Meanwhile the owner resets the password (or the admin sets a new one).
    User.update(password_hash=hash_password("en helt ny sætning her")).where(
        User.id == coordinator.id
    ).execute()
    response = post(client, VERIFY, code=code(secret, clock))
    assert response.headers["Location"] == "/login"
    assert not logged_in(client)


def test_codes_in_other_digits_are_refused_not_a_crash(client, users, clock):
    coordinator = users["coordinator"]
    assert login(client, coordinator).headers["Location"] == SETUP
    client.get(SETUP)
    for typed in ("١٢٣٤٥٦", "１２３４５６", "12345²"):
        response = post(client, SETUP, code=typed)
        assert response.status_code == 422, typed
    secret, _ = enrol(client.application.test_client(), users["admin"], clock)
    other = client.application.test_client()
    clock.tick()
    assert login(other, users["admin"]).headers["Location"] == VERIFY
    assert post(other, VERIFY, code="١٢٣٤٥٦").status_code == 422
