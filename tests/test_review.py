"""The pull-request comment, generated in a real git repository with two commits of the real pipeline."""

import json
import re
import sys

import pytest

from conftest import run

pytestmark = pytest.mark.slow


def test_comment_shows_changed_params_metrics_deltas_and_verdicts(tiny_two_commits, tmp_path):
    out = tmp_path / "review.md"
    run([sys.executable, "-m", "stages.review", "--base", "HEAD~1", "--out", str(out)], tiny_two_commits)
    text = out.read_text()
    assert text.startswith("## Pipeline review against `HEAD~1`")
    assert "The parity gate passes in this change." in text
    params = text.split("### Params")[1].split("###")[0]
    assert re.search(r"\| params\.yaml\s*\| train\.epochs\s*\| 1\s*\| 2\s*\|", params), params
    metrics = text.split("### Metrics")[1].split("###")[0]
    old = json.loads(run(["git", "show", "HEAD~1:metrics/train.json"], tiny_two_commits).stdout)
    new = json.loads((tiny_two_commits / "metrics/train.json").read_text())
    assert re.search(r"\| metrics/train\.json\s*\| epochs\s*\| 1\s*\| 2\s*\| 1\s*\|", metrics), metrics
    loss_delta = round(new["final"]["loss"] - old["final"]["loss"], 5)
    assert "final.loss" in metrics and f"{loss_delta:.5f}".rstrip("0")[:6] in metrics, (loss_delta, metrics)
    verdicts = text.split("### Parity verdict per backend pair")[1].split("###")[0]
    for pair in ("tensorflow-onnxruntime", "onnxruntime-brainflow", "tensorflow-brainflow"):
        assert re.search(rf"\| {pair} \| pass \(max abs [0-9.e+-]+\) \| pass \(max abs [0-9.e+-]+\) \|", verdicts)
    assert "![parity_diff](plots/parity_diff.png)" in text


def test_unknown_base_ref_is_one_line(tiny_run, tmp_path):
    proc = run([sys.executable, "-m", "stages.review", "--base", "no-such-ref", "--out", str(tmp_path / "r.md")],
               tiny_run, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: review: git ref 'no-such-ref' not found; fetch it or pass --base"
