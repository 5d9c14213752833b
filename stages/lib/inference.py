"""Run every test window through a backend at batch 1, timing each call."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Iterator

import numpy as np
from tqdm import tqdm

from stages.lib.backends import BrainFlowBackend, OnnxReferenceBackend, OnnxRuntimeBackend, TensorFlowBackend


@contextlib.contextmanager
def open_backend(name: str, keras_path: Path, onnx_path: Path, model_info: dict) -> Iterator:
    """A ready backend by name; BrainFlow's model is released when the block ends."""
    if name == "brainflow":
        size = int(np.prod(model_info["inputs"][0]["shape"]))
        with BrainFlowBackend(onnx_path, model_info["outputs"][0]["name"], size) as backend:
            yield backend
    elif name == "tensorflow":
        yield TensorFlowBackend(keras_path)
    elif name == "onnxruntime":
        yield OnnxRuntimeBackend(onnx_path)
    else:
        yield OnnxReferenceBackend(onnx_path)


def run_windows(backend, x: np.ndarray, timed: int) -> tuple[np.ndarray, dict]:
    """Probabilities (windows, classes) and p50/p99 latency in µs over the first ``timed`` windows."""
    backend.predict(x[0])  # warm-up: compilation and allocation are not deployment latency
    out, times = [], []
    for i, window in enumerate(tqdm(x, desc=backend.name, unit="win", mininterval=1.0, leave=False, disable=None)):
        start = time.perf_counter_ns()
        out.append(backend.predict(window))
        if i < timed:
            times.append((time.perf_counter_ns() - start) / 1e3)
    return np.stack(out), {"p50_us": round(float(np.percentile(times, 50)), 1),
                           "p99_us": round(float(np.percentile(times, 99)), 1)}
