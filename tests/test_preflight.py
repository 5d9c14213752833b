"""Preflight: every reason BrainFlow cannot run a model is caught before deployment, with the fix named."""

import sys

import onnx
import pytest
import yaml
from onnx import TensorProto, helper

from conftest import run
from stages.lib.errors import ModelError
from stages.lib.preflight import brainflow_runs, preflight, probe_limits, probe_model


@pytest.fixture(scope="module")
def limits():
    return probe_limits()


def model_with(inputs, outputs, opset=11, ir_version=6):
    nodes = [helper.make_node("Identity", [inputs[0].name], [o.name]) for o in outputs]
    graph = helper.make_graph(nodes, "m", inputs, outputs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=ir_version)


def tensor(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def test_probed_limits_are_the_edge_of_what_brainflow_runs(limits):
    ir = min(limits["max_ir_version"], 7)
    assert brainflow_runs(probe_model(limits["max_opset"], ir))
    assert not brainflow_runs(probe_model(limits["max_opset"] + 1, ir))
    assert brainflow_runs(probe_model(7, limits["max_ir_version"]))
    assert not brainflow_runs(probe_model(7, limits["max_ir_version"] + 1))
    assert set(limits["input_types"]) == {"float", "double"}


def test_a_model_brainflow_runs_passes(limits):
    proto = model_with([tensor("x", [1, 4])], [tensor("y", [1, 4])])
    preflight(proto, "y", limits)
    assert brainflow_runs(proto)


def test_opset_above_the_runtime(limits):
    proto = model_with([tensor("x", [1, 4])], [tensor("y", [1, 4])], opset=limits["max_opset"] + 1)
    with pytest.raises(ModelError, match=rf"opset {limits['max_opset'] + 1} is above {limits['max_opset']}, .*"
                                         rf"set convert.opset <= {limits['max_opset']}"):
        preflight(proto, "y", limits)
    assert not brainflow_runs(proto)


def test_ir_version_above_the_runtime(limits):
    proto = model_with([tensor("x", [1, 4])], [tensor("y", [1, 4])], ir_version=limits["max_ir_version"] + 1)
    with pytest.raises(ModelError, match=rf"IR version {limits['max_ir_version'] + 1} is above .*lower convert.opset"):
        preflight(proto, "y", limits)
    assert not brainflow_runs(proto)


def test_more_than_one_input(limits):
    proto = model_with([tensor("a", [1, 4]), tensor("b", [1, 4])], [tensor("y", [1, 4])])
    with pytest.raises(ModelError, match=r"the model has 2 inputs \(a, b\); BrainFlow's ONNX classifier feeds exactly one"):
        preflight(proto, "y", limits)


def test_dynamic_dimension(limits):
    proto = model_with([tensor("x", ["batch", 4])], [tensor("y", ["batch", 4])])
    with pytest.raises(ModelError, match=r"input 'x' has shape \['batch', 4\] with a dynamic dimension"):
        preflight(proto, "y", limits)


def test_input_neither_float_nor_double(limits):
    proto = model_with([tensor("x", [1, 4], TensorProto.INT32)], [tensor("y", [1, 4], TensorProto.INT32)])
    with pytest.raises(ModelError, match=r"input 'x' is int32; BrainFlow feeds only float or double; set convert.dtype"):
        preflight(proto, "y", limits)


def test_zipmap_output(limits):
    zipmap = helper.make_sequence_type_proto(
        helper.make_map_type_proto(TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [])))
    proto = model_with([tensor("x", [1, 4])], [helper.make_value_info("output_probability", zipmap)])
    with pytest.raises(ModelError, match=r"output 'output_probability' is a sequence/map \(ZipMap\).*ZipMap disabled"):
        preflight(proto, "output_probability", limits)


def test_several_outputs_none_chosen(limits):
    proto = model_with([tensor("x", [1, 4])], [tensor("label", [1, 4]), tensor("scores", [1, 4])])
    with pytest.raises(ModelError, match=r"outputs label, scores and none is named 'probabilities'; set convert.output_name"):
        preflight(proto, "probabilities", limits)
    preflight(proto, "scores", limits)


@pytest.mark.slow
def test_convert_stage_refuses_an_opset_brainflow_cannot_load(tiny_copy, limits):
    params = yaml.safe_load((tiny_copy / "params.yaml").read_text())
    params["convert"]["opset"] = limits["max_opset"] + 1
    (tiny_copy / "params.yaml").write_text(yaml.safe_dump(params))
    before = (tiny_copy / "data/model.onnx").read_bytes()
    proc = run([sys.executable, "-m", "stages.convert"], tiny_copy, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"error: convert: opset {limits['max_opset'] + 1} is above {limits['max_opset']}, the highest BrainFlow's "
        f"bundled onnxruntime loads (probed); set convert.opset <= {limits['max_opset']}")
    assert (tiny_copy / "data/model.onnx").read_bytes() == before
    assert not list((tiny_copy / "data").glob(".*tmp"))
    assert onnx.load(str(tiny_copy / "data/model.onnx")).opset_import[0].version == 11
