"""Static checks run with the test suite: ruff's lint rules and mypy in strict mode.

Both are in the ``test`` extra, so ``make test`` (and CI) always run them; their settings
are in ``pyproject.toml`` (``[tool.ruff]``, ``[tool.mypy]``). ``make lint`` runs the same
two commands on their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
                          env={"PATH": "/usr/bin:/bin", "MYPY_CACHE_DIR": str(cache / "mypy"),
                               "RUFF_CACHE_DIR": str(cache / "ruff"), "HOME": str(cache)})


def test_ruff_finds_nothing(tmp_path: Path) -> None:
    done = _run("ruff", "check", "audit", "tests", "benchmarks", "scripts", cache=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # ... over the whole package, with the project's settings.
    listed = _run("ruff", "check", "--show-files", "audit", cache=tmp_path)
    assert listed.stdout.count(".py") >= len(list((ROOT / "audit").rglob("*.py")))


def test_mypy_strict_finds_nothing(tmp_path: Path) -> None:
    done = _run("mypy", cache=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # ... over every module of the package (pyproject's [tool.mypy] files), in strict mode.
    checked = int(done.stdout.rsplit(" in ", 1)[1].split()[0])
    assert checked == len(list((ROOT / "audit").rglob("*.py")))


def test_the_static_checks_do_catch_errors(tmp_path: Path) -> None:
    """The two commands above fail on a faulty file: they are not passing because they check nothing."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x: int) -> str:\n    return x\n", encoding="utf-8")
    lint = _run("ruff", "check", "--isolated", str(bad), cache=tmp_path)
    assert lint.returncode == 1 and "F401" in lint.stdout, lint.stdout + lint.stderr
    types = _run("mypy", "--strict", str(bad), cache=tmp_path)
    assert types.returncode == 1 and "Incompatible return value type" in types.stdout, types.stdout + types.stderr
