"""The code is formatted and linted with ruff (settings in the root pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

TARGETS = [p for p in ("code", "tests", "benchmarks", "book/_ext", "tools") if (ROOT / p).exists()]
RUFF = str(Path(sys.executable).with_name("ruff"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RUFF, *args, *TARGETS], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check() -> None:
    proc = run("check", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = run("format", "--check", "--no-cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
