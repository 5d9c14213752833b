"""Check an ONNX model against what the installed BrainFlow's ONNX classifier accepts, before deploying it.

BrainFlow runs models with its own bundled onnxruntime, older than the Python package, and its
failures are opaque ("unable to prepare classifier"). The limits checked here are not copied from
documentation: :func:`probe_limits` measures them by loading tiny models into the installed BrainFlow.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from stages.lib.backends import BrainFlowBackend
from stages.lib.errors import ModelError

FLOAT_TYPES = {TensorProto.FLOAT: "float", TensorProto.DOUBLE: "double"}
PROBE_OPSETS = range(7, 22)
PROBE_IR_VERSIONS = range(3, 11)


def probe_model(opset: int, ir_version: int, elem_type: int = TensorProto.FLOAT) -> onnx.ModelProto:
    """A one-op model (Softmax over 4 values, fixed shape [1, 4]) at the given opset and IR version."""
    x = helper.make_tensor_value_info("x", elem_type, [1, 4])
    y = helper.make_tensor_value_info("y", elem_type, [1, 4])
    node = helper.make_node("Softmax", ["x"], ["y"], axis=1)
    graph = helper.make_graph([node], "probe", [x], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=ir_version)


def brainflow_runs(proto: onnx.ModelProto, output_name: str = "y") -> bool:
    """Whether the installed BrainFlow prepares ``proto`` and predicts finite values with it."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "probe.onnx"
        onnx.save(proto, str(path))
        size = int(np.prod([dim.dim_value for dim in proto.graph.input[0].type.tensor_type.shape.dim]))
        try:
            with BrainFlowBackend(path, output_name, size) as backend:
                return bool(np.isfinite(backend.predict(np.linspace(0, 1, size))).all())
        except ModelError:
            return False


@functools.lru_cache(maxsize=1)
def probe_limits() -> dict:
    """Measure the highest opset and IR version, and the input types, the installed BrainFlow runs."""
    def highest(candidates, make) -> int:
        passing = [c for c in candidates if brainflow_runs(make(c))]
        return max(passing) if passing else 0
    max_ir = highest(PROBE_IR_VERSIONS, lambda ir: probe_model(7, ir))
    max_opset = highest(PROBE_OPSETS, lambda op: probe_model(op, min(max_ir, 7)))
    input_types = [name for t, name in FLOAT_TYPES.items() if brainflow_runs(probe_model(7, min(max_ir, 7), t))]
    return {"max_opset": max_opset, "max_ir_version": max_ir, "input_types": input_types}


def default_opset(proto: onnx.ModelProto) -> int:
    """The model's opset of the default ONNX domain (0 if it imports none)."""
    return next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), 0)


def preflight(proto: onnx.ModelProto, output_name: str, limits: dict) -> None:
    """Raise a :class:`ModelError` saying what is wrong, why, and what to change, if BrainFlow cannot run ``proto``."""
    why = "BrainFlow's bundled onnxruntime"
    opset = default_opset(proto)
    if opset > limits["max_opset"]:
        raise ModelError(f"opset {opset} is above {limits['max_opset']}, the highest {why} loads (probed); "
                         f"set convert.opset <= {limits['max_opset']}")
    if proto.ir_version > limits["max_ir_version"]:
        raise ModelError(f"IR version {proto.ir_version} is above {limits['max_ir_version']}, the highest {why} "
                         f"loads (probed); lower convert.opset, which sets the IR version")
    inputs = [i for i in proto.graph.input if i.name not in {t.name for t in proto.graph.initializer}]
    if len(inputs) != 1:
        raise ModelError(f"the model has {len(inputs)} inputs ({', '.join(i.name for i in inputs)}); BrainFlow's "
                         "ONNX classifier feeds exactly one; export a single-input model")
    tensor = inputs[0].type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in tensor.shape.dim]
    if not inputs[0].type.HasField("tensor_type") or any(not isinstance(d, int) or d <= 0 for d in dims):
        raise ModelError(f"input '{inputs[0].name}' has shape {dims} with a dynamic dimension; BrainFlow sizes its "
                         "input from the model and fails at predict time; export a fixed shape with batch 1")
    if FLOAT_TYPES.get(tensor.elem_type) not in limits["input_types"]:
        name = TensorProto.DataType.Name(tensor.elem_type).lower()
        raise ModelError(f"input '{inputs[0].name}' is {name}; BrainFlow feeds only "
                         f"{' or '.join(limits['input_types'])}; set convert.dtype to float32 or float64")
    outputs = proto.graph.output
    for out in outputs:
        if out.type.HasField("sequence_type") or out.type.HasField("map_type"):
            raise ModelError(f"output '{out.name}' is a sequence/map (ZipMap); BrainFlow reads only tensors; "
                             "export with ZipMap disabled (e.g. skl2onnx options {'zipmap': False})")
    names = [o.name for o in outputs]
    if len(names) > 1 and output_name not in names:
        raise ModelError(f"the model has outputs {', '.join(names)} and none is named '{output_name}'; "
                         "set convert.output_name to the one BrainFlow should read")
    out_dims = [d.dim_value if d.HasField("dim_value") else 0 for d in
                next(o for o in outputs if o.name == output_name or len(outputs) == 1).type.tensor_type.shape.dim]
    if any(d <= 0 for d in out_dims):
        raise ModelError(f"output '{output_name}' has a dynamic dimension; BrainFlow would return "
                         "max_array_size values of garbage; export a fixed output shape")
