"""The floor: the base layout for a logged-in user through the app's own `render`, the cheapest
page the app can serve. `make bench` sets each page's cost against it. Registered only when the
BENCHMARK setting is on (scripts/bench.py turns it on for its own server)."""

from flask import Blueprint

from trivsel.core.auth import ROLES, allow
from trivsel.core.rendering import render

bp = Blueprint("benchmark", __name__, url_prefix="/_bench")


@bp.route("/floor")
@allow(*ROLES)
def floor():
    return render("benchmark/floor.html")
