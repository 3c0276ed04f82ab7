"""Password reset ("Glemt adgangskode?"): the same answer whoever's address is typed; for an
active user a mail (through a real SMTP server) with a signed link that works once, for an
hour, and only while the password is unchanged; a reset ends every session of the user, clears
the login throttle, and kills the user's other reset links."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD, Auth, make_user
from smtp_server import smtp_server  # noqa: F401 (fixture)

from trivsel.auth import throttle
from trivsel.core.auth import hash_password
from trivsel.core.db import now
from trivsel.core.users import User
from trivsel.invitations import service
from trivsel.invitations.models import PasswordReset
from trivsel.notifications import sender
from trivsel.notifications.models import NotificationPreference, OutboxMessage

NEW_PASSWORD = "en lang sætning om haven"
LINK = re.compile(r"https?://\S+")
CSRF = re.compile(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+"')
SENT = "Hvis adressen hører til en bruger, har vi sendt et link"


@pytest.fixture
def mail_to(app, smtp_server):  # noqa: F811
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


@pytest.fixture
def vera(app):
    return make_user("volunteer", "Vera Frivillig", email="vera@frivilligcenter.dk")


def forgot(client, email):
    return client.post("/password/forgot", data={"email": email})


def link_path(text):
    (link,) = LINK.findall(text)
    return urlsplit(link).path


def queued_links(email):
    """The reset links queued to `email`, oldest first (read before they are sent)."""
    messages = (
        OutboxMessage.select()
        .where((OutboxMessage.address == email) & (OutboxMessage.kind == "password_reset"))
        .order_by(OutboxMessage.id)
    )
    return [link_path(m.body) for m in messages]


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(
        path, data={"password": password, "confirm": password if confirm is None else confirm}
    )


def logs_in(app, user, password):
    other = app.test_client()
    response = Auth(other).login(user, password)
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def text(response):
    return response.get_data(as_text=True)


def without_csrf(page):
    """The page with its CSRF tokens (signed with the time, so they differ) left out."""
    return CSRF.sub(r"\1", page)


def test_the_login_page_links_to_the_reset(client):
    page = text(client.get("/login"))
    assert '<a href="/password/forgot">Glemt adgangskode?</a>' in page
    form = text(client.get("/password/forgot"))
    assert "Glemt adgangskode" in form and 'name="email"' in form


def test_the_answer_is_the_same_for_every_address(app, client, users, vera):
    inactive = make_user("volunteer", "Ib Inaktiv", email="ib@frivilligcenter.dk", active=False)
    with app.app_context():
        invited = service.invite(users["coordinator"], "Ida", "ida@example.org", "volunteer")
    answers = {}
    for email in (vera.email, "ingen@frivilligcenter.dk", inactive.email, invited.email):
        response = forgot(client, email)
        answers[email] = (response.status_code, without_csrf(text(response)))
    assert len(set(answers.values())) == 1, "the answers differ"
    status, page = answers[vera.email]
    assert status == 200 and SENT in page
    assert vera.email not in page
    # Only the active user who has a password of their own got a mail.
    resets = PasswordReset.select()
    assert [r.user_id for r in resets] == [vera.id]
    assert queued_links(vera.email) and not queued_links(inactive.email)
    assert not queued_links(invited.email) and not queued_links("ingen@frivilligcenter.dk")
    # Typed in any case, with spaces: the same user.
    forgot(client, "  VERA@Frivilligcenter.dk ")
    assert len(queued_links(vera.email)) == 2


def test_a_reset_by_mail_sets_the_new_password_once(app, client, vera, mail_to):
    response = forgot(client, vera.email)
    assert SENT in text(response)
    with app.app_context():
        assert sender.send_due().sent == 1
    (received,) = mail_to.wait_for(1)
    assert received.rcpt_tos == [vera.email]
    assert received.subject == "Vælg en ny adgangskode til Trivsel"
    body = received.message.get_content()
    assert "60 minutter" in body
    path = link_path(body)
    assert path.startswith("/password/reset/")
    # The link carries only the signed token: no address, no name, no id.
    for personal in ("vera", "frivilligcenter", "@", "%40"):
        assert personal not in path.lower()

    page = client.get(path)
    assert page.status_code == 200 and "Vælg en ny adgangskode" in text(page)
    # The policy, at the field.
    for password, message in (
        ("kort", "Adgangskoden skal have mindst 12 tegn."),
        ("123456789012", "Adgangskoden er for almindelig."),
        (vera.email, "Adgangskoden må ikke være din e-mail eller dit navn."),
    ):
        refused = choose(client, path, password)
        assert refused.status_code == 422 and message in text(refused), password
    mismatch = choose(client, path, confirm="noget helt andet end før")
    assert mismatch.status_code == 422 and "De to adgangskoder er ikke ens." in text(mismatch)

    response = choose(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Din adgangskode er skiftet" in text(client.get("/login"))
    assert logs_in(app, User.get_by_id(vera.id), NEW_PASSWORD)
    assert not logs_in(app, User.get_by_id(vera.id), PASSWORD)
    # Once only.
    for again in (client.get(path), choose(client, path, "endnu en ny lang sætning")):
        assert again.status_code == 410
        assert "Linket er allerede brugt." in text(again)
    assert logs_in(app, User.get_by_id(vera.id), NEW_PASSWORD)


def test_a_reset_link_lasts_an_hour(app, client, vera):
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    reset = PasswordReset.get()
    assert reset.expires_at - reset.created_at == timedelta(hours=1)
    # 59 minutes on, it still opens.
    PasswordReset.update(
        created_at=now() - timedelta(minutes=59), expires_at=now() + timedelta(minutes=1)
    ).execute()
    assert client.get(path).status_code == 200
    # An hour and a minute on, it does not.
    PasswordReset.update(
        created_at=now() - timedelta(minutes=61), expires_at=now() - timedelta(minutes=1)
    ).execute()
    for response in (client.get(path), choose(client, path)):
        assert response.status_code == 410
        assert "Linket er udløbet" in text(response)
    assert not logs_in(app, User.get_by_id(vera.id), NEW_PASSWORD)


def test_a_reset_ends_every_session_of_the_user(app, client, vera):
    phone = app.test_client()
    Auth(phone).login(vera)
    assert phone.get("/me/").status_code == 200
    copied = phone.get_cookie("session")
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    assert choose(client, path).status_code == 303
    # The browser that was logged in is logged out, and a copy of its cookie opens nothing.
    response = phone.get("/me/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/me/").status_code == 302


def test_a_reset_from_the_logged_in_browser_logs_it_out_too(app, client, vera):
    Auth(client).login(vera)
    client.token = None
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    assert choose(client, path).status_code == 303
    assert client.get("/me/").status_code == 302


def test_a_reset_clears_the_login_throttle_of_the_account(app, client, vera):
    with app.test_request_context():
        for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
            throttle.record_failure(vera.email)
        assert throttle.wait_for(vera.email) is not None
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    assert choose(client, path).status_code == 303
    with app.test_request_context():
        assert throttle.wait_for(vera.email) is None
    assert logs_in(app, User.get_by_id(vera.id), NEW_PASSWORD)


def test_a_reset_kills_the_other_reset_links_of_the_user(app, client, vera):
    forgot(client, vera.email)
    forgot(client, vera.email)
    first, second = queued_links(vera.email)
    assert client.get(first).status_code == 200 and client.get(second).status_code == 200
    assert choose(client, second).status_code == 303
    response = client.get(first)
    assert response.status_code == 410
    assert PasswordReset.select().where(PasswordReset.used_at.is_null()).count() == 0


def test_a_password_changed_otherwise_kills_the_link(app, client, vera):
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    User.update(password_hash=hash_password("skiftet af administratoren")).where(
        User.id == vera.id
    ).execute()
    response = client.get(path)
    assert response.status_code == 410
    assert "fordi adgangskoden eller e-mailen er ændret" in text(response)
    assert choose(client, path).status_code == 410


def test_a_user_made_inactive_cannot_use_the_link(app, client, vera):
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    User.update(active=False).where(User.id == vera.id).execute()
    response = client.get(path)
    assert response.status_code == 410 and "Din bruger er lukket." in text(response)


def test_at_most_three_reset_mails_an_hour(app, client, vera):
    for _ in range(5):
        assert SENT in text(forgot(client, vera.email))
    assert len(queued_links(vera.email)) == 3
    # An hour later, one more may go.
    PasswordReset.update(created_at=now() - timedelta(minutes=61)).execute()
    forgot(client, vera.email)
    assert len(queued_links(vera.email)) == 4


def test_the_reset_mail_comes_whatever_the_preferences_say(app, client, vera, mail_to):
    NotificationPreference.create(user=vera, kind="password_reset", channel="off")
    forgot(client, vera.email)
    with app.app_context():
        assert sender.send_due().sent == 1
    assert mail_to.wait_for(1)[0].rcpt_tos == [vera.email]


def test_the_outbox_page_does_not_show_a_reset_link(app, client, auth, users, vera, mail_to):
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    token = path.rsplit("/", 1)[1]
    auth.login(users["admin"])
    page = text(client.get("/outbox"))
    assert "Vælg en ny adgangskode til Trivsel" in page and "[linket er skjult]" in page
    assert token not in page and "/password/reset/" not in page
    with app.app_context():
        sender.send_due()
    assert token not in OutboxMessage.get(OutboxMessage.kind == "password_reset").body
    assert token not in text(client.get("/outbox"))


def test_every_post_needs_the_csrf_token(app, client, vera):
    response = client.post("/password/forgot", data={"email": vera.email}, csrf=False)
    assert response.status_code == 400
    assert PasswordReset.select().count() == 0
    forgot(client, vera.email)
    (path,) = queued_links(vera.email)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=data, csrf=False).status_code == 400
    assert PasswordReset.get().used_at is None
    assert not logs_in(app, User.get_by_id(vera.id), NEW_PASSWORD)


def test_the_address_never_goes_in_a_url(client, vera):
    """The form posts the address in the body; nothing the pages link to carries it."""
    page = text(client.get("/password/forgot"))
    assert 'method="post"' in page
    response = forgot(client, vera.email)
    assert "vera" not in response.headers.get("Location", "")
    assert vera.email not in text(response)
