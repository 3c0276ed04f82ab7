"""What `make bench` relies on: the floor page and the X-Queries header, only when BENCHMARK
is on."""

import pytest
from conftest import CsrfClient, fresh_database_url, make_user

from trivsel import create_app
from trivsel.core.db import close_all, database
from trivsel.schema import prepare_database


def test_no_floor_and_no_query_count_in_a_normal_app(client, auth, users):
    auth.login(users["coordinator"])
    response = client.get("/_bench/floor")
    assert response.status_code == 404
    assert "X-Queries" not in client.get("/dashboard").headers


@pytest.mark.database
def test_the_floor_and_the_query_count_with_benchmark_on(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": fresh_database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "PLUGINS_DIR": str(tmp_path / "no-plugins"),
            "ENTRY_POINT_PLUGINS": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "REQUIRE_TWO_FACTOR": False,
            "BENCHMARK": True,
        }
    )
    app.test_client_class = CsrfClient
    try:
        with app.app_context():
            prepare_database()
            user = make_user("volunteer", "Mona Jensen")
        client = app.test_client()
        assert client.get("/_bench/floor").status_code == 302  # a logged-in page
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        floor = client.get("/_bench/floor")
        assert floor.status_code == 200
        assert "Mona Jensen" in floor.get_data(as_text=True)  # the base layout, logged in
        assert int(floor.headers["X-Queries"]) >= 1  # the session's lookup at least
        assert int(client.get("/me/").headers["X-Queries"]) > int(floor.headers["X-Queries"])
    finally:
        close_all(database.obj)
