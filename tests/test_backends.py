"""Export and the four backends on a real (untrained) CNN; BrainFlow's sharp edges are guarded."""

import re
import shutil

import numpy as np
import onnx
import pytest

from stages.lib.cli import quiet_tensorflow

quiet_tensorflow()

from stages.lib.backends import (BrainFlowBackend, OnnxReferenceBackend, OnnxRuntimeBackend,  # noqa: E402
                                 TensorFlowBackend, brainflow_onnxruntime_version)
from stages.lib.errors import ModelError  # noqa: E402
from stages.lib.export import ConvertConfig, describe, export_onnx  # noqa: E402
from stages.lib.models import CnnConfig, build_model  # noqa: E402
from stages.lib.preflight import probe_limits  # noqa: E402
from stages.lib.training import make_deterministic, save_model_reproducibly  # noqa: E402


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A Keras model and its ONNX exports at float32 and float64 input."""
    d = tmp_path_factory.mktemp("model")
    make_deterministic(0)
    model = build_model(CnnConfig(), 150, 4, 6, 250)
    save_model_reproducibly(model, d / "model.keras")
    paths = {}
    for dtype in ("float32", "float64"):
        paths[dtype] = d / f"{dtype}.onnx"
        proto = export_onnx(model, ConvertConfig(dtype=dtype), paths[dtype], probe_limits())
        paths[dtype + "_info"] = describe(proto, paths[dtype])
    paths["keras"] = d / "model.keras"
    return paths


def windows(n=5):
    return np.random.default_rng(7).standard_normal((n, 150, 4)) * 0.02


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_export_is_fixed_batch_one_with_named_tensors(exported, dtype):
    info = exported[dtype + "_info"]
    assert info["inputs"] == [{"name": "eeg", "shape": [1, 150, 4], "dtype": dtype}]
    assert info["outputs"] == [{"name": "probabilities", "shape": [1, 6], "dtype": "float32"}]
    assert (info["opset"], info["ir_version"]) == (11, 6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_all_four_backends_agree(exported, dtype):
    tf_backend = TensorFlowBackend(exported["keras"])
    ort_backend, ref_backend = OnnxRuntimeBackend(exported[dtype]), OnnxReferenceBackend(exported[dtype])
    with BrainFlowBackend(exported[dtype], "probabilities", 600) as bf_backend:
        for w in windows():
            outs = [b.predict(w) for b in (tf_backend, ort_backend, ref_backend, bf_backend)]
            assert all(o.shape == (6,) and o.dtype == np.float64 for o in outs)
            for o in outs[1:]:
                np.testing.assert_allclose(o, outs[0], atol=1e-5, rtol=0)
            assert abs(outs[0].sum() - 1) < 1e-5


def test_brainflow_refuses_a_wrong_input_size(exported):
    with BrainFlowBackend(exported["float32"], "probabilities", 600) as backend:
        with pytest.raises(ModelError, match="input has 596 values but the model takes 600"):
            backend.predict(np.zeros((149, 4)))
        with pytest.raises(ModelError, match="input has 604 values"):
            backend.predict(np.zeros((151, 4)))


def test_brainflow_strided_float32_input_matches_contiguous(exported):
    w = windows(1)[0]
    with BrainFlowBackend(exported["float32"], "probabilities", 600) as backend:
        strided = np.asfortranarray(w).astype(np.float32)
        np.testing.assert_array_equal(backend.predict(strided), backend.predict(np.ascontiguousarray(w, np.float32)))


def test_two_models_from_one_file_do_not_collide(exported):
    w = windows(1)[0]
    with BrainFlowBackend(exported["float32"], "probabilities", 600) as a, \
            BrainFlowBackend(exported["float32"], "probabilities", 600) as b:
        np.testing.assert_array_equal(a.predict(w), b.predict(w))


def test_model_is_released_when_loading_fails_and_the_next_one_works(exported, tmp_path):
    broken = tmp_path / "broken.onnx"
    proto = onnx.load(str(exported["float32"]))
    proto.opset_import[0].version = 21
    proto.ir_version = 10
    onnx.save(proto, str(broken))
    with pytest.raises(ModelError, match=r"BrainFlow .* cannot load .*broken\.onnx"):
        with BrainFlowBackend(broken, "probabilities", 600):
            pass
    assert not list(tmp_path.glob("brainflow-model-*"))
    with BrainFlowBackend(exported["float32"], "probabilities", 600) as backend:
        assert backend.predict(windows(1)[0]).shape == (6,)


def test_predict_outside_the_context_is_refused(exported):
    backend = BrainFlowBackend(exported["float32"], "probabilities", 600)
    with pytest.raises(RuntimeError, match="context manager"):
        backend.predict(windows(1)[0])


def test_bundled_onnxruntime_version_is_read_from_the_library():
    assert re.fullmatch(r"\d+\.\d+\.\d+", brainflow_onnxruntime_version())
