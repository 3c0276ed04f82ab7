"""Deny by default: every route walked as every role, against the table of who may use it."""

import pytest

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Proposal
from trivsel.directory.models import Offer
from trivsel.privacy.models import Consent
from trivsel.stories.models import Story

# endpoint: roles allowed ("public": anyone, logged in or not)
ALLOWED = {
    "auth.login": {"public"},
    "auth.language": {"public"},
    "auth.logout": {"coordinator", "volunteer", "partner", "admin"},
    "auth.account": {"coordinator", "volunteer", "partner", "admin"},
    "auth.password": {"coordinator", "volunteer", "partner", "admin"},
    "auth.end_session": {"coordinator", "volunteer", "partner", "admin"},
    "auth.end_other_sessions": {"coordinator", "volunteer", "partner", "admin"},
    "twofactor.verify": {"public"},
    "twofactor.recover": {"public"},
    "twofactor.enrol": {"public"},
    "twofactor.settings": {"coordinator", "volunteer", "partner", "admin"},
    "twofactor.setup": {"coordinator", "volunteer", "partner", "admin"},
    "twofactor.regenerate": {"coordinator", "volunteer", "partner", "admin"},
    "twofactor.disable": {"coordinator", "volunteer", "partner", "admin"},
    "twofactor.admin_reset": {"admin"},
    "dashboard.home": {"coordinator", "volunteer", "partner", "admin"},
    "dashboard.index": {"coordinator"},
    "courses.index": {"coordinator"},
    "courses.new_inquiry": {"coordinator"},
    "courses.show": {"coordinator"},
    "courses.step": {"coordinator"},
    "courses.offer_search": {"coordinator"},
    "courses.edit_citizen": {"coordinator"},
    "courses.edit_match_facts": {"coordinator"},
    "courses.correct_dates": {"coordinator"},
    "courses.edit_conversation": {"coordinator"},
    "courses.remove_conversation": {"coordinator"},
    "volunteer.home": {"volunteer"},
    "volunteer.answer": {"volunteer"},
    "volunteer.log_conversation": {"volunteer"},
    "volunteer.ready_to_close": {"volunteer"},
    "volunteer.ask_supervision": {"volunteer"},
    "volunteer.theme_day_signup": {"volunteer"},
    "volunteer.profile": {"volunteer"},
    "volunteer.edit_conversation": {"volunteer"},
    "volunteer.remove_conversation": {"volunteer"},
    "cover.new": {"coordinator"},
    "cover.create": {"coordinator"},
    "cover.end": {"coordinator"},
    "corps.index": {"coordinator"},
    "corps.profile": {"coordinator"},
    "corps.change_status": {"coordinator"},
    "supervision.index": {"coordinator"},
    "supervision.create_series": {"coordinator"},
    "supervision.meeting": {"coordinator"},
    "supervision.handle_request": {"coordinator"},
    "supervision.create_theme_day": {"coordinator"},
    "supervision.move_meeting": {"coordinator"},
    "supervision.cancel_meeting": {"coordinator"},
    "calendar.index": {"coordinator", "volunteer", "partner", "admin"},
    "calendar.renew": {"coordinator", "volunteer", "partner", "admin"},
    "calendar.feed": {"public"},
    "partner.home": {"partner"},
    "statistics.index": {"coordinator"},
    "statistics.annual_csv": {"coordinator"},
    "statistics.annual_xlsx": {"coordinator"},
    "statistics.annual_data_csv": {"coordinator"},
    "statistics.annual_pdf": {"coordinator"},
    "statistics.import_history": {"coordinator"},
    "partner.about": {"partner", "coordinator"},
    "referrals.index": {"partner", "coordinator"},
    "referrals.form": {"partner", "coordinator"},
    "directory.index": {"coordinator", "volunteer", "partner"},
    "directory.new": {"coordinator", "partner"},
    "directory.edit": {"coordinator", "partner"},
    "stories.index": {"coordinator"},
    "stories.new": {"coordinator"},
    "stories.edit": {"coordinator"},
    # The partner plugins in plugins/ (loaded here like any local plugin).
    "associations.home": {"partner"},
    "admin.users": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.settings": {"admin"},
    "notifications.index": {"admin"},
    "notifications.send_test": {"admin"},
    "notifications.retry": {"admin"},
    "notifications.preferences": {"coordinator", "volunteer", "partner", "admin"},
    "invitations.index": {"coordinator", "admin"},
    "invitations.resend": {"coordinator", "admin"},
    "invitations.revoke": {"coordinator", "admin"},
    "invitations.accept": {"public"},
    "invitations.forgot": {"public"},
    "invitations.reset": {"public"},
    "privacy.policy": {"coordinator", "admin"},
    "privacy.course": {"coordinator"},
    "privacy.export": {"coordinator"},
    "privacy.record_consent": {"coordinator"},
    "privacy.withdraw_consent": {"coordinator"},
    "privacy.erase": {"coordinator"},
}
ROLES = ["coordinator", "volunteer", "partner", "admin"]


@pytest.fixture
def plugins_dir():
    """Walk the routes the partner plugins add too."""
    return ROOT / "plugins"


def kit_today():
    from datetime import date

    return date.today()


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in routes(app)}
    assert endpoints == set(ALLOWED), "add new routes to ALLOWED with the roles that may use them"


def test_a_view_without_declared_roles_is_refused(app, client, auth, users):
    @app.route("/undeclared")
    def undeclared():
        return "secret"

    auth.login(users["admin"])
    assert client.get("/undeclared").status_code == 403


@pytest.fixture
def url_args(kit, users):
    active = kit.to(flow.ACTIVE)
    proposed = kit.to(flow.PROPOSED)
    proposal = Proposal.get(Proposal.course == proposed)
    consent = Consent.create(course=active, item="who5", recorded_on=kit_today(), source="intake")
    kit.auth.logout()
    # The partner keeps the offers of an association (object-level rights are tested in
    # test_directory); here the partner may open what the role allows.
    User.update(organisation="aeldresagen").where(User.id == users["partner"].id).execute()
    offer = Offer.create(
        hsds_id="a0000000-0000-4000-8000-000000000001",
        source="local",
        owner_organisation="aeldresagen",
        organisation_name="Ældresagen",
        name="Gåhold",
    )
    story = Story.create(title="En god historie", body="Tekst")
    return {
        "course_id": active,
        "proposal_id": proposal.id,
        "consent_id": consent.id,
        "user_id": users["volunteer"].id,
        "action": flow.CLOSE,
        "key": "youth",
        "offer_id": offer.id,
        "story_id": story.id,
        # Rows that need not exist: a 404 still shows the role was let through.
        "meeting_id": 1,
        "request_id": 1,
        "day_id": 1,
        "cover_id": 1,
        "message_id": 1,
        "invitation_id": 1,
        "conversation_id": 1,
        "session_id": 2**31 - 1,  # nobody's: ending it is a 404
        "token": "x" * 43,  # no such calendar feed: 404, for anyone
    }


@pytest.mark.parametrize("role", [None] + ROLES)
def test_every_route_as_every_role(app, client, auth, users, url_args, role):
    if role:
        auth.login(users[role])
    checked = 0
    for rule in routes(app):
        url = rule.build({k: v for k, v in url_args.items() if k in rule.arguments})[1]
        allowed = ALLOWED[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "auth.logout":
                continue  # logging out would end this walk; covered in test_auth
            response = client.open(url, method=method)
            checked += 1
            where = f"{method} {url} as {role}"
            if "public" in allowed:
                assert response.status_code != 403, where
            elif role is None:
                assert response.status_code == 302, where
                assert "/login" in response.headers["Location"], where
            elif role in allowed:
                assert response.status_code not in (401, 403), where
                assert "/login" not in response.headers.get("Location", ""), where
            else:
                assert response.status_code == 403, where
    assert checked >= len(ALLOWED)
