"""Installed the README's way (``pip install -e .``), funcgrad is seen by static tools.

A user's own script, in a folder outside the repository, type-checks under
``mypy --strict`` and pyright's strict mode against a fresh editable install, and the
inferred types are the ones ``typings/`` pins. setuptools' import-hook editable install
failed this (the package was invisible to both); hatchling's ``.pth`` path entry passes.

No download: the temporary venv installs funcgrad alone (``--no-deps``,
``--no-build-isolation``, hatchling comes from the test extra) and borrows the test
venv's other packages through a folder of links, which leaves out the test venv's own
funcgrad so that only the new install can be what the tools find.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import funcgrad

ROOT = Path(__file__).resolve().parents[1]

USER_SCRIPT = '''\
# pyright: strict
from typing import assert_type

import attrs
import numpy as np

import funcgrad
from funcgrad import Tensor, grad, value_and_grad
from funcgrad.optim import adam


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def loss(p: Params, x: Tensor) -> Tensor:
    return ((x @ p.w + p.b) ** 2).mean()


x = Tensor(np.ones((4, 3)))
params = Params(Tensor(np.zeros(3)), Tensor(np.zeros(())))
g = grad(loss, argnums=0)(params, x)
assert_type(g, Params)
value, _ = value_and_grad(loss, argnums=0)(params, x)
opt = adam(1e-2)
state = opt.init(params)
params, state = opt.update(g, state, params)
assert_type(params, Params)
assert_type(funcgrad.__version__, str)
print("ok", float(value))
'''


def _link_dependencies(target: Path) -> Path:
    """A folder of links to the test venv's packages, without funcgrad or any .pth file."""
    deps = target / "deps"
    deps.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("funcgrad", "_editable_impl_funcgrad", "__editable__")) or name.endswith(".pth"):
            continue
        (deps / entry.name).symlink_to(entry)
    return deps


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "MYPYPATH")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=180, env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """``(python of a fresh venv with funcgrad installed editable, a user folder, what
    the venv's Python found for funcgrad before the install)``."""
    base = tmp_path_factory.mktemp("install")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base)
    (Path(purelib.stdout.strip()) / "deps.pth").write_text(str(_link_dependencies(base)) + "\n")
    user = base / "user"
    user.mkdir()
    (user / "train.py").write_text(USER_SCRIPT)
    before = _run([str(python), "-c", "import importlib.util as u; print(u.find_spec('funcgrad'))"], user)
    result = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-build-isolation", "--no-index", "-e", str(ROOT)],
        base,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return python, user, before.stdout


def test_before_the_install_the_temporary_venv_has_no_funcgrad(installed: tuple[Path, Path, str]) -> None:
    # The borrowed packages do not leak the test venv's own funcgrad: only the install can.
    assert installed[2].strip() == "None", installed[2]


def test_editable_install_is_a_plain_path_entry_not_an_import_hook(installed: tuple[Path, Path, str]) -> None:
    python, _, _ = installed
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        python.parent).stdout.strip())
    pth = [path for path in purelib.glob("*.pth") if "funcgrad" in path.name]
    assert pth, sorted(path.name for path in purelib.iterdir())
    lines = [line for path in pth for line in path.read_text().splitlines() if line.strip()]
    assert lines == [str(ROOT)], lines


def test_the_user_script_runs_against_the_install(installed: tuple[Path, Path, str]) -> None:
    python, user, _ = installed
    result = _run([str(python), "-c", "import funcgrad; print(funcgrad.__file__)"], user)
    assert result.stdout.strip() == str(ROOT / "funcgrad" / "__init__.py"), result.stderr
    result = _run([str(python), "train.py"], user)
    assert result.returncode == 0 and result.stdout.startswith("ok"), result.stdout + result.stderr


def test_mypy_strict_sees_the_install_from_a_user_folder(installed: tuple[Path, Path, str]) -> None:
    python, user, _ = installed
    result = _run([str(python), "-m", "mypy", "--strict", "--no-incremental", "train.py"], user)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_pyright_strict_sees_the_install_from_a_user_folder(installed: tuple[Path, Path, str]) -> None:
    pytest.importorskip("pyright", reason="pyright is in the test extra")
    if shutil.which("node") is None and not os.environ.get("CI"):
        # The PyPI package bundles pyright and runs it on the machine's node; without
        # one it would download a node runtime, which an offline machine cannot.
        pytest.skip("pyright needs node on PATH (apt-get install nodejs)")
    python, user, _ = installed
    result = _run([sys.executable, "-m", "pyright", "--pythonpath", str(python), "train.py"], user)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_version_is_single_sourced_in_the_metadata() -> None:
    assert funcgrad.__version__ == importlib.metadata.version("funcgrad")
    assert "dynamic" in (ROOT / "pyproject.toml").read_text()


def test_the_wheel_ships_py_typed_and_the_version(tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                   "-w", str(tmp_path), str(ROOT)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    import zipfile

    (wheel,) = tmp_path.glob("funcgrad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "funcgrad/py.typed" in names and "funcgrad/optim.py" in names
    assert wheel.name.startswith(f"funcgrad-{funcgrad.__version__}-")
