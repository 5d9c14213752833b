"""The real pipeline through real DVC, git, TensorFlow, tf2onnx, onnxruntime and BrainFlow, on a tiny config."""

import json
import re

import pytest

from conftest import run

pytestmark = pytest.mark.slow


def test_tiny_pipeline_metrics(tiny_run):
    parity = json.loads((tiny_run / "metrics/parity.json").read_text())
    accuracies = {name: q["accuracy"] for name, q in parity["backends"].items()}
    assert set(accuracies) == {"tensorflow", "onnxruntime", "brainflow", "onnx_reference"}
    assert len({round(a, 3) for a in accuracies.values()}) == 1, accuracies
    for pair in ("tensorflow-onnxruntime", "onnxruntime-brainflow", "tensorflow-brainflow"):
        assert parity["pairs"][pair]["max_abs_diff"] <= 1e-4, (pair, parity["pairs"][pair])
        assert parity["pairs"][pair]["argmax_agreement"] == 1.0
    assert parity["passed"] is True
    train = json.loads((tiny_run / "metrics/train.json").read_text())
    assert (train["parameters"], train["trainable_parameters"]) == (22326, 22046)
    info = json.loads((tiny_run / "metrics/model_onnx.json").read_text())
    assert info["inputs"][0]["shape"] == [1, 150, 4] and info["opset"] == 11
    report = (tiny_run / "reports/parity.md").read_text()
    assert report.startswith("# Parity report: PASS")
    for name in accuracies:
        rows = json.loads((tiny_run / f"plots/confusion/{name}.json").read_text())
        assert len(rows) == parity["test_windows"]


def test_second_repro_runs_nothing(tiny_run):
    proc = run(["dvc", "repro"], tiny_run)
    assert "Data and pipelines are up to date." in proc.stdout + proc.stderr
    assert "Running stage" not in proc.stdout + proc.stderr


def test_forced_rerun_is_byte_identical(tiny_copy):
    lock_before = (tiny_copy / "dvc.lock").read_text()
    run(["dvc", "repro", "--force"], tiny_copy)
    assert (tiny_copy / "dvc.lock").read_text() == lock_before, "a forced rerun changed an output's hash"
    changed = run(["git", "status", "--porcelain"], tiny_copy).stdout.split("\n")
    # Latency is measured afresh on every run; it is the one file meant to change (not a stage output).
    assert [line for line in changed if line.strip() and not line.endswith("metrics/latency.json")] == []


def test_experiment_changes_show_in_params_and_metrics_diff(tiny_two_commits):
    params = run(["dvc", "params", "diff", "HEAD~1", "--md"], tiny_two_commits).stdout
    assert re.search(r"\| params\.yaml\s*\| train\.epochs\s*\| 1\s*\| 2\s*\|", params), params
    metrics = run(["dvc", "metrics", "diff", "HEAD~1", "--md"], tiny_two_commits).stdout
    assert "metrics/train.json" in metrics and "epochs" in metrics, metrics
