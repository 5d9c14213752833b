"""Keras -> ONNX export with tf2onnx, with a fixed batch-1 input as BrainFlow's ONNX classifier needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keras
import onnx
import tensorflow as tf
import tf2onnx

from stages.lib.config import require
from stages.lib.digest import sha256_file
from stages.lib.errors import ModelError
from stages.lib.preflight import default_opset, preflight

TF2ONNX_MAX_OPSET = 18  # tf2onnx 1.17 refuses opset 19+ ("not supported yet")
DTYPES = {"float32": tf.float32, "float64": tf.float64}


@dataclass(frozen=True)
class ConvertConfig:
    opset: int = 11
    dtype: Literal["float32", "float64"] = "float32"
    input_name: str = "eeg"
    output_name: str = "probabilities"

    def check(self, key: str) -> None:
        require(7 <= self.opset <= TF2ONNX_MAX_OPSET, f"{key}.opset",
                f"tf2onnx {tf2onnx.__version__} exports opsets 7..{TF2ONNX_MAX_OPSET}, got {self.opset}")
        for name in ("input_name", "output_name"):
            require(getattr(self, name).isidentifier(), f"{key}.{name}", "must be a plain identifier")


def export_onnx(model: keras.Model, cfg: ConvertConfig, path: Path, limits: dict | None) -> onnx.ModelProto:
    """Export ``model`` to ``path`` with input ``(1, samples, channels)`` of ``cfg.dtype``.

    A float64 model casts its input to float32 as its first op, so the same trained weights serve
    both; BrainFlow feeds double natively. The model is checked by ``onnx.checker`` and against the
    BrainFlow runtime ``limits`` (see :mod:`stages.lib.preflight`) before it is written; ``None``
    skips that check, for measuring what happens beyond the limits.
    """
    _, samples, channels = model.input_shape
    spec = (tf.TensorSpec((1, samples, channels), DTYPES[cfg.dtype], name=cfg.input_name),)

    @tf.function(input_signature=spec)
    def serve(x):
        return {cfg.output_name: model(tf.cast(x, tf.float32), training=False)}

    try:
        proto, _ = tf2onnx.convert.from_function(serve, input_signature=spec, opset=cfg.opset)
        proto = canonical_names(proto)
        onnx.checker.check_model(proto, full_check=True)
    except Exception as err:  # tf2onnx/onnx raise many types; the user needs the one line
        raise ModelError(f"tf2onnx could not export the model at opset {cfg.opset}: "
                         f"{str(err).splitlines()[0]}; try another convert.opset") from None
    if limits is not None:
        preflight(proto, cfg.output_name, limits)
    onnx.save(proto, str(path))
    return proto


def canonical_names(proto: onnx.ModelProto) -> onnx.ModelProto:
    """Rename tf2onnx's generated initializers (``name__N``) by order of first use, and sort them so.

    tf2onnx numbers the constants it folds in an order that changes from run to run; without this,
    identical weights would give a different file, and a different DVC hash, on every export.
    """
    generated = re.compile(r"__\d+$")
    inits = {t.name: t for t in proto.graph.initializer}
    order = list(dict.fromkeys(i for node in proto.graph.node for i in node.input if i in inits))
    order += [n for n in inits if n not in order]
    renamed = {old: f"{generated.sub('', old)}__c{k}" if generated.search(old) else old
               for k, old in enumerate(order)}
    for node in proto.graph.node:
        node.input[:] = [renamed.get(i, i) for i in node.input]
    tensors = [inits[old] for old in order]
    for t in tensors:
        t.name = renamed[t.name]
    del proto.graph.initializer[:]
    proto.graph.initializer.extend(tensors)
    return proto


def describe(proto: onnx.ModelProto, path: Path) -> dict:
    """Input/output names, shapes and types, opset and IR version of an ONNX model, and its SHA-256."""
    def tensor(v: onnx.ValueInfoProto) -> dict:
        t = v.type.tensor_type
        return {"name": v.name, "shape": [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim],
                "dtype": onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name}
    opset = default_opset(proto)
    return {"inputs": [tensor(v) for v in proto.graph.input], "outputs": [tensor(v) for v in proto.graph.output],
            "opset": opset, "ir_version": proto.ir_version, "producer": f"{proto.producer_name} {proto.producer_version}",
            "sha256": sha256_file(path)}
