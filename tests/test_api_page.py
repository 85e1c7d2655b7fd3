"""The API reference page (chapters/api.md) documents every public module of lstmkit.

A module a chapter imports but the reference leaves out is a module a reader cannot look up:
every ``lstmkit/*.py`` and ``lstmkit/viz/*.py`` whose name does not start with ``_`` has an
``automodule`` directive, and no directive names a module that does not exist.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def public_modules():
    names = set()
    for folder, prefix in [
        (ROOT / "lstmkit", "lstmkit"),
        (ROOT / "lstmkit" / "viz", "lstmkit.viz"),
    ]:
        for path in folder.glob("*.py"):
            if not path.stem.startswith("_"):
                names.add(f"{prefix}.{path.stem}")
    names.add("lstmkit.viz")  # the package's own docstring
    return names


def documented():
    page = (ROOT / "chapters" / "api.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\.\. automodule:: (\S+)", page, flags=re.M))


def test_every_public_module_is_on_the_api_page():
    missing = sorted(public_modules() - documented())
    assert missing == [], f"modules missing from chapters/api.md: {missing}"


def test_the_api_page_names_only_modules_that_exist():
    assert len(documented()) >= 30
    assert sorted(documented() - public_modules()) == []
