"""The layering the design promises, checked on the source: imports flow one way,
cli -> ui/eval -> rag -> index -> modelhome, and environment variables are read in two modules
only: the library's in modelhome/environment.py, the command line's own (the web app's
password) in cli/environment.py. Every model is constructed in the model home, and modules and
functions stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("modelhome", "index", "rag", "eval", "ui", "cli")
# What each package may import of the others. The model home is the ground floor.
ALLOWED = {
    "modelhome": set(),
    "index": {"modelhome"},
    "rag": {"index", "modelhome"},
    "eval": {"rag", "index", "modelhome"},
    "ui": {"rag", "index", "modelhome"},
    "cli": {"ui", "eval", "rag", "index", "modelhome"},
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
    assert readers == ["cli/environment.py", "modelhome/environment.py"]


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


# The constructors of models, and the one module that may call them.
CONSTRUCTORS = (
    "Llama",
    "CrossEncoder",
    "InferenceSession",
    "SentenceTransformer",
    "LanguageIdentifier.from_model_file",
    "AutoTokenizer.from_pretrained",
    "AutoModel.from_pretrained",
    "AutoModelForSequenceClassification.from_pretrained",
    "Tokenizer.from_file",
)
MODEL_HOME = "modelhome/loading.py"


def _product_files() -> list[Path]:
    return [p for d in (*PACKAGES, "benchmarks") for p in sorted((ROOT / d).rglob("*.py"))]


def _constructed(path: Path) -> set[str]:
    """The model constructors `path` calls: `ort.InferenceSession(...)` is InferenceSession,
    `AutoModel.from_pretrained(...)` keeps its class."""
    called = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            parts = ast.unparse(node.func).split(".")
            called.add(".".join(parts[-2:]) if parts[-1].startswith("from_") else parts[-1])
    return called & set(CONSTRUCTORS)


def test_every_model_is_constructed_in_the_model_home() -> None:
    makers: dict[str, list[str]] = {}
    for path in _product_files():
        for name in _constructed(path):
            makers.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert makers == {name: [MODEL_HOME] for name in CONSTRUCTORS}


def test_index_has_few_modules_at_its_top() -> None:
    top = [
        p for p in (ROOT / "index").iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()
    ]
    assert len(top) <= 12, sorted(p.name for p in top)


MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


@pytest.mark.parametrize("package", PACKAGES)
def test_functions_and_modules_are_small(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        source = path.read_text()
        where = path.relative_to(ROOT)
        assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{where} is over {MAX_MODULE_LINES}"
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                assert lines <= MAX_FUNCTION_LINES, f"{where}:{node.lineno} {node.name}: {lines}"


def _modules_imported(tree: ast.Module) -> set[str]:
    """Names bound to modules by `import a.b as c` / `import a` (not names from a module)."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return bound


def test_no_module_uses_another_modules_private_names() -> None:
    """`from x import _y` and `module._y`: a leading underscore means "this module's own",
    and a benchmark that needs one needs a public name instead."""
    for path in _product_files():
        tree = ast.parse(path.read_text(), str(path))
        modules = _modules_imported(tree)
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if _private(a.name)]
                assert not private, f"{where} imports {private} from {node.module}"
            elif (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                raise AssertionError(f"{where}:{node.lineno} uses {node.value.id}.{node.attr}")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")
