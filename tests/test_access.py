"""Deny by default: every route walked as every role, against the table of who may use it."""

import pytest

from trivsel import flow
from trivsel.models import Proposal

# endpoint: roles allowed ("public": anyone, logged in or not)
ALLOWED = {
    "auth.login": {"public"},
    "auth.language": {"public"},
    "auth.logout": {"coordinator", "volunteer", "partner", "admin"},
    "dashboard.home": {"coordinator", "volunteer", "partner", "admin"},
    "dashboard.index": {"coordinator"},
    "courses.index": {"coordinator"},
    "courses.new_inquiry": {"coordinator"},
    "courses.show": {"coordinator"},
    "courses.step": {"coordinator"},
    "courses.edit_citizen": {"coordinator"},
    "courses.edit_match_facts": {"coordinator"},
    "volunteer.home": {"volunteer"},
    "volunteer.answer": {"volunteer"},
    "volunteer.log_conversation": {"volunteer"},
    "volunteer.ready_to_close": {"volunteer"},
    "volunteer.ask_supervision": {"volunteer"},
    "volunteer.theme_day_signup": {"volunteer"},
    "volunteer.profile": {"volunteer"},
    "dashboard.cover": {"coordinator"},
    "dashboard.end_cover": {"coordinator"},
    "corps.index": {"coordinator"},
    "corps.profile": {"coordinator"},
    "corps.change_status": {"coordinator"},
    "supervision.index": {"coordinator"},
    "supervision.create_series": {"coordinator"},
    "supervision.meeting": {"coordinator"},
    "supervision.handle_request": {"coordinator"},
    "supervision.create_theme_day": {"coordinator"},
    "partner.home": {"partner"},
    "admin.users": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.settings": {"admin"},
}
ROLES = ["coordinator", "volunteer", "partner", "admin"]


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
    kit.auth.logout()
    return {
        "course_id": active,
        "proposal_id": proposal.id,
        "user_id": users["volunteer"].id,
        "action": flow.CLOSE,
        # Rows that need not exist: a 404 still shows the role was let through.
        "meeting_id": 1,
        "request_id": 1,
        "day_id": 1,
        "cover_id": 1,
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
