"""The parity gate: a model whose ONNX weights drifted from the trained Keras model must fail, naming the pairs."""

import json
import sys

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from conftest import run

pytestmark = pytest.mark.slow
ONNX_ONLY = {"onnxruntime-brainflow", "onnxruntime-onnx_reference", "brainflow-onnx_reference"}
WITH_TF = {"tensorflow-onnxruntime", "tensorflow-brainflow", "tensorflow-onnx_reference"}


def perturb_one_weight(path, delta: float) -> str:
    """Add ``delta`` to the first element of the final layer's bias in the exported ONNX file."""
    model = onnx.load(str(path))
    bias = [t for t in model.graph.initializer if numpy_helper.to_array(t).shape == (6,)][-1]
    values = numpy_helper.to_array(bias).copy()
    values[0] += delta
    bias.CopyFrom(numpy_helper.from_array(values.astype(values.dtype), bias.name))
    onnx.save(model, str(path))
    return bias.name


def test_unchanged_model_passes(tiny_copy):
    proc = run([sys.executable, "-m", "stages.report"], tiny_copy)
    assert "parity gate passed for 6 pairs" in proc.stderr
    assert json.loads((tiny_copy / "metrics/parity.json").read_text())["passed"] is True


def test_changed_weight_fails_the_gate_naming_the_pairs(tiny_copy):
    perturb_one_weight(tiny_copy / "data/model.onnx", delta=0.05)
    proc = run([sys.executable, "-m", "stages.report"], tiny_copy, check=False)
    assert proc.returncode == 2
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("error: report: parity gate failed: ")
    assert "Traceback" not in proc.stderr
    for pair in WITH_TF:
        assert f"{pair} max_abs_diff" in line, line
    for pair in ONNX_ONLY:
        assert pair not in line, line
    parity = json.loads((tiny_copy / "metrics/parity.json").read_text())
    assert parity["passed"] is False
    assert {p for p, s in parity["pairs"].items() if not s["passed"]} == WITH_TF
    assert (tiny_copy / "reports/parity.md").read_text().startswith("# Parity report: FAIL")
    tol = json.loads(json.dumps(parity["pairs"]["tensorflow-onnxruntime"]))
    assert tol["max_abs_diff"] > 1e-4 and np.isfinite(tol["max_abs_diff"])
