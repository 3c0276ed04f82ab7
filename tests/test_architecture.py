"""The architecture contracts (lint-imports, run by `make test`) hold, and each one fails when
it is broken: a deliberate violation in a copy of the tree is caught and named."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the packages, the contracts and their configuration."""
    for folder in ("trivsel", "plugins"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "contracts.py", tmp_path / "tests" / "contracts.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


VIOLATIONS = [
    ("trivsel/core/db.py", "import trivsel.courses.models\n", "The core imports no area"),
    ("trivsel/courses/flow.py", "import flask_babel\n", "The pure rule modules"),
    ("trivsel/corps/matching.py", "import peewee\n", "The pure rule modules"),
    ("plugins/youth_bridge/__init__.py", "import trivsel.core.labels\n", "Partner plugins"),
    ("trivsel/courses/models.py", "import trivsel.courses.steps\n", "No import cycle"),
]


@pytest.mark.parametrize("path, line, contract", VIOLATIONS, ids=[v[2] for v in VIOLATIONS])
def test_a_deliberate_violation_is_caught(tree, path, line, contract):
    target = tree / path
    target.write_text(line + target.read_text())
    result = lint_imports(tree)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout
    # The contract the line breaks is reported broken (an import from the core into an area
    # also closes a cycle, so that one breaks two).
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), broken
