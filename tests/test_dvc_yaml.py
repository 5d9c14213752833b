"""dvc.yaml lists, for each stage, exactly the project modules its script imports, and only its own params."""

import ast
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

DVC = yaml.safe_load((ROOT / "dvc.yaml").read_text())
OWN_PARAMS = {"data": ["data"], "filter": ["preprocess"], "train": ["model", "train"], "convert": ["convert"],
              "report": ["report"]}


def project_imports(module: Path, seen: set[Path] | None = None) -> set[Path]:
    """Every project source file ``module`` imports, directly or through other project modules."""
    seen = seen if seen is not None else {module}
    for node in ast.walk(ast.parse(module.read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            path = ROOT / (name.replace(".", "/") + ".py")
            if name.startswith("stages.") and path.exists() and path not in seen:
                seen.add(path)
                project_imports(path, seen)
    return seen


@pytest.mark.parametrize("stage", OWN_PARAMS)
def test_stage_deps_are_its_script_and_everything_it_imports(stage):
    spec = DVC["stages"][stage]
    listed = {d for d in spec["deps"] if d.endswith(".py")}
    needed = {str(p.relative_to(ROOT)) for p in project_imports(ROOT / "stages" / f"{stage}.py")}
    assert listed == needed, f"missing: {sorted(needed - listed)}, not imported: {sorted(listed - needed)}"
    assert spec["cmd"] == f"python -m stages.{stage}"


@pytest.mark.parametrize("stage", OWN_PARAMS)
def test_stage_lists_only_its_own_params(stage):
    assert DVC["stages"][stage]["params"] == OWN_PARAMS[stage]
