"""Shared fixtures: the project root, a real git + DVC copy of the project, and a tiny pipeline run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PROJECT_FILES = ["dvc.yaml", "dvc.lock", "params.yaml", "pyproject.toml", "conf", "stages", ".dvc/config",
                 ".dvcignore", ".gitignore"]


def tool_env() -> dict:
    """Environment for subprocesses: this interpreter's bin first, so `dvc` and `python` are the venv's."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def run(cmd: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=tool_env(), capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_project(dest: Path) -> Path:
    """Copy the project's tracked sources (not its data or venv) into ``dest`` as a fresh git repo."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    run(["git", "init", "-q", "-b", "main"], dest)
    run(["git", "config", "user.email", "test@example.invalid"], dest)
    run(["git", "config", "user.name", "test"], dest)
    return dest


def compose(repo: Path, *overrides: str) -> None:
    run([sys.executable, "-m", "stages.compose_params", *overrides], repo)


def commit_all(repo: Path, message: str) -> None:
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", message], repo)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A project copy whose pipeline has run once, with ``+experiment=tiny``, through real DVC."""
    repo = copy_project(tmp_path_factory.mktemp("tiny") / "repo")
    (repo / "dvc.lock").unlink(missing_ok=True)
    compose(repo, "+experiment=tiny")
    commit_all(repo, "tiny configuration")
    run(["dvc", "repro"], repo)
    commit_all(repo, "tiny results")
    return repo


@pytest.fixture
def tiny_copy(tiny_run: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny run's workspace, for tests that change or break its artifacts."""
    dest = tmp_path / "repo"
    shutil.copytree(tiny_run, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def tiny_two_commits(tiny_run: Path, tmp_path_factory) -> Path:
    """The tiny run, then a second commit made by ``dvc exp run -S train.epochs=2``, applied and committed."""
    dest = tmp_path_factory.mktemp("two") / "repo"
    shutil.copytree(tiny_run, dest, symlinks=True)
    run(["dvc", "exp", "run", "-S", "train.epochs=2"], dest)
    commit_all(dest, "two epochs")
    return dest
