"""Imports go one way: each module imports only from its own layer or the layers below.

    _typing, _backend < _dtypes < _tensor, _core_ops < _graph, _tree < _arith, numpy, scipy, nn
            < _transforms (and the other private transform modules), tree < testing < funcgrad
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "funcgrad"
LAYERS = {
    "funcgrad._typing": 0,
    "funcgrad._backend": 0,  # which array library holds the data: NumPy alone below it
    "funcgrad._dtypes": 1,
    "funcgrad._tensor": 2,
    "funcgrad._core_ops": 2,  # Tensor's operators are core primitives: one layer
    "funcgrad._graph": 3,
    "funcgrad._tree": 3,
    "funcgrad._arith": 4,
    "funcgrad.numpy": 4,
    "funcgrad.nn": 4,
    "funcgrad.tree": 5,
    "funcgrad.testing": 6,
    "funcgrad": 7,
    "funcgrad.__main__": 7,
}
TRANSFORMS = 5  # every other private module holds transforms

#: The upward imports there are, each with its reason. Tensor answers NumPy's protocols
#: (np.sin(t)) and has ndarray's methods (t.max()); the functions that answer them are
#: funcgrad.numpy's ops, which are built on Tensor, so Tensor imports them when called.
UPWARD = {
    ("funcgrad._tensor", "funcgrad.numpy"),
    ("funcgrad._tensor", "funcgrad.numpy._dispatch"),
}


def layer(module: str) -> int:
    if module in LAYERS:
        return LAYERS[module]
    if module.startswith("funcgrad.numpy."):
        return LAYERS["funcgrad.numpy"]
    if module == "funcgrad.scipy" or module.startswith("funcgrad.scipy."):
        return LAYERS["funcgrad.numpy"]  # beside funcgrad.numpy: ops, built on it and the core
    return TRANSFORMS


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = PACKAGE.parent / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported(tree: ast.AST, package: str) -> set[str]:
    """The funcgrad modules a module imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.add(full if is_module(full) else base)
    return {name for name in names if name == "funcgrad" or name.startswith("funcgrad.")}


def test_imports_only_go_downwards() -> None:
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for target in imported(ast.parse(path.read_text()), package):
            if is_module(target) and layer(target) > layer(name) and (name, target) not in UPWARD:
                violations.append(f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})")
    assert violations == []
