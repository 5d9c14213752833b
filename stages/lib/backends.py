"""Batch-1 inference backends that a parity report compares, one window (samples, channels) at a time.

Every backend returns the class probabilities of one window as a float64 vector.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import brainflow
import numpy as np
import onnx
import onnxruntime as ort
from brainflow.exit_codes import BrainFlowError
from brainflow.ml_model import BrainFlowClassifiers, BrainFlowMetrics, BrainFlowModelParams, MLModel

from stages.lib.errors import ModelError

BACKENDS = ("tensorflow", "onnxruntime", "brainflow", "onnx_reference")


class TensorFlowBackend:
    """The trained Keras model, called through a compiled batch-1 function."""

    name = "tensorflow"

    def __init__(self, keras_path: Path):
        import keras
        import tensorflow as tf

        self.model = keras.saving.load_model(keras_path)
        _, samples, channels = self.model.input_shape
        spec = tf.TensorSpec((1, samples, channels), tf.float32)
        self._call = tf.function(lambda x: self.model(x, training=False), input_signature=(spec,))

    def predict(self, window: np.ndarray) -> np.ndarray:
        return self._call(window[None].astype(np.float32)).numpy()[0].astype(np.float64)


class OnnxRuntimeBackend:
    """The onnxruntime Python package on the CPU execution provider."""

    name = "onnxruntime"

    def __init__(self, onnx_path: Path):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0]
        self.dtype = np.float64 if self.input.type == "tensor(double)" else np.float32

    def predict(self, window: np.ndarray) -> np.ndarray:
        out = self.session.run(None, {self.input.name: window[None].astype(self.dtype)})[0]
        return np.asarray(out, dtype=np.float64).ravel()


class OnnxReferenceBackend:
    """onnx's pure-NumPy ``ReferenceEvaluator``: an independent arbiter when runtimes disagree."""

    name = "onnx_reference"

    def __init__(self, onnx_path: Path):
        from onnx.reference import ReferenceEvaluator

        proto = onnx.load(str(onnx_path))
        self.evaluator = ReferenceEvaluator(proto)
        self.input_name = proto.graph.input[0].name
        elem = proto.graph.input[0].type.tensor_type.elem_type
        self.dtype = onnx.helper.tensor_dtype_to_np_dtype(elem)

    def predict(self, window: np.ndarray) -> np.ndarray:
        out = self.evaluator.run(None, {self.input_name: window[None].astype(self.dtype)})[0]
        return np.asarray(out, dtype=np.float64).ravel()


class BrainFlowBackend:
    """BrainFlow's ``MLModel`` with USER_DEFINED + ONNX_CLASSIFIER, as deployed.

    Guards BrainFlow's sharp edges: each instance registers a private copy of the model file, so two
    models from one file never collide in BrainFlow's registry; input is always flattened, C-contiguous
    float64 of exactly the model's size; the model is released on every path (use ``with``).
    """

    name = "brainflow"

    def __init__(self, onnx_path: Path, output_name: str, input_size: int):
        self.onnx_path = Path(onnx_path)
        self.output_name = output_name
        self.input_size = input_size
        self._model: MLModel | None = None
        self._scratch: str | None = None

    def __enter__(self) -> "BrainFlowBackend":
        self._scratch = tempfile.mkdtemp(prefix="brainflow-model-")
        private = Path(self._scratch) / self.onnx_path.name
        shutil.copyfile(self.onnx_path, private)
        log_file = Path(self._scratch) / "ml.log"
        params = BrainFlowModelParams(BrainFlowMetrics.USER_DEFINED.value, BrainFlowClassifiers.ONNX_CLASSIFIER.value)
        params.file = str(private)
        params.output_name = self.output_name
        MLModel.set_log_file(str(log_file))
        MLModel.enable_ml_logger()
        model = MLModel(params)
        try:
            model.prepare()
        except BrainFlowError as err:
            reason = _last_error_line(log_file)
            self._cleanup()
            raise ModelError(f"BrainFlow {version('brainflow')} cannot load {self.onnx_path} ({err.exit_code}): "
                             f"{reason or err}; see the convert preflight for what its runtime accepts") from None
        finally:
            MLModel.disable_ml_logger()
        self._model = model
        return self

    def predict(self, window: np.ndarray) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("use BrainFlowBackend as a context manager")
        flat = np.ascontiguousarray(window, dtype=np.float64).ravel()
        if flat.size != self.input_size:
            raise ModelError(f"BrainFlow input has {flat.size} values but the model takes {self.input_size}; "
                             "BrainFlow would silently truncate or read past the end")
        return np.asarray(self._model.predict(flat), dtype=np.float64)

    def __exit__(self, *exc) -> None:
        self._cleanup()

    def _cleanup(self) -> None:
        if self._model is not None:
            self._model.release()
            self._model = None
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None


def _last_error_line(log_file: Path) -> str:
    if not log_file.exists():
        return ""
    lines = [ln.strip() for ln in log_file.read_text(errors="replace").splitlines() if "error" in ln.lower()]
    return lines[-1].split("] ")[-1] if lines else ""


def brainflow_onnxruntime_version() -> str:
    """Version of the onnxruntime bundled inside BrainFlow, asked through its C API (OrtGetApiBase)."""
    lib_dir = Path(brainflow.__file__).parent / "lib"
    candidates = sorted(lib_dir.glob("libonnxruntime*.so")) + sorted(lib_dir.glob("libonnxruntime*.dylib"))
    if not candidates:
        return "unknown"

    class ApiBase(ctypes.Structure):
        _fields_ = [("GetApi", ctypes.c_void_p), ("GetVersionString", ctypes.CFUNCTYPE(ctypes.c_char_p))]

    lib = ctypes.CDLL(os.fspath(candidates[0]))
    lib.OrtGetApiBase.restype = ctypes.POINTER(ApiBase)
    return lib.OrtGetApiBase().contents.GetVersionString().decode()
