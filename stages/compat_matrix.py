"""Regenerate docs/compat_matrix.md: which opsets and input dtypes work from Keras to BrainFlow.

    python -m stages.compat_matrix      (after `dvc repro`: it uses the trained model and test windows)

For opsets 9-18 and float32/float64 input it records four answers, each measured here and now:
does tf2onnx convert, does onnxruntime load, does BrainFlow load, and does parity hold against
TensorFlow on the test windows under the report's tolerances. Not a pipeline stage.
"""

from __future__ import annotations

import itertools
import tempfile
from importlib.metadata import version
from pathlib import Path

from stages.lib.cli import log, quiet_tensorflow, run_stage

quiet_tensorflow()

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

from stages.lib.atomic import write_text  # noqa: E402
from stages.lib.backends import BrainFlowBackend, OnnxRuntimeBackend, TensorFlowBackend  # noqa: E402
from stages.lib.backends import brainflow_onnxruntime_version  # noqa: E402
from stages.lib.config import load_section  # noqa: E402
from stages.lib.errors import UserError  # noqa: E402
from stages.lib.export import ConvertConfig, export_onnx  # noqa: E402
from stages.lib.inference import run_windows  # noqa: E402
from stages.lib.parity import ReportConfig, compare  # noqa: E402
from stages.lib.windows import load_windows  # noqa: E402

OPSETS = range(9, 19)
DTYPES = ("float32", "float64")
WINDOWS = 64
OUT = Path("docs/compat_matrix.md")


def measure(tf_backend: TensorFlowBackend, x: np.ndarray, expected: np.ndarray, opset: int, dtype: str,
            report: ReportConfig, scratch: Path) -> dict:
    """The four answers for one (opset, dtype); later steps are skipped ("–") once one fails."""
    row = {"convert": "no", "onnxruntime": "–", "brainflow": "–", "parity": "–"}
    path = scratch / f"model_{opset}_{dtype}.onnx"
    cfg = ConvertConfig(opset=opset, dtype=dtype)
    try:
        export_onnx(tf_backend.model, cfg, path, limits=None)
    except UserError:
        return row
    row["convert"] = "yes"
    try:
        ort_backend = OnnxRuntimeBackend(path)
        row["onnxruntime"] = "yes"
    except Exception:  # onnxruntime raises its own exception types for unloadable models
        row["onnxruntime"] = "no"
        return row
    ort_out, _ = run_windows(ort_backend, x, timed=1)
    try:
        with BrainFlowBackend(path, cfg.output_name, x[0].size) as bf:
            bf_out, _ = run_windows(bf, x, timed=1)
        row["brainflow"] = "yes"
    except UserError:
        row["brainflow"] = "no"
        return row
    ok = all(compare(expected, out, report.tolerance, 0)["stats"]["passed"] for out in (ort_out, bf_out))
    row["parity"] = "yes" if ok else "no"
    return row


def main() -> None:
    report = load_section("report", ReportConfig)
    x, _ = load_windows(Path("data/filtered.npz")).part("test")
    x = x[:WINDOWS]
    tf_backend = TensorFlowBackend(Path("data/model.keras"))
    expected, _ = run_windows(tf_backend, x, timed=1)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for opset, dtype in itertools.product(OPSETS, DTYPES):
            rows.append((opset, dtype, measure(tf_backend, x, expected, opset, dtype, report, Path(scratch))))
            log.info("opset %d %s: %s", opset, dtype, rows[-1][2])
    lines = [
        "# Keras → ONNX → BrainFlow compatibility matrix", "",
        f"Regenerate with `python -m stages.compat_matrix` after `dvc repro`. Measured with tf2onnx "
        f"{version('tf2onnx')}, onnxruntime {ort.__version__}, BrainFlow {version('brainflow')} (bundled "
        f"onnxruntime {brainflow_onnxruntime_version()}), on the pipeline's trained model and {len(x)} test "
        f"windows; parity means TensorFlow vs onnxruntime and vs BrainFlow within the report tolerances "
        f"(atol {report.tolerance.atol:g}, rtol {report.tolerance.rtol:g}).", "",
        "| opset | input dtype | tf2onnx converts | onnxruntime loads | BrainFlow loads | parity holds |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {o} | {d} | {r['convert']} | {r['onnxruntime']} | {r['brainflow']} | {r['parity']} |"
              for o, d, r in rows]
    write_text(OUT, "\n".join(lines) + "\n")
    log.info("wrote %s", OUT)


if __name__ == "__main__":
    run_stage("compat_matrix", main)
