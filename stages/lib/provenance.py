"""What a parity result depends on: library versions, runtimes, model format, hashes and determinism switches."""

from __future__ import annotations

import os
from importlib.metadata import version

from stages.lib.backends import brainflow_onnxruntime_version

PACKAGES = ("tensorflow-cpu", "keras", "tf2onnx", "onnx", "onnxruntime", "brainflow", "numpy")


def provenance(model_info: dict, onnx_sha256: str, test_inputs_sha256: str, train_info: dict) -> dict:
    return {
        "versions": {name: version(name) for name in PACKAGES},
        "brainflow_bundled_onnxruntime": brainflow_onnxruntime_version(),
        "onnx_opset": model_info["opset"],
        "onnx_ir_version": model_info["ir_version"],
        "onnx_sha256": onnx_sha256,
        "test_inputs_sha256": test_inputs_sha256,
        "seed": train_info.get("seed"),
        "tf_op_determinism": train_info.get("op_determinism"),
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(unset)"),
    }
