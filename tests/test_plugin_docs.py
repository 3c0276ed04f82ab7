"""docs/plugins.md follows the code: every hook and every name of trivsel.api is documented
there, and the guide names nothing that is not there."""

import re
from pathlib import Path

import pytest

from trivsel import api
from trivsel.core import hookspecs

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text()
HOOKS = sorted(
    name
    for name, function in vars(hookspecs).items()
    if name.startswith("trivsel_") and hasattr(function, "trivsel_spec")
)


def api_table():
    """The names in the first column of the guide's `trivsel.api` table."""
    section = GUIDE.split("## `trivsel.api`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, re.M)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_guide(hook):
    assert re.search(rf"^#### `{hook}`\n\S", GUIDE, re.M), f"{hook} is not documented"


def test_the_guide_documents_no_hook_that_does_not_exist():
    assert sorted(re.findall(r"^#### `(trivsel_\w+)`", GUIDE, re.M)) == HOOKS


@pytest.mark.parametrize("name", api.__all__)
def test_every_api_name_is_in_the_guide(name):
    assert name in api_table(), f"trivsel.api.{name} is not documented in docs/plugins.md"


def test_the_guide_documents_exactly_the_api():
    assert sorted(api_table()) == sorted(api.__all__)
    assert all(hasattr(api, name) for name in api.__all__)


def test_the_example_plugin_imports_only_the_api():
    example = GUIDE.split("## A complete example", 1)[1].split("## Testing a plugin", 1)[0]
    imports = re.findall(r"^from (trivsel[\w.]*) import", example, re.M)
    assert imports == ["trivsel.api"]
