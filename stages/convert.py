"""Stage ``convert``: export the trained Keras model to ONNX and describe its interface."""

from pathlib import Path

from stages.lib.cli import log, quiet_tensorflow, run_stage

quiet_tensorflow()

import keras  # noqa: E402

from stages.lib.atomic import atomic_output, write_json  # noqa: E402
from stages.lib.config import load_section  # noqa: E402
from stages.lib.export import ConvertConfig, describe, export_onnx  # noqa: E402
from stages.lib.preflight import probe_limits  # noqa: E402

MODEL = Path("data/model.keras")
ONNX = Path("data/model.onnx")
INFO = Path("metrics/model_onnx.json")


def main() -> None:
    cfg = load_section("convert", ConvertConfig)
    model = keras.saving.load_model(MODEL)
    limits = probe_limits()
    log.info("BrainFlow's runtime accepts opset <= %d, IR <= %d, %s input (probed)", limits["max_opset"],
             limits["max_ir_version"], " or ".join(limits["input_types"]))
    with atomic_output(ONNX) as tmp:
        proto = export_onnx(model, cfg, tmp, limits)
        info = describe(proto, tmp)
    write_json(INFO, {**info, "brainflow_limits": limits})
    log.info("opset %d, IR %d, input %s, output %s", info["opset"], info["ir_version"], info["inputs"][0],
             info["outputs"][0])


if __name__ == "__main__":
    run_stage("convert", main)
