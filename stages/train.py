"""Stage ``train``: fit the Keras model on the filtered training windows, seeded and deterministic."""

from pathlib import Path

from stages.lib.cli import log, quiet_tensorflow, run_stage

quiet_tensorflow()

from dvclive import Live  # noqa: E402
from dvclive.keras import DVCLiveCallback  # noqa: E402

from stages.lib.atomic import write_json  # noqa: E402
from stages.lib.config import load_section  # noqa: E402
from stages.lib.models import MODELS, build_model  # noqa: E402
from stages.lib.training import EpochLogger, TrainConfig, fit, make_deterministic, save_model_reproducibly  # noqa: E402
from stages.lib.windows import load_windows  # noqa: E402

FILTERED = Path("data/filtered.npz")
MODEL = Path("data/model.keras")
METRICS = Path("metrics/train.json")
CURVES = Path("plots/train")


def main() -> None:
    model_cfg = load_section("model", MODELS)
    cfg = load_section("train", TrainConfig)
    ws = load_windows(FILTERED)
    samples, channels = ws.x.shape[1:]
    model_cfg.check_input(samples)
    make_deterministic(cfg.seed)
    model = build_model(model_cfg, samples, channels, len(ws.classes), ws.sampling_rate)
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    log.info("%s: %d parameters (%d trainable); %d epochs", model.name, model.count_params(), trainable, cfg.epochs)
    with Live(dir=str(CURVES), save_dvc_exp=False, dvcyaml=None, report=None) as live:
        history = fit(model, cfg, ws.part("train"), ws.part("val"), [DVCLiveCallback(live=live), EpochLogger(log)])
    save_model_reproducibly(model, MODEL)
    last = {name: round(float(values[-1]), 6) for name, values in history.history.items()}
    write_json(METRICS, {"parameters": model.count_params(), "trainable_parameters": trainable,
                         "seed": cfg.seed, "op_determinism": True,
                         "epochs": cfg.epochs, "final": last})
    log.info("val accuracy %.3f after %d epochs", last["val_accuracy"], cfg.epochs)


if __name__ == "__main__":
    run_stage("train", main)
