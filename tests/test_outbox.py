"""The outbox's delivery, against a real SMTP server: messages arrive once, to the right
people, through outages, slow servers and refusals; two senders never send one twice; what
cannot be sent is failed and shown to the admin; preferences, the morning digest and plugin
channels."""

import logging
import os
import re
import signal
import threading
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from conftest import make_user, statements
from smtp_server import smtp_server, smtp_server_with_login  # noqa: F401 (fixtures)

from trivsel import create_app
from trivsel.core import config
from trivsel.core.auth import ROLES
from trivsel.core.db import database, now
from trivsel.core.hookspecs import ChannelUnavailable, NotificationChannel, hookimpl
from trivsel.core.plugins import PluginLoadError
from trivsel.notifications import commands, mail, outbox, sender
from trivsel.notifications.kinds import KINDS, kind
from trivsel.notifications.mail import SettingsError, parse_smtp_url
from trivsel.notifications.models import NotificationPreference, OutboxMessage

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Trivsel//test//DA\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:appointment-1@trivsel\r\nSEQUENCE:0\r\nDTSTAMP:20261201T120000Z\r\n"
    "DTSTART:20261203T090000Z\r\nSUMMARY:Matchmøde\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def kinds():
    """Two kinds of message for the tests: one every role may get, one a coordinator may get
    in the morning digest. Removed again afterwards (the registry is the process's)."""
    note = kind(
        "outbox_note",
        "Besked om et forløb",
        ROLES,
        "Nyt i forløb %(course)s",
        "Der er sket noget i forløb %(course)s.",
        link="courses.show",
    )
    daily = kind(
        "outbox_daily",
        "Daglig testbesked",
        ("coordinator",),
        "Testhenvendelse: forløb %(course)s",
        "En ny henvendelse venter: forløb %(course)s.",
        link="courses.show",
        digest=True,
    )
    yield SimpleNamespace(note=note.key, daily=daily.key)
    KINDS.pop(note.key)
    KINDS.pop(daily.key)


@pytest.fixture
def mail_to(app, smtp_server):  # noqa: F811
    """The app sends e-mail to the test server."""
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def ids(users, *roles):
    return [users[role].id for role in roles]


def statuses():
    return {m.id: m.status for m in OutboxMessage.select().order_by(OutboxMessage.id)}


def login_as(auth, user):
    """Log in as `user`, whoever was logged in before."""
    auth.logout()
    auth.login(user)


def later(minutes):
    return now() + timedelta(minutes=minutes)


CHECKED = re.compile(
    r'<input checked id="[^"]+" name="(kind_\w+)" required type="radio" value="(\w+)"'
)


def choices_on(page):
    """{field: channel} of the radio buttons checked on the preference page."""
    return dict(CHECKED.findall(page))


def choose(client, digest=False, **kinds):
    """Post the preference page as a browser does: every kind's current choice (other areas
    register kinds too), with `kinds` changed (kind key → channel)."""
    data = choices_on(client.get("/me/notifications").get_data(as_text=True))
    data.update({f"kind_{key}": channel for key, channel in kinds.items()})
    if digest:
        data["digest"] = "y"
    return client.post("/me/notifications", data=data)


# --- Settings --------------------------------------------------------------------------------


def test_smtp_urls_are_parsed():
    assert parse_smtp_url(None) is None
    plain = parse_smtp_url("smtp://mail.example.org")
    assert (plain.scheme, plain.host, plain.port, plain.username) == (
        "smtp",
        "mail.example.org",
        25,
        None,
    )
    tls = parse_smtp_url("smtp+starttls://trivsel:p%40ss@mail.example.org:587")
    assert (tls.scheme, tls.port, tls.username, tls.password) == (
        "smtp+starttls",
        587,
        "trivsel",
        "p@ss",
    )
    assert "p@ss" not in repr(tls)
    ssl = parse_smtp_url("smtps://u:pw@mail.example.org")
    assert (ssl.scheme, ssl.port) == ("smtps", 465)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://mail.example.org", "unknown scheme"),
        ("smtp://", "no host"),
        ("smtp://mail.example.org:notaport", "not a valid URL"),
        ("smtp://mail.example.org/inbox", "path"),
        ("smtps://:secret-pw@mail.example.org", "user name"),
    ],
)
def test_a_bad_smtp_url_stops_start_up_with_a_clear_message(tmp_path, url, problem):
    with pytest.raises(SettingsError, match=problem) as refused:
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                "SECRET_KEY": "x",
                "ENTRY_POINT_PLUGINS": False,
                "SMTP_URL": url,
            }
        )
    assert "TRIVSEL_SMTP_URL" in str(refused.value)
    assert "secret-pw" not in str(refused.value)


def test_the_notification_settings_come_from_the_environment():
    settings = config.from_environment(
        {
            "TRIVSEL_SMTP_URL": "smtps://u:p@mail.example.org:465",
            "TRIVSEL_MAIL_FROM": "Trivsel <trivsel@example.org>",
            "TRIVSEL_BASE_URL": "https://trivsel.example.org",
            "TRIVSEL_SMTP_TIMEOUT": "2.5",
            "TRIVSEL_OUTBOX_MAX_ATTEMPTS": "3",
            "TRIVSEL_DIGEST_HOUR": "6",
        }
    )
    assert settings["SMTP_URL"] == "smtps://u:p@mail.example.org:465"
    assert settings["SMTP_TIMEOUT"] == 2.5
    assert settings["OUTBOX_MAX_ATTEMPTS"] == 3
    assert settings["DIGEST_HOUR"] == 6
    assert config.DEFAULTS["SMTP_URL"] is None
    assert config.DEFAULTS["OUTBOX_MAX_ATTEMPTS"] == 8


def test_the_retry_schedule():
    policy = sender.Policy.from_config(config.DEFAULTS)
    waits = [policy.wait_after(n) for n in range(1, 10)]
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 5, 15, 60, 180, 360, 720, 1440, 1440]
    # Eight tries: the seven waits between them add up to about 22 hours.
    assert sum(minutes[:7]) == 1341


# --- Delivery by e-mail ----------------------------------------------------------------------


def test_messages_arrive_with_the_right_recipients_and_subjects(app, users, kinds, mail_to):
    app.config["BASE_URL"] = "https://trivsel.example.org"
    with app.app_context():
        outbox.queue(kinds.note, ids(users, "coordinator", "volunteer", "partner"), course_id=7)
        result = sender.send_due()
        assert (result.sent, result.retrying, result.failed) == (3, 0, 0)
        assert set(statuses().values()) == {"sent"}
        assert all(m.sent_at and m.claimed_by is None for m in OutboxMessage.select())
    received = mail_to.received
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(
        users[role].email for role in ("coordinator", "volunteer", "partner")
    )
    for r in received:
        assert r.rcpt_tos == [r.message["To"]]
        assert r.subject == "Nyt i forløb 7"
        assert r.mail_from == "trivsel@localhost"
        assert r.message["Auto-Submitted"] == "auto-generated"
        assert r.message.get_content_type() == "text/plain"
        body = r.message.get_content()
        assert "Der er sket noget i forløb 7." in body
        assert "Log ind for at se det: https://trivsel.example.org/courses/7" in body
    # Sent is sent: another round sends nothing again.
    with app.app_context():
        assert sender.send_due(now=later(60)).sent == 0
    assert len(mail_to.received) == 3


def test_an_invitation_is_attached_as_text_calendar(app, users, kinds, mail_to):
    with app.app_context():
        outbox.queue(
            kinds.note, [users["volunteer"].id], course_id=1, attachment=ICS, method="REQUEST"
        )
        assert sender.send_due().sent == 1
    (received,) = mail_to.received
    message = received.message
    assert message.get_content_type() == "multipart/mixed"
    text, invitation = list(message.iter_parts())
    assert text.get_content_type() == "text/plain"
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_filename() == "invitation.ics"
    assert invitation.get_payload(decode=True).decode("utf-8") == ICS


def test_without_an_smtp_url_messages_wait_in_the_outbox(app, users, kinds, client, auth):
    assert app.config["SMTP_URL"] is None
    with app.app_context():
        outbox.queue(kinds.note, ids(users, "volunteer", "admin"), course_id=12)
        result = sender.send_due()
        assert (result.sent, result.waiting) == (0, 2)
        assert "TRIVSEL_SMTP_URL is not set" in result.summary()
        assert set(statuses().values()) == {"queued"}
    login_as(auth, users["admin"])
    page = client.get("/outbox").get_data(as_text=True)
    assert "Der er ingen SMTP-server sat op" in page
    assert "Der er sket noget i forløb 12." in page  # what would be sent
    assert "Mona Jensen" in page and "Anders Admin" in page


def test_a_server_stopped_mid_run_then_started_delivers_each_message_once(
    app, users, kinds, mail_to, monkeypatch
):
    real_send = mail.send
    sent = []

    def stop_after_three(message):
        if len(sent) == 3 and mail_to.controller is not None and not stopped:
            stopped.append(message.id)
            mail_to.stop()
        real_send(message)
        sent.append(message.id)

    stopped = []

    monkeypatch.setattr(mail, "send", stop_after_three)
    with app.app_context():
        for course in range(6):
            outbox.queue(kinds.note, [users["volunteer"].id], course_id=100 + course)
        first = sender.send_due()
        # The fourth found the server gone: tried again later; the e-mail channel pauses for
        # the rest of the round, so the last two were not tried at all.
        assert (first.sent, first.retrying, first.paused) == (3, 1, {"email"})
        failed = OutboxMessage.get(OutboxMessage.attempts == 1)
        assert failed.status == "queued" and "ConnectionRefused" in failed.last_error
        assert failed.due_at > now()
        mail_to.start()
        second = sender.send_due(now=later(2))
        assert second.sent == 3
        assert sender.send_due(now=later(60)).sent == 0
        assert set(statuses().values()) == {"sent"}
    subjects = sorted(r.subject for r in mail_to.received)
    assert subjects == [f"Nyt i forløb {100 + n}" for n in range(6)]


@pytest.mark.parametrize("senders", [2])
def test_two_senders_at_once_deliver_each_message_once(app, users, kinds, mail_to, senders):
    with app.app_context():
        for course in range(30):
            outbox.queue(kinds.note, ids(users, "volunteer"), course_id=course + 1)
    start = threading.Barrier(senders)
    rounds, errors = [], []

    def run():
        try:
            with app.app_context(), database.connection_context():
                start.wait(timeout=5)
                rounds.append(sender.send_due())
        except Exception as exc:  # pragma: no cover (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sum(r.sent for r in rounds) == 30
    received = mail_to.wait_for(30)
    subjects = [r.subject for r in received]
    assert len(subjects) == 30
    assert sorted(subjects) == sorted(f"Nyt i forløb {n}" for n in range(1, 31))
    with app.app_context():
        assert set(statuses().values()) == {"sent"}


def test_a_slow_server_is_tried_again(app, users, kinds, mail_to):
    app.config["SMTP_TIMEOUT"] = 0.5
    mail_to.handler.delay = 1
    with app.app_context():
        outbox.queue(kinds.note, [users["volunteer"].id], course_id=3)
        started = time.monotonic()
        first = sender.send_due()
        assert time.monotonic() - started < 5
        assert (first.sent, first.retrying) == (0, 1)
        message = OutboxMessage.get()
        assert message.status == "queued" and message.attempts == 1
        assert "no answer from the SMTP server within 0.5 s" in message.last_error
        mail_to.handler.delay = 0
        assert sender.send_due(now=later(2)).sent == 1
    assert [r.subject for r in mail_to.received] == ["Nyt i forløb 3"]


def test_a_refused_login_is_tried_again_then_failed_and_shown_to_the_admin(
    app,
    users,
    kinds,
    client,
    auth,
    smtp_server_with_login,  # noqa: F811
):
    app.config.update(SMTP_URL=smtp_server_with_login.url, OUTBOX_MAX_ATTEMPTS=3)
    with app.app_context():
        outbox.queue(kinds.note, [users["volunteer"].id], course_id=5)
        (message,) = OutboxMessage.select()
        assert sender.send_due().retrying == 1
        assert sender.send_due(now=later(2)).retrying == 1
        assert sender.send_due(now=later(10)).failed == 1
        message = OutboxMessage.get_by_id(message.id)
        assert (message.status, message.attempts, message.failure) == ("failed", 3, "gave_up")
        assert message.last_error.startswith("login refused: 535")
    assert smtp_server_with_login.received == []
    login_as(auth, users["admin"])
    page = client.get("/outbox?status=failed").get_data(as_text=True)
    assert "login refused: 535" in page
    assert "Opgivet efter det sidste forsøg." in page
    assert "Prøv igen" in page
    # Retry: queued again, tries counted from 0; the right password then delivers it.
    response = client.post(f"/outbox/{message.id}/retry")
    assert response.status_code == 303
    with app.app_context():
        message = OutboxMessage.get_by_id(message.id)
        assert (message.status, message.attempts, message.failure) == ("queued", 0, None)
        app.config["SMTP_URL"] = smtp_server_with_login.url.replace("wrong", "right")
        assert sender.send_due().sent == 1
    assert len(smtp_server_with_login.received) == 1
    # A message that is not failed is not retried.
    client.post(f"/outbox/{message.id}/retry")
    with app.app_context():
        assert OutboxMessage.get_by_id(message.id).status == "sent"
    assert client.post("/outbox/99999/retry").status_code == 404


def test_a_refused_recipient_is_tried_again_then_failed_without_its_address_in_the_error(
    app, users, kinds, mail_to, client, auth, caplog
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    refused = users["partner"].email
    mail_to.handler.refuse = {refused}
    caplog.set_level(logging.INFO, logger="trivsel.notifications")
    with app.app_context():
        outbox.queue(kinds.note, ids(users, "partner", "volunteer"), course_id=9)
        first = sender.send_due()
        # One refused recipient does not stop the others.
        assert (first.sent, first.retrying, first.paused) == (1, 1, set())
        assert sender.send_due(now=later(2)).failed == 1
        message = OutboxMessage.get(OutboxMessage.status == "failed")
        assert message.user_id == users["partner"].id
        assert message.last_error == (
            "recipient refused: 550 5.1.1 <<recipient>>: Recipient address rejected"
        )
    assert refused not in caplog.text
    assert "Der er sket noget" not in caplog.text
    assert f"outbox message {message.id} (outbox_note)" in caplog.text
    login_as(auth, users["admin"])
    page = client.get("/outbox").get_data(as_text=True)
    assert "Recipient address rejected" in page


def test_a_rolled_back_transaction_queues_nothing(app, users, kinds):
    with app.app_context():
        with pytest.raises(RuntimeError), database.atomic():
            outbox.queue(kinds.note, [users["volunteer"].id], course_id=1)
            assert OutboxMessage.select().count() == 1
            raise RuntimeError("the change fails")
        assert OutboxMessage.select().count() == 0


def test_a_stale_claim_is_taken_back_and_sent(app, users, kinds, mail_to):
    with app.app_context():
        (message,) = outbox.queue(kinds.note, [users["volunteer"].id], course_id=4)
        crashed = now() - timedelta(minutes=11)
        OutboxMessage.update(status="sending", claimed_by="gone:1:x", claimed_at=crashed).execute()
        # A claim younger than the bound is left alone (its sender may still be at work).
        assert sender.send_due(now=crashed + timedelta(minutes=5)).reclaimed == 0
        result = sender.send_due()
        assert (result.reclaimed, result.sent) == (1, 1)
        message = OutboxMessage.get_by_id(message.id)
        assert (message.status, message.attempts) == ("sent", 1)
    assert len(mail_to.received) == 1


def count_statements(call):
    """(what `call` returns, the number of SQL statements it ran)."""
    with statements() as executed:
        result = call()
    return result, len(executed)


def test_many_recipients_are_queued_in_a_fixed_number_of_statements(app, users, kinds):
    """One query for the users, one for their choices, one INSERT: for 2 recipients as for
    12, each with their own attachment; with a dedupe key, those queued before are skipped."""
    with app.app_context():
        few = ids(users, "volunteer", "other_volunteer")
        many = few + [make_user("volunteer", f"Frivillig{n} Test").id for n in range(10)]
        NotificationPreference.create(user=many[-1], kind=kinds.note, channel="off")
        files = {uid: f"{ICS}X-FOR:{uid}" for uid in many}

        def queue(recipients, **kwargs):
            return count_statements(
                lambda: outbox.queue(kinds.note, recipients, course_id=8, **kwargs)
            )

        queued, statements = queue(few, attachments=files, method="REQUEST")
        assert [m.user_id for m in queued] == sorted(few)
        assert statements == 3
        queued, statements = queue(many, attachments=files, method="REQUEST")
        assert statements == 3
        assert sorted(m.user_id for m in queued) == sorted(many[:-1])  # the last said off
        for message in queued:
            stored = OutboxMessage.get_by_id(message.id)
            assert stored.attachment == files[stored.user_id]
            assert (stored.attachment_method, stored.status, stored.attempts) == (
                "REQUEST",
                "queued",
                0,
            )
            assert stored.subject == "Nyt i forløb 8" and stored.address
            assert isinstance(message.due_at, datetime) and message.due_at == stored.due_at

        # Once per recipient with a dedupe key: a repeat skips those queued, in as many.
        queued, statements = queue(few, dedupe_key="note:8")
        assert len(queued) == 2 and statements == 3
        queued, statements = queue(many, dedupe_key="note:8")
        assert statements == 3
        assert sorted(m.user_id for m in queued) == sorted(many[2:-1])
        assert queue(many, dedupe_key="note:8") == ([], 3)
        keyed = OutboxMessage.select().where(OutboxMessage.dedupe_key.startswith("note:8:"))
        assert sorted(m.dedupe_key for m in keyed) == sorted(f"note:8:{u}" for u in many[:-1])


def test_queue_many_queues_messages_of_several_kinds_at_once(app, users, kinds, client, auth):
    coordinator = users["coordinator"]
    auth.login(coordinator)
    assert choose(client, digest=True).status_code == 303
    with app.app_context():
        messages = [
            outbox.Message(kinds.daily, (coordinator.id,), course_id=course) for course in (51, 52)
        ]
        messages.append(outbox.Message(kinds.note, ids(users, "coordinator", "volunteer"), 53))
        messages.append(outbox.Message(kinds.note, (), course_id=54))  # no one
        queued, statements = count_statements(lambda: outbox.queue_many(messages))
        assert statements == 3
        assert sorted((m.kind, m.course_id, m.user_id, m.status) for m in queued) == sorted(
            [
                (kinds.daily, 51, coordinator.id, "held"),  # for the digest
                (kinds.daily, 52, coordinator.id, "held"),
                (kinds.note, 53, coordinator.id, "queued"),  # not a digest kind
                (kinds.note, 53, users["volunteer"].id, "queued"),
            ]
        )
        assert outbox.queue_many([]) == []


def test_without_returning_rows_are_queued_one_by_one_alike(app, users, kinds, monkeypatch):
    """On a SQLite older than 3.35 (no RETURNING), the same messages, a row at a time."""
    monkeypatch.setattr(outbox, "_returning", lambda: False)
    with app.app_context():
        recipients = ids(users, "volunteer", "other_volunteer")
        files = {uid: f"{ICS}X-FOR:{uid}" for uid in recipients}
        queued = outbox.queue(kinds.note, recipients, course_id=9, attachments=files)
        assert [(m.user_id, m.attachment) for m in queued] == [
            (uid, files[uid]) for uid in sorted(recipients)
        ]
        assert len(outbox.queue(kinds.note, recipients, course_id=9, dedupe_key="n:9")) == 2
        assert outbox.queue(kinds.note, recipients, course_id=9, dedupe_key="n:9") == []


# --- The admin's page ------------------------------------------------------------------------


def test_the_admin_page_lists_messages_and_the_test_button_works(
    app, users, kinds, client, auth, mail_to
):
    with app.app_context():
        outbox.queue(kinds.note, ids(users, "volunteer", "coordinator"), course_id=21)
        sender.send_due()
        outbox.queue(kinds.note, ids(users, "partner"), course_id=22)
    login_as(auth, users["admin"])
    page = client.get("/outbox").get_data(as_text=True)
    assert "Udbakke" in page
    assert 'href="/outbox"' in page  # in the menu
    assert "Sendt <span" in page and ">2</span>" in page and ">1</span>" in page
    assert page.index("Nyt i forløb 22") < page.index("Nyt i forløb 21")  # newest first
    assert "Susanne Berg" in page and "Besked om et forløb" in page
    # Filtered by status.
    queued = client.get("/outbox?status=queued").get_data(as_text=True)
    assert "Nyt i forløb 22" in queued and "Nyt i forløb 21" not in queued
    # An invalid address is refused at the field, in Danish; nothing is queued.
    response = client.post("/outbox/test", data={"address": "not an address"})
    assert response.status_code == 422
    assert "Skriv en gyldig e-mailadresse." in response.get_data(as_text=True)
    with app.app_context():
        assert OutboxMessage.select().where(OutboxMessage.kind == "test").count() == 0
    response = client.post("/outbox/test", data={"address": "it@example.org"})
    assert response.status_code == 303
    assert "Prøvebeskeden til it@example.org ligger i udbakken." in client.get("/outbox").get_data(
        as_text=True
    )
    with app.app_context():
        test = OutboxMessage.get(OutboxMessage.kind == "test")
        assert (test.user_id, test.address, test.channel) == (None, "it@example.org", "email")
        sender.send_due()
    (arrived,) = [r for r in mail_to.received if r.rcpt_tos == ["it@example.org"]]
    assert arrived.subject == "Prøvebesked fra Trivsel"
    # The CSRF token is required.
    assert client.post(
        "/outbox/test", data={"address": "x@example.org"}, csrf=False
    ).status_code in (
        400,
        403,
    )


def test_the_outbox_pages_on(app, users, kinds, client, auth):
    with app.app_context():
        for course in range(55):
            outbox.queue(kinds.note, [users["volunteer"].id], course_id=course + 1)
    login_as(auth, users["admin"])
    first = client.get("/outbox").get_data(as_text=True)
    assert "Nyt i forløb 55" in first and "Nyt i forløb 5<" not in first
    assert "Næste side" in first
    second = client.get("/outbox?page=2").get_data(as_text=True)
    assert "Nyt i forløb 5<" in second and "Forrige side" in second


# --- Preferences -----------------------------------------------------------------------------


def test_preferences_off_stops_a_kind(app, users, kinds, client, auth):
    auth.login(users["volunteer"])
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "Besked om et forløb" in page
    assert "Daglig testbesked" not in page  # a coordinator's kind
    assert "Én samlet besked hver morgen" not in page  # coordinators only
    assert choices_on(page)["kind_outbox_note"] == "email"
    response = choose(client, outbox_note="off")
    assert response.status_code == 303
    page = client.get("/me/notifications").get_data(as_text=True)
    assert choices_on(page)["kind_outbox_note"] == "off"
    with app.app_context():
        queued = outbox.queue(kinds.note, ids(users, "volunteer", "coordinator"), course_id=2)
        assert [m.user_id for m in queued] == [users["coordinator"].id]
    # A channel not offered is refused; the choice stands.
    response = choose(client, outbox_note="fax")
    assert response.status_code == 422
    with app.app_context():
        choice = NotificationPreference.get(
            (NotificationPreference.user == users["volunteer"].id)
            & (NotificationPreference.kind == kinds.note)
        )
        assert choice.channel == "off"


def test_the_digest_gathers_held_messages_into_one(app, users, kinds, client, auth, mail_to):
    coordinator = users["coordinator"]
    auth.login(coordinator)
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "Én samlet besked hver morgen" in page
    assert choose(client, digest=True).status_code == 303
    tomorrow = datetime.combine(now().date() + timedelta(days=1), datetime.min.time())
    with app.app_context():
        for course in (31, 32, 33):
            outbox.queue(kinds.daily, [coordinator.id], course_id=course)
        outbox.queue(kinds.note, [coordinator.id], course_id=34)  # not a digest kind
        assert sorted(statuses().values()) == ["held", "held", "held", "queued"]
        # Before the digest hour, the held ones wait.
        early = sender.send_due(now=tomorrow.replace(hour=6))
        assert (early.digests, early.sent) == (0, 1)
        morning = tomorrow.replace(hour=7, minute=30)
        result = sender.send_due(now=morning)
        assert (result.digests, result.sent) == (1, 1)
        digest = OutboxMessage.get(OutboxMessage.kind == "digest")
        assert digest.status == "sent"
        held = OutboxMessage.select().where(OutboxMessage.kind == kinds.daily)
        assert {(m.status, m.digest_id) for m in held} == {("digested", digest.id)}
        # Once a morning: a message held after the digest waits for the next one.
        outbox.queue(kinds.daily, [coordinator.id], course_id=35, due_at=morning)
        assert sender.send_due(now=morning + timedelta(hours=2)).digests == 0
        assert sender.send_due(now=morning + timedelta(days=1)).digests == 1
    first = [r for r in mail_to.received if "morgenoversigt" in r.subject][0]
    assert first.subject == "Trivsel: morgenoversigt med 3 beskeder"
    body = first.message.get_content()
    for course in (31, 32, 33):
        assert f"Testhenvendelse: forløb {course}" in body
    assert body.index("forløb 31") < body.index("forløb 33")
    assert "/dashboard" in body or "Log ind for at se det" in body
    # The admin sees which digest carried them.
    login_as(auth, users["admin"])
    page = client.get("/outbox").get_data(as_text=True)
    assert "Sendt i morgenoversigten" in page and f"#message-{digest.id}" in page


def test_turning_the_digest_off_sends_what_it_held(app, users, kinds, client, auth, mail_to):
    coordinator = users["coordinator"]
    auth.login(coordinator)
    assert choose(client, digest=True).status_code == 303
    with app.app_context():
        outbox.queue(kinds.daily, [coordinator.id], course_id=41)
        assert list(statuses().values()) == ["held"]
    assert choose(client).status_code == 303
    with app.app_context():
        assert list(statuses().values()) == ["queued"]
        assert sender.send_due().sent == 1


def test_two_senders_make_one_digest(app, users, kinds, client, auth, mail_to):
    coordinator = users["coordinator"]
    auth.login(coordinator)
    assert choose(client, digest=True).status_code == 303
    with app.app_context():
        for course in range(5):
            outbox.queue(kinds.daily, [coordinator.id], course_id=course)
    morning = datetime.combine(now().date() + timedelta(days=1), datetime.min.time()).replace(
        hour=8
    )
    start = threading.Barrier(2)
    rounds = []

    def run():
        with app.app_context(), database.connection_context():
            start.wait(timeout=5)
            rounds.append(sender.send_due(now=morning))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(r.digests for r in rounds) == 1
    with app.app_context():
        assert OutboxMessage.select().where(OutboxMessage.kind == "digest").count() == 1
    assert len(mail_to.wait_for(1)) == 1


# --- Plugin channels -------------------------------------------------------------------------


class TextMessages:
    """A test plugin channel, "sms", with its own phone book; `down` plays the vendor away and
    `refuse` a number it will not take."""

    def __init__(self, numbers):
        self.numbers = numbers
        self.sent = []
        self.down = False
        self.refuse = set()

    def send(self, message):
        if self.down:
            raise ChannelUnavailable("vendor answers 503")
        if message.address in self.refuse:
            raise ValueError(f"number {message.address} not accepted")
        self.sent.append(message)

    @hookimpl
    def trivsel_notification_channels(self):
        return [
            NotificationChannel(
                "sms", "SMS", send=self.send, address=lambda r: self.numbers.get(r.id)
            )
        ]


def test_hook_trivsel_notification_channels(app, users, kinds, client, auth, caplog):
    plugins = app.extensions["trivsel.plugins"]
    volunteer, coordinator, partner = users["volunteer"], users["coordinator"], users["partner"]
    sms = TextMessages({volunteer.id: "+4512345678", coordinator.id: "+4587654321"})
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    caplog.set_level(logging.INFO, logger="trivsel.notifications")
    plugins.register(sms, "text-messages", "test")
    try:
        # The channel is a choice on the user's page.
        for user in (volunteer, coordinator, partner):
            login_as(auth, user)
            page = client.get("/me/notifications").get_data(as_text=True)
            assert 'value="sms"' in page and "SMS" in page
            assert choose(client, outbox_note="sms").status_code == 303
        with app.app_context():
            queued = outbox.queue(kinds.note, [volunteer.id, partner.id], course_id=61)
            assert {m.channel for m in queued} == {"sms"}
            assert {m.address for m in queued} == {None}  # asked of the channel when sent
            result = sender.send_due()
            # The volunteer's number is in the plugin's book; the partner has none: failed at
            # once, and the admin sees who cannot be reached.
            assert (result.sent, result.failed, result.retrying) == (1, 1, 0)
            (got,) = sms.sent
            assert (got.address, got.kind, got.subject) == (
                "+4512345678",
                kinds.note,
                "Nyt i forløb 61",
            )
            assert "Der er sket noget i forløb 61." in got.body
            failed = OutboxMessage.get(OutboxMessage.status == "failed")
            assert (failed.user_id, failed.failure) == (partner.id, "no_address")
            # Same claim and retry rules as e-mail: the vendor away is tried again later and
            # pauses the channel for the round; a refused message is failed after the tries.
            sms.down = True
            outbox.queue(kinds.note, [volunteer.id], course_id=62)
            outbox.queue(kinds.note, [coordinator.id], course_id=63)
            result = sender.send_due()
            assert (result.sent, result.retrying, result.paused) == (0, 1, {"sms"})
            sms.down = False
            sms.refuse = {"+4587654321"}
            result = sender.send_due(now=later(2))
            assert (result.sent, result.retrying) == (1, 1)
            assert sender.send_due(now=later(10)).failed == 1
            refused = OutboxMessage.get(OutboxMessage.user == coordinator.id)
            assert refused.failure == "gave_up"
            assert refused.last_error == "ValueError: number <recipient> not accepted"
            assert [m.subject for m in sms.sent] == ["Nyt i forløb 61", "Nyt i forløb 62"]
        assert "+4587654321" not in caplog.text and "+4512345678" not in caplog.text
        login_as(auth, users["admin"])
        page = client.get("/outbox").get_data(as_text=True)
        unreachable = page.split('id="unreachable"', 1)[1].split("</section>", 1)[0]
        assert "Susanne Berg" in unreachable
        assert "Modtageren har ingen adresse til kanalen." in unreachable
        assert "Mona Jensen" not in unreachable
    finally:
        plugins.unregister("text-messages")
    # The plugin gone, a message on its channel is failed at once, not left waiting.
    with app.app_context():
        outbox.queue(kinds.note, [volunteer.id], course_id=64)
        assert sender.send_due().failed == 1
        gone = OutboxMessage.get(OutboxMessage.course_id == 64)
        assert (gone.status, gone.failure) == ("failed", "no_channel")
    page = client.get("/outbox").get_data(as_text=True)
    assert "Ingen plugin leverer kanalen." in page


def test_a_channel_key_two_plugins_contribute_stops_start_up(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    plugin = (
        "from trivsel.api import NotificationChannel, hookimpl\n\n"
        "@hookimpl\n"
        "def trivsel_notification_channels():\n"
        "    return [NotificationChannel('email', 'Mail', send=print, address=str)]\n"
    )
    (folder / "own_mail.py").write_text(plugin)
    with pytest.raises(PluginLoadError, match="own_mail.*notification channel 'email'"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                "SECRET_KEY": "x",
                "ENTRY_POINT_PLUGINS": False,
                "PLUGINS_DIR": str(folder),
            }
        )


# --- Commands --------------------------------------------------------------------------------


def test_outbox_send_and_test_commands(app, runner, users, mail_to):
    refused = runner.invoke(args=["outbox", "test", "--to", "not an address"])
    assert refused.exit_code == 2
    assert "not a valid e-mail address" in refused.output
    queued = runner.invoke(args=["outbox", "test", "--to", "it@example.org"])
    assert queued.exit_code == 0, queued.output
    assert "queued to it@example.org" in queued.output
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0, sent.output
    assert "sent 1, to retry 0, failed 0" in sent.output
    assert [r.rcpt_tos for r in mail_to.received] == [["it@example.org"]]
    again = runner.invoke(args=["outbox", "send"])
    assert "sent 0" in again.output


def test_outbox_send_without_smtp_says_so(app, runner):
    runner.invoke(args=["outbox", "test", "--to", "it@example.org"])
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert "1 e-mails wait: TRIVSEL_SMTP_URL is not set" in result.output


def test_the_worker_sends_round_after_round(app, runner, users, mail_to):
    with app.app_context():
        outbox.queue_to_address("test", "first@example.org")
    result = runner.invoke(args=["outbox", "worker", "--max-loops", "2", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert "stopped after 2 rounds" in result.output
    once = runner.invoke(args=["outbox", "worker", "--once"])
    assert "stopped after 1 rounds" in once.output


def test_the_worker_stops_on_sigterm(app, mail_to):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    with app.app_context():
        timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
        timer.start()
        started = time.monotonic()
        loops = commands.run_worker(0.02)
        timer.join()
    assert loops >= 2
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGTERM) is not None


def test_a_failing_round_does_not_stop_the_worker(app, monkeypatch, caplog):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database away")
        return sender.Round()

    monkeypatch.setattr(commands, "send_round", flaky)
    with app.app_context():
        assert commands.run_worker(0, max_loops=3) == 3
    assert len(calls) == 3
    assert "the round failed" in caplog.text


def test_a_message_is_claimed_once(app, users, kinds):
    """The second claim of a row finds it taken (on PostgreSQL it waits for the first)."""
    with app.app_context():
        (message,) = outbox.queue(kinds.note, [users["volunteer"].id], course_id=1)
        assert sender.claim(message.id, "a", now())
        assert not sender.claim(message.id, "b", now())


def test_a_long_round_stamps_each_claim_when_it_is_made(app, users, kinds, monkeypatch):
    """A round that has run 15 minutes claims its next message at that moment, so the next
    sender's stale-claim check does not take back (and send again) what is being sent."""
    start = now()
    with app.app_context():
        (message,) = outbox.queue(kinds.note, [users["volunteer"].id], course_id=1)
        seen = {}

        def deliver(message_id, channel, me, at, policy, paused):
            row = OutboxMessage.get_by_id(message_id)
            seen["claimed_at"] = row.claimed_at
            seen["reclaimed"] = sender.reclaim_stale(row.claimed_at + timedelta(minutes=1), policy)
            return sender.SENT

        monkeypatch.setattr(sender, "clock", lambda: start + timedelta(minutes=15))
        monkeypatch.setattr(sender, "deliver", deliver)
        monkeypatch.setattr(sender.mail, "configured", lambda: True)
        sender.send_due(now=start)
    assert seen["claimed_at"] == start + timedelta(minutes=15)
    assert seen["reclaimed"] == 0
