"""The real pipeline through real DVC, git, TensorFlow, tf2onnx, onnxruntime and BrainFlow, on a tiny config."""

import json

import pytest

from conftest import commit_all, run

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
    assert run(["git", "status", "--porcelain"], tiny_copy).stdout.strip() == ""


def test_experiment_changes_show_in_metrics_diff(tiny_copy):
    run(["dvc", "exp", "run", "-S", "train.epochs=2"], tiny_copy)
    params = run(["dvc", "params", "diff", "--md"], tiny_copy).stdout
    assert "train.epochs" in params and "| 1 " in params and "| 2 " in params
    metrics = run(["dvc", "metrics", "diff", "--md"], tiny_copy).stdout
    assert "metrics/train.json" in metrics and "epochs" in metrics
    commit_all(tiny_copy, "two epochs")
