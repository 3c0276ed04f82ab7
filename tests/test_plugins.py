"""The plugin machinery: every hook documented and tested, each hook called as documented,
plugins loaded from the folder and from entry points, and a failing plugin kept apart."""

import ast
import dataclasses
import inspect
import logging
import re
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TEST_HASH_METHOD
from flowkit import days_ago

from trivsel import create_app
from trivsel.core import hookspecs
from trivsel.core.db import database
from trivsel.core.hookspecs import Branch, CourseSnapshot, hookimpl
from trivsel.core.plugins import PluginLoadError
from trivsel.courses import flow
from trivsel.courses.models import Course, CourseEvent

TESTS = Path(__file__).parent
HOOKS = sorted(
    name
    for name, function in vars(hookspecs).items()
    if name.startswith("trivsel_") and hasattr(function, "trivsel_spec")
)


def plugins_of(app):
    return app.extensions["trivsel.plugins"]


# --- Every hook documented and tested ------------------------------------------------------


def test_the_hook_list_is_the_plugin_managers(app):
    """HOOKS (what the meta-tests below check) is every hook the app's plugin manager knows."""
    manager = plugins_of(app).manager
    specified = sorted(
        name for name in vars(manager.hook) if getattr(manager.hook, name).has_spec()
    )
    assert HOOKS
    assert specified == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook):
    """Each hook says what it receives, what it returns and when it is called."""
    function = getattr(hookspecs, hook)
    doc = inspect.getdoc(function) or ""
    signature = inspect.signature(function)
    for name, parameter in signature.parameters.items():
        assert re.search(rf"^:param {name}:", doc, re.M), f"{hook}: no ':param {name}:' line"
        assert parameter.annotation is not inspect.Parameter.empty, f"{hook}: {name} untyped"
    assert signature.return_annotation is not inspect.Signature.empty, f"{hook}: return untyped"
    returns_nothing = signature.return_annotation in (None, "None")
    says_return = re.search(r"^:return:", doc, re.M)
    says_nothing = re.search(r"returns? (nothing|None)", doc, re.I)
    if returns_nothing:
        assert says_return or says_nothing, f"{hook}: does not say it returns nothing"
    else:
        assert says_return, f"{hook}: no ':return:' line"
    assert re.search(r"\bcalled\b", doc, re.I), f"{hook}: does not say when it is called"


def function_names_under_tests():
    names = set()
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
    return names


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    """A test named test_hook_<hook name> exists somewhere under tests/."""
    assert f"test_hook_{hook}" in function_names_under_tests(), f"{hook} has no test"


# --- Each hook called as documented ----------------------------------------------------------


class YouthBranch:
    @hookimpl
    def trivsel_branches(self):
        return [Branch("youth", "Brobygning (unge)")]


def test_hook_trivsel_branches(app, kit):
    plugins = plugins_of(app)
    kit.as_("coordinator")
    plugins.register(YouthBranch(), "youth-branch", "test")
    try:
        assert sorted(plugins.branches()) == ["main", "youth"]
        form = kit.client.get("/inquiries/new").get_data(as_text=True)
        assert 'value="youth"' in form
        assert "Brobygning (unge)" in form
        course_id = kit.inquiry(branch="youth")
        assert Course.get_by_id(course_id).branch == "youth"
        # The branch is shown by its label on the course page and offered as a filter.
        page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
        assert "Brobygning (unge)" in page
        listing = kit.client.get("/courses?branch=youth").get_data(as_text=True)
        assert 'value="youth" selected' in listing
    finally:
        plugins.unregister("youth-branch")
    # Without the plugin, the branch is no longer offered nor accepted.
    assert 'value="youth"' not in kit.client.get("/inquiries/new").get_data(as_text=True)
    valid = {"received_on": days_ago(1), "channel": "phone", "initiated_by": "citizen"}
    assert kit.client.post("/inquiries/new", data=valid | {"branch": "youth"}).status_code == 422
    assert Course.select().count() == 1
    assert kit.client.post("/inquiries/new", data=valid | {"branch": "main"}).status_code == 303


class Recorder:
    """Records each event it hears, with what the database held at that moment."""

    def __init__(self):
        self.inquiries = []
        self.steps = []

    @hookimpl
    def trivsel_inquiry_received(self, course):
        saved = Course.get_or_none(Course.id == course.id)
        self.inquiries.append(
            {
                "course": course,
                "saved_stage": saved.stage if saved else None,
                "in_transaction": database.in_transaction(),
            }
        )

    @hookimpl
    def trivsel_course_stage_changed(self, course, action, old_stage):
        saved = Course.get_by_id(course.id)
        last_event = (
            CourseEvent.select()
            .where(CourseEvent.course == course.id)
            .order_by(CourseEvent.id.desc())
            .get()
        )
        self.steps.append(
            {
                "course_id": course.id,
                "step": (action, old_stage, course.stage),
                "saved": (saved.stage, saved.version) == (course.stage, course.version),
                "last_event": (last_event.action, last_event.stage),
                "in_transaction": database.in_transaction(),
            }
        )


def test_hook_trivsel_inquiry_received(app, kit):
    plugins = plugins_of(app)
    recorder = Recorder()
    plugins.register(recorder, "recorder", "test")
    try:
        kit.as_("coordinator")
        course_id = kit.inquiry(name="Gerda")
        assert len(recorder.inquiries) == 1
        heard = recorder.inquiries[0]
        # A read-only snapshot, not the model: no citizen field, nothing to save.
        assert isinstance(heard["course"], CourseSnapshot)
        assert not isinstance(heard["course"], Course)
        assert heard["course"].id == course_id
        assert heard["course"].stage == flow.NEW
        assert not hasattr(heard["course"], "citizen")
        with pytest.raises(dataclasses.FrozenInstanceError):
            heard["course"].stage = flow.ACTIVE
        # Called after the inquiry is saved, outside its transaction.
        assert heard["saved_stage"] == flow.NEW
        assert heard["in_transaction"] is False
        # A step on the course is not a new inquiry; an anonymous inquiry is one.
        assert kit.step(course_id, flow.FIRST_CONTACT).status_code == 303
        assert len(recorder.inquiries) == 1
        anonymous_id = kit.inquiry(name="", phone="")
        assert [h["course"].id for h in recorder.inquiries] == [course_id, anonymous_id]
        assert Course.get_by_id(anonymous_id).citizen_id is None
        # A refused inquiry (bad input) is not saved and not announced.
        assert kit.client.post("/inquiries/new", data={}).status_code == 422
        assert len(recorder.inquiries) == 2
    finally:
        plugins.unregister("recorder")
    kit.inquiry()
    assert len(recorder.inquiries) == 2


def test_hook_trivsel_course_stage_changed(app, kit):
    plugins = plugins_of(app)
    recorder = Recorder()
    plugins.register(recorder, "recorder", "test")
    try:
        course_id = kit.to(flow.FOLLOWED_UP)
        assert [heard["step"] for heard in recorder.steps] == [
            (flow.FIRST_CONTACT, flow.NEW, flow.CONTACTED),
            (flow.SCHEDULE_INTAKE, flow.CONTACTED, flow.INTAKE_SCHEDULED),
            (flow.HOLD_INTAKE, flow.INTAKE_SCHEDULED, flow.MATCHING),
            (flow.PROPOSE, flow.MATCHING, flow.PROPOSED),
            (flow.ACCEPT, flow.PROPOSED, flow.MATCH_MEETING),  # the volunteer's answer
            (flow.MATCH_MEETING_HELD, flow.MATCH_MEETING, flow.ACTIVE),
            (flow.CLOSE, flow.ACTIVE, flow.CLOSED),
            (flow.FOLLOW_UP, flow.CLOSED, flow.FOLLOWED_UP),
        ]
        for heard in recorder.steps:
            assert heard["course_id"] == course_id
            # Called after the step is saved: the course passed is the saved one, the step's
            # event row is written, and the transaction is over.
            assert heard["saved"], heard
            assert heard["last_event"] == heard["step"][::2], heard
            assert heard["in_transaction"] is False, heard

        # A step that keeps the stage (rescheduling the intake) is announced too.
        recorder.steps.clear()
        other_id = kit.to(flow.INTAKE_SCHEDULED)
        recorder.steps.clear()
        later = (date.today() + timedelta(days=30)).isoformat()
        response = kit.step(other_id, flow.SCHEDULE_INTAKE, scheduled_at=f"{later}T10:00")
        assert response.status_code == 303
        assert [heard["step"] for heard in recorder.steps] == [
            (flow.SCHEDULE_INTAKE, flow.INTAKE_SCHEDULED, flow.INTAKE_SCHEDULED)
        ]

        # A step that is not saved is not announced: a stale version, a refused step.
        recorder.steps.clear()
        stale = Course.get_by_id(other_id).version - 1
        assert kit.step(other_id, flow.SCHEDULE_INTAKE, version=stale).status_code == 409
        assert kit.step(other_id, flow.FIRST_CONTACT).status_code == 409
        assert recorder.steps == []
    finally:
        plugins.unregister("recorder")


# --- Loading plugins ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def forget_plugin_modules():
    """Drop the modules the plugins in these tests were loaded as, so tests stay apart."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("trivsel_plugins", "trivsel_fake_")):
            del sys.modules[name]


BUILT_IN_PARTNERS = ("associations", "rehabilitation", "youth_bridge")


def build_app(tmp_path, entry_points=False, **config):
    """An app with the test settings of the `app` fixture, changed by `config`. Loading needs
    no database, so it is neither migrated nor opened. With `entry_points`, installed plugins
    load too, less the partners the trivsel distribution itself declares: these tests load
    plugins of their own."""
    settings = {
        "ENTRY_POINT_PLUGINS": entry_points,
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trivsel.db'}",
        "SECRET_KEY": "test-secret",
        "PLUGINS_DIR": str(tmp_path / "plugins"),
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "REQUIRE_TWO_FACTOR": False,
    }
    settings.update(config)
    if entry_points:
        settings["DISABLED_PLUGINS"] = tuple(settings.get("DISABLED_PLUGINS", ()))
        settings["DISABLED_PLUGINS"] += BUILT_IN_PARTNERS
    return create_app(settings)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_distribution(root, name, entry_points, modules):
    """An installed distribution on `root` (put it on sys.path): metadata, entry points in
    group "trivsel", and its modules."""
    info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    write(info / "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
    write(info / "entry_points.txt", f"[trivsel]\n{lines}")
    for module, text in modules.items():
        write(root / f"{module}.py", text)


ALPHA = """
    from trivsel.api import hookimpl

    @hookimpl
    def trivsel_inquiry_received(course):
        pass
"""

PARTNER = {
    "__init__.py": """
        from trivsel.api import hookimpl
        from trivsel.api import Branch

        from .forms import LABEL

        @hookimpl
        def trivsel_branches():
            return [Branch("partner", LABEL)]
    """,
    "forms.py": 'LABEL = "Partnerens gren"\n',
}


def test_a_module_and_a_package_in_the_plugins_folder_are_loaded(tmp_path):
    folder = tmp_path / "plugins"
    write(folder / "alpha.py", ALPHA)
    for file, text in PARTNER.items():
        write(folder / "partner" / file, text)
    # Not plugins: private or hidden files, other files, folders that are not packages.
    write(folder / "_helpers.py", "raise RuntimeError('not a plugin')\n")
    write(folder / ".hidden.py", "raise RuntimeError('not a plugin')\n")
    write(folder / "README.md", "# Local plugins\n")
    write(folder / "notes" / "todo.py", "raise RuntimeError('not a plugin')\n")

    plugins = plugins_of(build_app(tmp_path))
    listing = {row["name"]: row for row in plugins.listing()}
    assert listing == {
        "alpha": {
            "name": "alpha",
            "source": "plugins/alpha.py",
            "hooks": ["trivsel_inquiry_received"],
        },
        "partner": {
            "name": "partner",
            "source": "plugins/partner/__init__.py",
            "hooks": ["trivsel_branches"],
        },
        "trivsel.core": {
            "name": "trivsel.core",
            "source": "default",
            "hooks": ["trivsel_branches"],
        },
    }
    assert plugins.branches()["partner"].label == "Partnerens gren"


def test_each_app_loads_its_own_copy_of_a_package_plugin(tmp_path):
    """Two apps in one process (as in a test suite) each load their folder's package and its
    submodules, not the modules the first app left in sys.modules."""
    for version in ("one", "two"):
        folder = tmp_path / version / "plugins"
        write(folder / "partner" / "__init__.py", PARTNER["__init__.py"])
        write(folder / "partner" / "forms.py", f'LABEL = "Partner {version}"\n')
    first = build_app(tmp_path / "one")
    second = build_app(tmp_path / "two")
    assert plugins_of(first).branches()["partner"].label == "Partner one"
    assert plugins_of(second).branches()["partner"].label == "Partner two"


@pytest.mark.parametrize(
    "text, error",
    [
        ("def trivsel_branches(:\n", "SyntaxError"),
        ("import trivsel_no_such_module\n", "ModuleNotFoundError"),
        ("raise RuntimeError('cannot start')\n", "cannot start"),
    ],
    ids=["syntax error", "import error", "error at import"],
)
def test_a_plugin_that_cannot_be_imported_stops_start_up(tmp_path, text, error):
    write(tmp_path / "plugins" / "broken.py", text)
    with pytest.raises(PluginLoadError) as raised:
        build_app(tmp_path)
    message = str(raised.value)
    assert "Plugin 'broken'" in message
    assert error in message
    assert "trivsel_plugins.broken" not in sys.modules


def test_a_broken_package_plugin_names_the_package(tmp_path):
    write(tmp_path / "plugins" / "partner" / "__init__.py", "from .missing import thing\n")
    with pytest.raises(PluginLoadError, match="Plugin 'partner'"):
        build_app(tmp_path)


def test_a_hook_with_an_unknown_argument_stops_start_up(tmp_path):
    write(
        tmp_path / "plugins" / "greedy.py",
        """
        from trivsel.api import hookimpl

        @hookimpl
        def trivsel_inquiry_received(course, citizen):
            pass
        """,
    )
    with pytest.raises(PluginLoadError, match="(?s)Plugin 'greedy'.*citizen"):
        build_app(tmp_path)


def test_a_hook_wrapper_stops_start_up(tmp_path):
    """Hooks are called one implementation at a time, so a wrapper would never run: it is
    refused rather than ignored."""
    write(
        tmp_path / "plugins" / "wrapping.py",
        """
        from trivsel.api import hookimpl

        @hookimpl(wrapper=True)
        def trivsel_branches():
            return (yield)
        """,
    )
    with pytest.raises(PluginLoadError, match="Plugin 'wrapping'.*trivsel_branches"):
        build_app(tmp_path)


MISSPELLED = """
    from trivsel.api import hookimpl

    @hookimpl
    def trivsel_branchs():
        return []
"""


def test_a_misspelled_hook_in_a_folder_plugin_stops_start_up(tmp_path):
    write(tmp_path / "plugins" / "typo.py", MISSPELLED)
    with pytest.raises(PluginLoadError) as raised:
        build_app(tmp_path)
    message = str(raised.value)
    assert "Plugin 'typo'" in message
    assert "trivsel_branchs" in message


def test_a_misspelled_hook_in_an_entry_point_names_the_entry_point(tmp_path, monkeypatch):
    make_distribution(
        tmp_path / "site",
        "trivsel-fake-typo",
        {"fake-typo": "trivsel_fake_typo"},
        {"trivsel_fake_typo": MISSPELLED},
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginLoadError) as raised:
        build_app(tmp_path, entry_points=True)
    message = str(raised.value)
    assert "Plugin 'fake-typo'" in message
    assert "trivsel_branchs" in message


def test_disabled_plugins_are_not_loaded(tmp_path):
    folder = tmp_path / "plugins"
    write(folder / "alpha.py", ALPHA)
    write(folder / "broken.py", "def trivsel_branches(:\n")
    write(folder / "typo.py", MISSPELLED)
    # Disabling a broken plugin lets the app start without it.
    plugins = plugins_of(build_app(tmp_path, DISABLED_PLUGINS=("broken", "typo")))
    assert sorted(row["name"] for row in plugins.listing()) == ["alpha", "trivsel.core"]
    assert "trivsel_plugins.broken" not in sys.modules

    plugins = plugins_of(build_app(tmp_path, DISABLED_PLUGINS=("alpha", "broken", "typo")))
    assert [row["name"] for row in plugins.listing()] == ["trivsel.core"]


def test_the_core_default_plugin_can_be_disabled(tmp_path):
    plugins = plugins_of(build_app(tmp_path))
    assert list(plugins.branches()) == ["main"]
    plugins = plugins_of(build_app(tmp_path, DISABLED_PLUGINS=("trivsel.core",)))
    assert plugins.listing() == []
    assert plugins.branches() == {}


def test_the_disabled_plugins_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    write(tmp_path / "plugins" / "alpha.py", ALPHA)
    monkeypatch.setenv("TRIVSEL_DISABLED_PLUGINS", "alpha, trivsel.core")
    assert plugins_of(build_app(tmp_path)).listing() == []


def test_an_entry_point_plugin_is_loaded(tmp_path, monkeypatch):
    make_distribution(
        tmp_path / "site",
        "trivsel-fake-partner",
        {"fake-partner": "trivsel_fake_partner"},
        {
            "trivsel_fake_partner": """
                from trivsel.api import hookimpl
                from trivsel.api import Branch

                @hookimpl
                def trivsel_branches():
                    return [Branch("fake", "Fake partner")]
            """
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    plugins = plugins_of(build_app(tmp_path, entry_points=True))
    listing = {row["name"]: row for row in plugins.listing()}
    assert listing["fake-partner"] == {
        "name": "fake-partner",
        "source": "entry point in trivsel-fake-partner",
        "hooks": ["trivsel_branches"],
    }
    assert sorted(plugins.branches()) == ["fake", "main"]

    plugins = plugins_of(build_app(tmp_path, entry_points=True, DISABLED_PLUGINS=("fake-partner",)))
    assert "fake-partner" not in {row["name"] for row in plugins.listing()}


@pytest.mark.parametrize(
    "target",
    ["trivsel_fake_missing", "trivsel_fake_empty:plugin"],
    ids=["missing module", "missing attribute"],
)
def test_a_broken_entry_point_stops_start_up(tmp_path, monkeypatch, target):
    make_distribution(
        tmp_path / "site",
        "trivsel-fake-broken",
        {"fake-broken": target},
        {"trivsel_fake_empty": "# nothing here\n"},
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginLoadError) as raised:
        build_app(tmp_path, entry_points=True)
    message = str(raised.value)
    assert "Plugin 'fake-broken'" in message
    assert target in message
    # Disabling it lets the app start.
    build_app(tmp_path, entry_points=True, DISABLED_PLUGINS=("fake-broken",))


@pytest.mark.parametrize(
    "hook, item, what",
    [
        ("trivsel_branches", 'Branch("youth", "Unge")', "branch"),
        ("trivsel_organisations", 'Organisation("kommune", "Kommunen")', "organisation"),
        (
            "trivsel_referral_forms",
            'ReferralForm("form", "Henvisning", Form, lambda form: None)',
            "referral form",
        ),
    ],
)
def test_a_key_two_plugins_contribute_stops_start_up_naming_both(tmp_path, hook, item, what):
    key = item.split('"')[1]
    for name in ("first", "second"):
        write(
            tmp_path / "plugins" / f"{name}.py",
            f"""
            from trivsel.api import Branch, Form, Organisation, ReferralForm, hookimpl

            @hookimpl
            def {hook}():
                return [{item}]
            """,
        )
    with pytest.raises(PluginLoadError) as raised:
        build_app(tmp_path)
    message = str(raised.value)
    assert f"Plugins 'first' and 'second' both contribute the {what} '{key}'" in message
    # With one of them off, the app starts and the key is the other's.
    plugins = plugins_of(build_app(tmp_path, DISABLED_PLUGINS=("first",)))
    assert plugins.collect_by_plugin(hook)[0][0] == "second"


def test_a_consent_item_of_the_core_cannot_be_redefined_by_a_plugin(tmp_path):
    write(
        tmp_path / "plugins" / "greedy.py",
        """
        from trivsel.api import hookimpl

        @hookimpl
        def trivsel_consent_items():
            return {"who5": "Something else"}
        """,
    )
    with pytest.raises(PluginLoadError, match="'greedy' and 'trivsel.core' both contribute"):
        build_app(tmp_path)


def test_a_plugin_name_used_twice_stops_start_up(tmp_path, monkeypatch):
    write(tmp_path / "plugins" / "partner.py", ALPHA)
    make_distribution(
        tmp_path / "site",
        "trivsel-fake-twin",
        {"partner": "trivsel_fake_twin"},
        {"trivsel_fake_twin": ALPHA},
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(PluginLoadError, match="Plugin 'partner'"):
        build_app(tmp_path, entry_points=True)


# --- A failing plugin is kept apart --------------------------------------------------------


class Exploding:
    """Raises in every event; tryfirst so it runs before the other plugins."""

    @hookimpl(tryfirst=True)
    def trivsel_inquiry_received(self, course):
        raise RuntimeError("boom on inquiry")

    @hookimpl(tryfirst=True)
    def trivsel_course_stage_changed(self, course, action, old_stage):
        raise RuntimeError("boom on step")


def failure_rows(page):
    """The table rows of the admin page that mention a plugin error."""
    return [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if "boom" in row]


def test_a_plugin_failing_in_an_event_is_logged_and_the_change_stands(app, kit, caplog):
    plugins = plugins_of(app)
    recorder = Recorder()
    plugins.register(recorder, "recorder", "test")
    plugins.register(Exploding(), "exploding", "test")
    try:
        kit.as_("coordinator")
        with caplog.at_level(logging.ERROR, logger="trivsel.core.plugins"):
            course_id = kit.inquiry()
            response = kit.step(course_id, flow.FIRST_CONTACT)
        assert response.status_code == 303
        # The core's transactions were saved, and the other plugin still heard both events.
        assert Course.get_by_id(course_id).stage == flow.CONTACTED
        actions = [e.action for e in CourseEvent.select().where(CourseEvent.course == course_id)]
        assert actions == ["inquiry", flow.FIRST_CONTACT]
        assert [h["course"].id for h in recorder.inquiries] == [course_id]
        assert [h["step"] for h in recorder.steps] == [
            (flow.FIRST_CONTACT, flow.NEW, flow.CONTACTED)
        ]
        # Logged with the plugin and hook, and the exception's traceback.
        logged = [r for r in caplog.records if r.name == "trivsel.core.plugins"]
        assert [r.getMessage() for r in logged] == [
            "plugin exploding failed in trivsel_inquiry_received",
            "plugin exploding failed in trivsel_course_stage_changed",
        ]
        assert all(r.exc_info and "boom" in str(r.exc_info[1]) for r in logged)
        assert [(f.plugin, f.hook) for f in plugins.failures] == [
            ("exploding", "trivsel_inquiry_received"),
            ("exploding", "trivsel_course_stage_changed"),
        ]

        # The admin's settings page shows each failure with plugin and hook, newest first.
        kit.as_("admin")
        response = kit.client.get("/admin/settings")
        assert response.status_code == 200
        rows = failure_rows(response.get_data(as_text=True))
        assert len(rows) == 2
        assert all("exploding" in row for row in rows)
        assert "trivsel_course_stage_changed" in rows[0] and "boom on step" in rows[0]
        assert "trivsel_inquiry_received" in rows[1] and "boom on inquiry" in rows[1]
    finally:
        plugins.unregister("exploding")
        plugins.unregister("recorder")


class ExplodingBranches:
    @hookimpl(tryfirst=True)
    def trivsel_branches(self):
        raise RuntimeError("boom in branches")


def test_a_plugin_failing_while_adding_to_a_page_leaves_the_page(app, kit):
    plugins = plugins_of(app)
    plugins.register(YouthBranch(), "youth-branch", "test")
    plugins.register(ExplodingBranches(), "exploding-branches", "test")
    try:
        kit.as_("coordinator")
        response = kit.client.get("/inquiries/new")
        assert response.status_code == 200
        form = response.get_data(as_text=True)
        assert 'value="main"' in form
        assert 'value="youth"' in form
        assert ("exploding-branches", "trivsel_branches") in {
            (f.plugin, f.hook) for f in plugins.failures
        }
    finally:
        plugins.unregister("exploding-branches")
        plugins.unregister("youth-branch")
