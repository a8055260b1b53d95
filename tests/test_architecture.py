"""The layering the design promises, checked on the source: imports flow one way,
cli -> ui/eval -> rag -> index, and environment variables are read in two modules only: the
library's in index/environment.py, the command line's own (the web app's password) in
cli/environment.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("index", "rag", "eval", "ui", "cli")
# What each package may import of the others.
ALLOWED = {
    "index": set(),
    "rag": {"index"},
    "eval": {"rag", "index"},
    "ui": {"rag", "index"},
    "cli": {"ui", "eval", "rag", "index"},
}


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = _imported_packages(path) - ALLOWED[package] - {package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


READERS = ("os.environ.get", "os.getenv", "environ.get", "getenv")


def _reads_environment(path: Path) -> bool:
    """os.environ.get(...), os.getenv(...) or os.environ[...] read (not assigned)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in READERS:
            return True
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) in ("os.environ", "environ")
        ):
            return True
    return False


def test_environment_variables_are_read_in_two_modules() -> None:
    readers = sorted(
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if _reads_environment(path)
    )
    assert readers == ["cli/environment.py", "index/environment.py"]


def _rag_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name for name in found if name == "rag" or name.startswith("rag.")}


@pytest.mark.parametrize("package", ["eval", "ui", "cli"])
def test_other_stages_use_the_rooms_public_names(package: str) -> None:
    """rag/'s rooms (question/, retrieval/, answer/, ...) are imported as rooms, never a file
    inside one: what a room exports in its __init__ is its public surface."""
    rooms = {p.name for p in (ROOT / "rag").iterdir() if (p / "__init__.py").is_file()}
    for path in sorted((ROOT / package).rglob("*.py")):
        deep = [m for m in _rag_imports(path) if m.count(".") >= 2 and m.split(".")[1] in rooms]
        assert not deep, f"{path.relative_to(ROOT)} imports {deep}: import the room instead"


def test_settings_is_a_leaf() -> None:
    """rag/settings.py imports nothing of the answer stage: every room can read it."""
    assert _rag_imports(ROOT / "rag" / "settings.py") == set()
    tree = ast.parse((ROOT / "rag" / "settings.py").read_text())
    relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert not relative
