"""`make bench`: Trivsel's main pages measured against the floor, at scale.

Generates a database (`flask init-db --demo-if-new`, then `flask generate-data`), serves it
with gunicorn (two workers, the package's gunicorn config), logs in as the demo's coordinator,
volunteer and partner, and requests every main page interleaved with the floor route (the base
layout for a logged-in user through the app's own `render`, at /_bench/floor, registered only
with TRIVSEL_BENCHMARK on). For each page it prints p50 and p95 in ms, p95 as a multiple of the
floor's p95, the bytes of the HTML (and gzipped, when the server compresses), and the SQL
statements the request ran (the X-Queries header, also only with TRIVSEL_BENCHMARK). Then the
dashboard's and the floor's throughput under concurrent clients, and the annual report
command's work (run in a started process, so without the CLI's start-up) against the same
four aggregates in plain SQL.

A benchmark prints figures; it fails on nothing but a broken set-up. These machines are noisy:
compare figures of one run, side by side, not across runs.

    .venv/bin/python scripts/bench.py [--scale 1.0] [--offers 2000] [--requests 60]
        [--database postgresql://...] [--workdir DIR] [--clients 8] [--seconds 5]
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-not-for-production"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "trivsel-demo"
LOGINS = {
    "coordinator": "koordinator@trivsel.example",
    "volunteer": "mona@trivsel.example",
    "partner": "partner@trivsel.example",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(database_url):
    env = dict(os.environ)
    env.update(
        TRIVSEL_DATABASE_URL=database_url,
        TRIVSEL_SECRET_KEY=SECRET,
        TRIVSEL_REQUIRE_TWO_FACTOR="0",
        TRIVSEL_BENCHMARK="1",
        FLASK_APP="trivsel",
    )
    return env


def flask(env, *args, capture=False):
    return subprocess.run(
        [str(BIN / "flask"), "--app", "trivsel", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )


def prepare(env, scale, offers, fresh):
    """The database at the scale asked for (scale 0: the demo alone); generated when fresh."""
    if not fresh:
        print("reusing the generated database (upgraded to the newest schema)")
        flask(env, "init-db", capture=True)
        return
    started = time.perf_counter()
    flask(env, "init-db", "--demo-if-new")
    if scale:
        flask(env, "generate-data", "--scale", str(scale), "--offers", str(offers))
    print(f"generated scale {scale} with {offers} offers in {time.perf_counter() - started:.1f} s")


class Client:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data

    def login(self, email):
        _, page = self.request("GET", "/login")
        token = TOKEN.search(page.decode()).group(1)
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        response, _ = self.request("POST", "/login", body=form)
        if response.status != 302:
            raise SystemExit(f"login as {email} failed: {response.status}")
        return self


def wait_until_up(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def ids(env):
    """The rows the pages open: an active course, a supervision meeting."""
    script = """
import json
from trivsel import create_app
from trivsel.core.db import database
from trivsel.courses.models import Course
from trivsel.supervision.models import SupervisionMeeting
from datetime import datetime
app = create_app()
with app.app_context(), database.connection_context():
    course = (Course.select(Course.id).where(Course.stage == "active")
              .order_by(Course.id.desc()).first())
    meeting = (SupervisionMeeting.select(SupervisionMeeting.id)
               .where(SupervisionMeeting.starts_at <= datetime.now())
               .order_by(SupervisionMeeting.starts_at.desc()).first())
    print(json.dumps({"course": course.id, "meeting": meeting.id if meeting else None}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def pages(found):
    listed = [
        ("dashboard", "coordinator", "/dashboard"),
        ("statistics", "coordinator", "/statistics/"),
        ("course page (active)", "coordinator", f"/courses/{found['course']}"),
        ("course list", "coordinator", "/courses"),
        ("volunteer list", "coordinator", "/volunteers/"),
        ("directory", "coordinator", "/directory/"),
        ("supervision", "coordinator", "/supervision/"),
        ("volunteer home (3 courses)", "volunteer", "/me/"),
        ("partner's referrals", "partner", "/referrals/"),
    ]
    if found.get("meeting"):
        listed.insert(
            7, ("supervision meeting", "coordinator", f"/supervision/meetings/{found['meeting']}")
        )
    return listed


def chosen(listed, wanted):
    if wanted is None:
        return listed
    return [page for page in listed if any(word in page[0] for word in wanted)]


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(client, path, headers=None):
    started = time.perf_counter()
    response, data = client.request("GET", path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status}")
    return elapsed, response, data


def measure(clients, listed, requests):
    rows = []
    for label, role, path in listed:
        client = clients[role]
        # Warm both workers (a sync worker closes the connection after each response, so the
        # kernel hands requests to either): their caches, and the statistics report each keeps.
        for _ in range(6):
            timed(client, path)
            timed(client, "/_bench/floor")
        page_times, floor_times = [], []
        for _ in range(requests):
            floor_times.append(timed(client, "/_bench/floor")[0])
            elapsed, response, data = timed(client, path)
            page_times.append(elapsed)
        _, gz_response, gz_data = timed(client, path, {"Accept-Encoding": "gzip"})
        compressed = len(gz_data) if gz_response.headers.get("Content-Encoding") == "gzip" else None
        floor_p95 = percentile(floor_times, 0.95)
        rows.append(
            {
                "page": label,
                "p50": statistics.median(page_times),
                "p95": percentile(page_times, 0.95),
                "floor_p95": floor_p95,
                "ratio": percentile(page_times, 0.95) / floor_p95,
                "bytes": len(data),
                "gzip": compressed,
                "queries": response.headers.get("X-Queries", "?"),
            }
        )
    return rows


def throughput(port, email, path, clients, seconds):
    """Requests a second over `clients` concurrent keep-alive clients, logged in first."""
    sessions = [Client(port).login(email) for _ in range(clients)]
    counts = [0] * clients
    ready = threading.Barrier(clients + 1)
    stop = []

    def run(n):
        ready.wait()
        while not stop:
            sessions[n].request("GET", path)
            counts[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.append(True)
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


PLAIN_SQL = {
    # The same four aggregates as `report annual` (the main branch, calendar project years;
    # inquiries of every branch, as the report counts them), written by hand.
    "sqlite": [
        "SELECT strftime('%Y', received_on) AS y, count(*) FROM course GROUP BY y",
        "WITH years(y) AS (SELECT DISTINCT strftime('%Y', received_on) FROM course) "
        "SELECT y, count(*) FROM years JOIN course ON branch = 'main' "
        "AND started_on IS NOT NULL AND started_on < (y + 1) || '-01-01' "
        "AND (ended_on IS NULL OR ended_on >= y || '-01-01') GROUP BY y",
        "SELECT strftime('%Y', v.held_on) AS y, count(*) FROM conversation v "
        "JOIN course c ON c.id = v.course_id WHERE c.branch = 'main' GROUP BY y",
        "SELECT strftime('%Y', ended_on) AS y, count(*), sum(follow_on_contact) FROM course "
        "WHERE branch = 'main' AND started_on IS NOT NULL AND follow_on_contact IS NOT NULL "
        "AND ended_on IS NOT NULL GROUP BY y",
    ],
    "postgresql": [
        "SELECT extract(year FROM received_on) AS y, count(*) FROM course GROUP BY y",
        "WITH years(y) AS (SELECT DISTINCT extract(year FROM received_on)::int FROM course) "
        "SELECT y, count(*) FROM years JOIN course ON branch = 'main' "
        "AND started_on IS NOT NULL AND started_on < make_date(y + 1, 1, 1) "
        "AND (ended_on IS NULL OR ended_on >= make_date(y, 1, 1)) GROUP BY y",
        "SELECT extract(year FROM v.held_on) AS y, count(*) FROM conversation v "
        "JOIN course c ON c.id = v.course_id WHERE c.branch = 'main' GROUP BY y",
        "SELECT extract(year FROM ended_on) AS y, count(*), "
        "sum(CASE WHEN follow_on_contact THEN 1 ELSE 0 END) FROM course "
        "WHERE branch = 'main' AND started_on IS NOT NULL AND follow_on_contact IS NOT NULL "
        "AND ended_on IS NOT NULL GROUP BY y",
    ],
}


def report_ratio(env, database_url, runs=5):
    """(report work s, plain SQL s): `flask report annual` run in one started process (the
    CLI's start-up, a second of imports that varies by a third between runs, left out), against
    the four aggregates run directly in the same process; best of `runs` each, alternating."""
    kind = "postgresql" if database_url.startswith("postgres") else "sqlite"
    script = f"""
import time
from trivsel import create_app
from trivsel.core.db import database
app = create_app()
runner = app.test_cli_runner()
queries = {PLAIN_SQL[kind]!r}
report = plain = None
for _ in range({runs}):
    started = time.perf_counter()
    result = runner.invoke(args=["report", "annual"])
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    report = took if report is None else min(report, took)
    with app.app_context(), database.connection_context():
        started = time.perf_counter()
        for sql in queries:
            database.execute_sql(sql).fetchall()
        took = time.perf_counter() - started
    plain = took if plain is None else min(plain, took)
print(report, plain)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    report, plain = (float(x) for x in done.stdout.strip().splitlines()[-1].split())
    return report, plain


def print_table(rows, floor_p50):
    print()
    print(f"floor: p50 {floor_p50:.1f} ms")
    header = f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'floor p95':>9} {'x floor':>8} "
    header += f"{'bytes':>9} {'gzip':>8} {'queries':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        gz = f"{row['gzip']:,}" if row["gzip"] is not None else "-"
        print(
            f"{row['page']:<28} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['floor_p95']:>9.1f} "
            f"{row['ratio']:>7.1f}x {row['bytes']:>9,} {gz:>8} {row['queries']:>8}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="0: the demo data alone")
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60, help="per page (and as many floors)")
    parser.add_argument(
        "--database",
        default=os.environ.get("TRIVSEL_DATABASE_URL") or None,
        help="a PostgreSQL URL (default TRIVSEL_DATABASE_URL, as scripts/with-postgresql sets "
        "it); otherwise SQLite in the work folder",
    )
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--regenerate", action="store_true", help="drop a reused database")
    parser.add_argument(
        "--pages",
        default=None,
        help="measure only the pages whose label contains one of these comma-separated words "
        "(the throughput runs with 'dashboard', the report with 'report')",
    )
    args = parser.parse_args()

    wanted = [w.strip() for w in args.pages.split(",")] if args.pages else None
    workdir = Path(args.workdir or f"/tmp/trivsel-bench-{args.scale:g}-{args.offers}")
    if args.regenerate and workdir.exists():
        shutil.rmtree(workdir)
    fresh = not workdir.exists()
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = args.database or f"sqlite:///{workdir / 'trivsel.db'}"
    env = environment(database_url)
    print(f"database: {'PostgreSQL' if database_url.startswith('postgres') else 'SQLite'}")
    prepare(env, args.scale, args.offers, fresh or args.database is not None)
    found = ids(env)

    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:trivsel.gunicorn_conf",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "trivsel:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_up(port, server)
        clients = {role: Client(port).login(email) for role, email in LOGINS.items()}
        floor_times = [timed(clients["coordinator"], "/_bench/floor")[0] for _ in range(30)]
        rows = measure(clients, chosen(pages(found), wanted), args.requests)
        print_table(rows, statistics.median(floor_times))
        print()
        if wanted is None or "dashboard" in wanted:
            email = LOGINS["coordinator"]
            dashboard = throughput(port, email, "/dashboard", args.clients, args.seconds)
            floor = throughput(port, email, "/_bench/floor", args.clients, args.seconds)
            print(
                f"throughput, {args.clients} clients: dashboard {dashboard:.0f} req/s, "
                f"floor {floor:.0f} req/s"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    if wanted is not None and "report" not in wanted:
        return
    work, plain = report_ratio(env, database_url)
    ratio = work / plain if plain else float("inf")
    print(
        f"report annual: {work * 1000:.0f} ms of work, plain SQL {plain * 1000:.0f} ms, "
        f"{ratio:.1f}x"
    )


if __name__ == "__main__":
    main()
