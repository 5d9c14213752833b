#!/usr/bin/env python3
"""Quickstart on a fresh machine with Python 3.11 and git: set up, then run the pipeline or the tests.

    python3.11 bootstrap.py pipeline   # .venv with pinned dependencies, then `dvc repro` on the default data
    python3.11 bootstrap.py test       # .venv with pinned dependencies, then the test suite (pytest args pass through)

The virtual environment is installed from requirements.lock (every package pinned exactly) and is
reinstalled only when that file changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".requirements.lock.sha256"


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"error: bootstrap: run with Python 3.11 (this is {sys.version.split()[0]}), e.g. python3.11 bootstrap.py")
    python = VENV / "bin" / "python"
    if not python.exists():
        print("bootstrap: creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    want = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != want:
        print("bootstrap: installing pinned dependencies from requirements.lock (about 1.5 GB)", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-input", "-r", str(LOCK)], check=True)
        STAMP.write_text(want)


def venv_env() -> dict:
    env = dict(os.environ, VIRTUAL_ENV=str(VENV), PYTHONNOUSERSITE="1")
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(*cmd: str) -> int:
    return subprocess.run(list(cmd), cwd=ROOT, env=venv_env()).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("pipeline", "test"):
        print(__doc__)
        return 2
    started = time.perf_counter()
    setup()
    installed = time.perf_counter()
    print(f"bootstrap: environment ready in {installed - started:.0f} s", flush=True)
    if argv[0] == "pipeline":
        code = run("dvc", "repro", *argv[1:])
        report = ROOT / "reports" / "parity.md"
        if code == 0 and report.exists():
            print("\n" + report.read_text().split("## Provenance")[0].strip() + "\n\nFull report: reports/parity.md")
    else:
        code = run("python", "-m", "pytest", *argv[1:])
    print(f"bootstrap: {argv[0]} finished in {time.perf_counter() - installed:.0f} s (exit {code})", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
