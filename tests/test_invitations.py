"""Invitations: a coordinator or admin invites someone by name and e-mail; the mail (through a
real SMTP server) holds a signed single-use link with no personal data, with which the person
chooses their password and then logs in. Expired, revoked and replaced links are refused in
Danish; the roles that may invite whom; the corps' applicants are invited at once."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from conftest import PASSWORD, Auth, make_user
from smtp_server import smtp_server  # noqa: F401 (fixture)

from trivsel.core.auth import hash_password
from trivsel.core.db import now
from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.invitations import service
from trivsel.invitations.models import Invitation
from trivsel.notifications import sender
from trivsel.notifications.models import NotificationPreference, OutboxMessage

NEW_PASSWORD = "tre kopper te i haven"
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def plugins_dir():
    """The partner plugins, for the organisations a partner is invited to."""
    return ROOT / "plugins"


@pytest.fixture
def mail_to(app, smtp_server):  # noqa: F811
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def invite(client, name="Nina Nielsen", email="nina@example.org", role="volunteer", **extra):
    return client.post("/invitations", data={"name": name, "email": email, "role": role, **extra})


def deliver(app, smtp, count):
    """Send what is due through the SMTP server; the messages that arrived."""
    with app.app_context():
        sender.send_due()
    return smtp.wait_for(count)


def link_path(text):
    """The path of the (one) link in a text."""
    (link,) = LINK.findall(text)
    return urlsplit(link).path


def queued_link(email):
    """The link in the newest account mail queued to `email` (read before it is sent)."""
    message = (
        OutboxMessage.select()
        .where(OutboxMessage.address == email)
        .order_by(OutboxMessage.id.desc())
        .get()
    )
    return link_path(message.body)


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(
        path, data={"password": password, "confirm": password if confirm is None else confirm}
    )


def logs_in(app, user, password):
    """Whether `user` logs in with `password`, in a browser of its own."""
    other = app.test_client()
    response = Auth(other).login(user, password)
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def text(response):
    return response.get_data(as_text=True)


# --- The whole way ---------------------------------------------------------------------------


def test_an_invited_volunteer_gets_the_mail_chooses_a_password_and_logs_in(
    app, client, auth, users, mail_to
):
    auth.login(users["coordinator"])
    response = invite(client)
    assert response.status_code == 303
    page = text(client.get("/invitations"))
    assert "Nina Nielsen er inviteret." in page
    assert "Nina Nielsen" in page and "Venter på svar" in page
    nina = User.get(User.email == "nina@example.org")
    assert (nina.role, nina.active) == ("volunteer", True)
    # Until she accepts, no password opens the login (an unusable random hash).
    assert not logs_in(app, nina, PASSWORD)

    (received,) = deliver(app, mail_to, 1)
    assert received.rcpt_tos == ["nina@example.org"]
    assert received.subject == "Du er inviteret til Trivsel"
    body = received.message.get_content()
    assert "Vælg din adgangskode" in body and "7 dage" in body
    path = link_path(body)
    assert path.startswith("/invitation/")
    # The link carries only the signed token: no name, no address, no id.
    for personal in ("nina", "Nielsen", "example.org", "%40", "@", str(nina.id) + "/"):
        assert personal.lower() not in path.lower()

    auth.logout()
    form = client.get(path)
    assert form.status_code == 200
    assert "Velkommen til Trivsel" in text(form) and "nina@example.org" in text(form)
    response = choose(client, path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "Din adgangskode er gemt." in text(client.get("/login"))
    assert logs_in(app, User.get_by_id(nina.id), NEW_PASSWORD)
    assert Invitation.get(Invitation.user == nina.id).accepted_at is not None

    # The link works once only.
    again = client.get(path)
    assert again.status_code == 410
    assert "Invitationen er allerede brugt" in text(again)
    assert choose(client, path, "en helt anden sætning her").status_code == 410
    assert logs_in(app, User.get_by_id(nina.id), NEW_PASSWORD)
    # Accepted: no longer on the list of invitations waiting.
    auth.login(users["coordinator"])
    assert "Ingen invitationer venter på svar." in text(client.get("/invitations"))


def test_the_password_policy_refuses_at_the_field(app, client, auth, users):
    auth.login(users["coordinator"])
    invite(client, name="Karen Holm", email="karen.holm@example.org")
    path = queued_link("karen.holm@example.org")
    auth.logout()
    for password, message in (
        ("kort", "Adgangskoden skal have mindst 12 tegn."),
        ("password1234", "Adgangskoden er for almindelig."),
        ("karen.holm@example.org", "Adgangskoden må ikke være din e-mail eller dit navn."),
        ("Karen Holm", "Adgangskoden skal have mindst 12 tegn."),
        ("karenholm123", "Adgangskoden må ikke være din e-mail eller dit navn."),
    ):
        response = choose(client, path, password)
        assert response.status_code == 422, password
        assert message in text(response), password
        assert 'id="password-error"' in text(response)
    mismatch = choose(client, path, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert mismatch.status_code == 422
    assert "De to adgangskoder er ikke ens." in text(mismatch)
    # Nothing was used up: the link still works.
    assert choose(client, path).status_code == 303


# --- Links that are refused ------------------------------------------------------------------


def test_an_expired_invitation_is_refused_and_can_be_sent_again(app, client, auth, users):
    auth.login(users["coordinator"])
    invite(client)
    path = queued_link("nina@example.org")
    invitation = Invitation.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    # A week and a minute later (the row's times moved back).
    Invitation.update(
        created_at=now() - timedelta(days=7, minutes=1),
        sent_at=now() - timedelta(days=7, minutes=1),
        expires_at=now() - timedelta(minutes=1),
    ).execute()
    assert "Udløbet" in text(client.get("/invitations"))
    auth.logout()
    for response in (client.get(path), choose(client, path)):
        assert response.status_code == 410
        assert "Invitationen er udløbet" in text(response)
    # Sent again: a new link for a new week; the old one stays dead.
    auth.login(users["coordinator"])
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 303
    fresh = queued_link("nina@example.org")
    assert fresh != path
    auth.logout()
    assert client.get(path).status_code == 410
    assert choose(client, fresh).status_code == 303


def test_a_revoked_invitation_is_refused(app, client, auth, users):
    auth.login(users["coordinator"])
    invite(client)
    path = queued_link("nina@example.org")
    invitation = Invitation.get()
    response = client.post(f"/invitations/{invitation.id}/revoke")
    assert response.status_code == 303
    page = text(client.get("/invitations"))
    assert "Invitationen til Nina Nielsen er trukket tilbage." in page
    assert "Ingen invitationer venter på svar." in page
    # Revoked is final: neither resent nor revoked again.
    client.post(f"/invitations/{invitation.id}/resend")
    assert "allerede accepteret eller trukket tilbage" in text(client.get("/invitations"))
    assert OutboxMessage.select().where(OutboxMessage.kind == "invitation").count() == 1
    auth.logout()
    for response in (client.get(path), choose(client, path)):
        assert response.status_code == 410
        assert "Invitationen er trukket tilbage." in text(response)
    nina = User.get(User.email == "nina@example.org")
    assert not logs_in(app, nina, NEW_PASSWORD)


def test_resending_kills_the_old_link_and_mails_a_new_one(app, client, auth, users, mail_to):
    auth.login(users["coordinator"])
    invite(client)
    invitation = Invitation.get()
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 303
    assert "Det tidligere link virker ikke længere." in text(client.get("/invitations"))
    first, second = deliver(app, mail_to, 2)
    old, new = link_path(first.message.get_content()), link_path(second.message.get_content())
    assert old != new and second.rcpt_tos == ["nina@example.org"]
    auth.logout()
    for response in (client.get(old), choose(client, old)):
        assert response.status_code == 410
        assert "Linket gælder ikke længere." in text(response)
    assert choose(client, new).status_code == 303


def test_a_link_that_was_changed_or_made_up_is_refused(app, client, auth, users):
    auth.login(users["coordinator"])
    invite(client)
    path = queued_link("nina@example.org")
    auth.logout()
    token = path.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "x" * 43, "a.b.c"):
        response = client.get(f"/invitation/{bad}")
        assert response.status_code == 404
        assert "Linket er ikke gyldigt." in text(response)
    # A reset token is no invitation (each purpose signs with its own salt).
    assert client.get(f"/password/reset/{token}").status_code == 404


def test_a_password_the_admin_sets_kills_the_link_and_closes_the_invitation(
    app, client, auth, users
):
    auth.login(users["coordinator"])
    invite(client)
    path = queued_link("nina@example.org")
    nina = User.get(User.email == "nina@example.org")
    auth.logout()
    auth.login(users["admin"])
    assert "Ikke accepteret (venter på svar)" in text(client.get("/admin/users"))
    data = {"name": nina.name, "email": nina.email, "role": "volunteer", "active": "y"}
    # The admin's form applies the same policy.
    short = client.post(f"/admin/users/{nina.id}", data=data | {"password": "kort"})
    assert short.status_code == 422
    assert "Adgangskoden skal have mindst 12 tegn." in text(short)
    common = client.post(f"/admin/users/{nina.id}", data=data | {"password": "password12345"})
    assert "Adgangskoden er for almindelig." in text(common)
    response = client.post(f"/admin/users/{nina.id}", data=data | {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert "Ikke accepteret" not in text(client.get("/admin/users"))
    auth.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert logs_in(app, User.get_by_id(nina.id), NEW_PASSWORD)


def test_a_corrected_address_kills_the_link_sent_to_the_old_one(app, client, auth, users):
    auth.login(users["coordinator"])
    invite(client, email="nina@exmaple.org")
    path = queued_link("nina@exmaple.org")
    User.update(email="nina@example.org").where(User.email == "nina@exmaple.org").execute()
    auth.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "adgangskoden eller e-mailen er ændret" in text(response)


def test_a_deactivated_invitee_cannot_accept_nor_be_sent_the_invitation_again(
    app, client, auth, users
):
    auth.login(users["coordinator"])
    invite(client)
    path = queued_link("nina@example.org")
    User.update(active=False).where(User.email == "nina@example.org").execute()
    client.post(f"/invitations/{Invitation.get().id}/resend")
    assert "Brugeren er ikke aktiv." in text(client.get("/invitations"))
    auth.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "Din bruger er lukket." in text(response)


# --- Who may invite whom ---------------------------------------------------------------------


def test_a_coordinator_invites_volunteers_partners_and_coordinators_but_not_admins(
    client, auth, users
):
    auth.login(users["coordinator"])
    page = text(client.get("/invitations"))
    assert 'value="volunteer"' in page and 'value="coordinator"' in page
    assert 'value="admin"' not in page
    assert invite(client, "Vera Frivillig", "vera@example.org").status_code == 303
    assert invite(client, "Kim Koordinator", "kim@example.org", "coordinator").status_code == 303
    # A partner belongs to an organisation.
    without = invite(client, "Pia Partner", "pia@example.org", "partner")
    assert without.status_code == 422
    assert "Vælg samarbejdspartnerens organisation." in text(without)
    with_org = invite(
        client, "Pia Partner", "pia@example.org", "partner", organisation="rehabilitation"
    )
    assert with_org.status_code == 303
    assert User.get(User.email == "pia@example.org").organisation == "rehabilitation"
    # Only a partner belongs to one.
    wrong = invite(client, "Ole Berg", "ole@example.org", organisation="rehabilitation")
    assert wrong.status_code == 422
    admin = invite(client, "Ada Admin", "ada@example.org", "admin")
    assert admin.status_code == 422
    assert "Vælg en af mulighederne." in text(admin)
    assert not User.select().where(User.email == "ada@example.org").exists()
    # An e-mail that is taken: at the field, nothing made.
    taken = invite(client, "Vera Igen", "Vera@Example.org")
    assert taken.status_code == 422
    assert "Der findes allerede en bruger med den e-mail." in text(taken)
    assert Invitation.select().count() == 3


def test_an_admin_may_invite_an_admin_and_the_coordinator_cannot_touch_it(client, auth, users):
    auth.login(users["admin"])
    assert invite(client, "Ada Admin", "ada@example.org", "admin").status_code == 303
    invitation = Invitation.get()
    auth.logout()
    auth.login(users["coordinator"])
    assert "Ada Admin" not in text(client.get("/invitations"))
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 404
    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 404
    assert Invitation.get_by_id(invitation.id).revoked_at is None


@pytest.mark.parametrize("role", ["volunteer", "partner"])
def test_volunteers_and_partners_may_not_invite(client, auth, users, role):
    auth.login(users["coordinator"])
    invite(client)
    invitation = Invitation.get()
    auth.logout()
    auth.login(users[role])
    assert client.get("/invitations").status_code == 403
    assert invite(client, "Ulla Uden", "ulla@example.org").status_code == 403
    assert client.post(f"/invitations/{invitation.id}/resend").status_code == 403
    assert client.post(f"/invitations/{invitation.id}/revoke").status_code == 403
    assert not User.select().where(User.email == "ulla@example.org").exists()


def test_the_menu_offers_invitations_to_coordinators_and_admins(client, auth, users):
    auth.login(users["coordinator"])
    assert 'href="/invitations"' in text(client.get("/invitations"))
    auth.logout()
    auth.login(users["volunteer"])
    assert 'href="/invitations"' not in text(client.get("/me/"))


# --- The corps' applicants -------------------------------------------------------------------


def test_an_applicant_the_coordinator_registers_is_invited_at_once(
    app, client, auth, users, mail_to
):
    auth.login(users["coordinator"])
    response = client.post(
        "/volunteers/",
        data={"name": "Aase Holm", "email": "aase@example.org", "applied_on": "2026-01-05"},
    )
    assert response.status_code == 303
    assert "får en invitation på e-mail" in text(client.get(response.headers["Location"]))
    aase = User.get(User.email == "aase@example.org")
    invitation = Invitation.get(Invitation.user == aase.id)
    assert invitation.invited_by_id == users["coordinator"].id
    (received,) = deliver(app, mail_to, 1)
    assert received.rcpt_tos == ["aase@example.org"]
    auth.logout()
    path = link_path(received.message.get_content())
    assert choose(client, path).status_code == 303
    assert logs_in(app, User.get_by_id(aase.id), NEW_PASSWORD)


# --- The mail --------------------------------------------------------------------------------


def test_the_invitation_comes_whatever_the_preferences_say(app, client, auth, users, mail_to):
    auth.login(users["coordinator"])
    invite(client)
    nina = User.get(User.email == "nina@example.org")
    # Even a stored choice of "off" (the preference page does not offer it) stops nothing.
    NotificationPreference.create(user=nina, kind="invitation", channel="off")
    client.post(f"/invitations/{Invitation.get().id}/resend")
    assert len(deliver(app, mail_to, 2)) == 2
    auth.logout()
    auth.login(make_user("volunteer", "Vera Frivillig"))
    page = text(client.get("/me/notifications"))
    assert "Invitation til Trivsel" not in page and "Ny adgangskode" not in page


def test_the_outbox_page_masks_the_link_before_and_after_sending(app, client, auth, users, mail_to):
    auth.login(users["admin"])
    invite(client, "Ada Admin", "ada@example.org", "admin")
    path = queued_link("ada@example.org")
    token = path.rsplit("/", 1)[1]
    for _round in ("queued", "sent"):
        page = text(client.get("/outbox"))
        assert "Du er inviteret til Trivsel" in page
        assert "[linket er skjult]" in page
        assert token not in page and "/invitation/" not in page
        deliver(app, mail_to, 1)
    # Once sent, the stored copy holds no working link either; the mail had it.
    message = OutboxMessage.get(OutboxMessage.kind == "invitation")
    assert message.status == "sent" and token not in message.body
    assert "[linket er skjult]" in message.body
    assert token in mail_to.received[0].message.get_content()


def test_the_list_pages_with_the_count_from_the_database(app, client, auth, users):
    coordinator = users["coordinator"]
    with app.app_context():
        for n in range(55):
            service.invite(
                coordinator, f"Person {n:02d}", f"person{n:02d}@example.org", "volunteer"
            )
    auth.login(coordinator)
    first = text(client.get("/invitations"))
    assert "55 invitationer er ikke besvaret." in first
    assert "Person 54" in first and "Person 04" not in first
    assert "Næste side" in first
    second = text(client.get("/invitations?page=2"))
    assert "Person 04" in second and "Person 54" not in second and "Forrige side" in second


# --- CSRF ------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(app, client, auth, users):
    auth.login(users["coordinator"])
    data = {"name": "Nina Nielsen", "email": "nina@example.org", "role": "volunteer"}
    assert client.post("/invitations", data=data, csrf=False).status_code == 400
    assert not User.select().where(User.email == "nina@example.org").exists()
    invite(client)
    invitation = Invitation.get()
    path = queued_link("nina@example.org")
    assert client.post(f"/invitations/{invitation.id}/resend", csrf=False).status_code == 400
    assert client.post(f"/invitations/{invitation.id}/revoke", csrf=False).status_code == 400
    auth.logout()
    password = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=password, csrf=False).status_code == 400
    assert Invitation.get_by_id(invitation.id).accepted_at is None
    nina = User.get(User.email == "nina@example.org")
    assert nina.password_hash != hash_password(NEW_PASSWORD)
    assert not logs_in(app, nina, NEW_PASSWORD)
