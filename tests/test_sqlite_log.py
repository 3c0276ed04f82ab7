"""SQLite keeps its write-ahead log between requests (one idle connection a process), so a
page view that writes (its access log) does not fold the log into the file every time; an
erasure's checkpoint still empties it (tests/test_privacy.py reads the files)."""

from pathlib import Path

import pytest

from trivsel.core.db import checkpoint, database, is_sqlite
from trivsel.courses import flow


def test_the_log_stays_between_requests_and_a_checkpoint_empties_it(app, kit):
    if not is_sqlite():
        pytest.skip("SQLite's write-ahead log")
    course_id = kit.to(flow.ACTIVE, name="Gerda")
    assert kit.client.get(f"/courses/{course_id}").status_code == 200  # writes the access log
    log = Path(f"{database.obj.database}-wal")
    assert database.is_closed() and log.exists() and log.stat().st_size > 0
    with app.app_context():
        database.connect(reuse_if_open=True)
        checkpoint()
        database.close()
    assert log.stat().st_size == 0
