"""The import layers hold: nothing lower imports anything higher, nobody imports a private name.

Every module of the package is parsed (not imported), so a lazy import inside a function
counts like one at the top: the layers are about what a module needs, not when it loads it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import regioatlas

PACKAGE = Path(regioatlas.__file__).parent

#: layer -> the layers (besides itself) it may import; top-level modules are named alone
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "geo": {"model"},
    "sources": {"geo", "model"},
    "store": {"model"},
    "analytics": {"geo", "model"},
    # the library door (analysts) is the API layer's Python face: the handlers share its
    # computations (library/figures.py) and it uses the handlers' parsing; api/jobs.py runs
    # the one ingest (sources → geo → store) for uploads through the API
    "api": {"library", "analytics", "store", "geo", "sources", "model", "plugins", "ingest"},
    "library": {"api", "analytics", "store", "geo", "sources", "model", "plugins"},
    "web": {"api", "analytics", "store", "geo", "sources", "model", "plugins", "features"},
}
#: Known violations being removed, exactly these imports and no more (a new one fails)
KNOWN: set[str] = set()
#: the package root's own modules (settings, plugins, the library door) may be used by every
#: layer above the model; ``__version__`` comes from the package itself
SHARED = {"plugins", "settings", "__init__"}


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "static" not in p.parts)


def _layer(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = ["regioatlas", *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module imported, names taken from it) of every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            out.append((node.lineno, module, [a.name for a in node.names]))
    return out


def _target_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "regioatlas":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def layer_violations(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in _modules(root):
        layer = _layer(path, root)
        if layer not in ALLOWED:
            continue  # cli, ingest, demo, ...: the top, free to use the library
        for line, module, _ in _imports(path, root):
            target = _target_layer(module)
            if target is None or target == layer:
                continue
            if target in ALLOWED[layer] or (target in SHARED and layer != "model"):
                continue
            if f"{path.relative_to(root)} imports {module}" in KNOWN:
                continue
            found.append(f"{path.relative_to(root)}:{line} ({layer}) imports {module}")
    return found


def private_imports(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in _modules(root):
        for line, module, names in _imports(path, root):
            if not module.startswith("regioatlas"):
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    found.append(f"{path.relative_to(root)}:{line} imports {module}.{name}")
    return found


def test_lower_layers_do_not_import_higher_ones():
    assert layer_violations() == []


def test_no_module_imports_another_modules_private_name():
    assert private_imports() == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from regioatlas.api.atlas import Atlas\n", "(geo) imports regioatlas.api.atlas"),
        ("from regioatlas.api.atlas import _jsonable\n", "imports regioatlas.api.atlas._jsonable"),
    ],
)
def test_the_checks_catch_a_violation(tmp_path, source, problem):
    """A module of geo/ importing the API (or a private name) is caught: the checks can fail."""
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "probe.py").write_text(source, encoding="utf-8")
    assert any(problem in v for v in layer_violations(tmp_path) + private_imports(tmp_path))
