"""SciPy is an optional dependency: without it, importing funcgrad.scipy says how to
install it (checked whether or not SciPy is installed, by hiding it)."""

from __future__ import annotations

import importlib
import sys

import pytest


def test_import_without_scipy_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name in ("funcgrad.scipy", "scipy") or name.startswith(("funcgrad.scipy.", "scipy.")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)  # what a missing package looks like to import
    with pytest.raises(ImportError, match=r"pip install 'funcgrad\[scipy\]'"):
        importlib.import_module("funcgrad.scipy")


def test_funcgrad_imports_without_touching_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "funcgrad" or name.startswith(("funcgrad.", "scipy")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)
    importlib.import_module("funcgrad")
    importlib.import_module("funcgrad.numpy")
