"""Hatch build hook for the wheel (see [tool.hatch.build.targets.wheel] in pyproject.toml).

A wheel: compile trivsel/translations/**/*.po into .mo files (git ignores them) and add them.
An editable install: copy nothing into site-packages (the app finds templates/ and plugins/ in
the checkout), but add a `trivsel_partners` whose path is the checkout's plugins/, so the
partners' entry points resolve to the live code.
"""

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TRANSLATIONS = Path("trivsel") / "translations"


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        self._temporary = tempfile.TemporaryDirectory(prefix="trivsel-build-")
        out = Path(self._temporary.name)
        root = Path(self.root)
        if version == "editable":
            shim = out / "__init__.py"
            shim.write_text(
                '"""Trivsel\'s built-in partner plugins, from the checkout (editable install)."""\n'
                f"\n__path__ = [{str(root / 'plugins')!r}]\n"
            )
            build_data["force_include_editable"][str(shim)] = "trivsel_partners/__init__.py"
            return
        for source, target in compile_catalogs(root / TRANSLATIONS, out):
            build_data["force_include"][str(source)] = str(TRANSLATIONS / target)

    def finalize(self, version, build_data, artifact_path):
        if getattr(self, "_temporary", None) is not None:
            self._temporary.cleanup()
            self._temporary = None


def compile_catalogs(directory, out):
    """Compile each <locale>/LC_MESSAGES/<domain>.po below `directory` into `out`, as
    `pybabel compile -d` does (a catalog marked fuzzy is skipped); yield (mo file, its path
    relative to `directory`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        relative = po.relative_to(directory).with_suffix(".mo")
        locale = relative.parts[0]
        with po.open("rb") as infile:
            catalog = read_po(infile, locale=locale)
        if catalog.fuzzy:
            continue
        errors = [(message.id, error) for message, found in catalog.check() for error in found]
        if errors:
            raise RuntimeError(f"{po}: {errors[:5]}")
        mo = out / relative
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as outfile:
            write_mo(outfile, catalog)
        yield mo, relative
