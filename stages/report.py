"""Stage ``report``: run the test windows through every backend, compare them, and gate on the tolerances."""

import itertools
import json
from pathlib import Path

from stages.lib.cli import log, quiet_tensorflow, run_stage

quiet_tensorflow()

from stages.lib.atomic import write_json, write_text  # noqa: E402
from stages.lib.config import load_section  # noqa: E402
from stages.lib.errors import ParityError  # noqa: E402
from stages.lib.digest import sha256_array, sha256_file  # noqa: E402
from stages.lib.inference import open_backend, run_windows  # noqa: E402
from stages.lib.parity import ReportConfig, chance_levels, compare, gate_failures, quality  # noqa: E402
from stages.lib.provenance import provenance  # noqa: E402
from stages.lib.render import confusion_rows, diff_histogram, markdown_report  # noqa: E402
from stages.lib.windows import load_windows  # noqa: E402

FILTERED = Path("data/filtered.npz")
KERAS = Path("data/model.keras")
ONNX = Path("data/model.onnx")
MODEL_INFO = Path("metrics/model_onnx.json")
TRAIN_METRICS = Path("metrics/train.json")
PARITY = Path("metrics/parity.json")
LATENCY = Path("metrics/latency.json")
DETAILS = Path("reports/parity_details.json")
REPORT = Path("reports/parity.md")
CONFUSION_DIR = Path("plots/confusion")
HISTOGRAM = Path("plots/parity_diff.png")


def main() -> None:
    cfg = load_section("report", ReportConfig)
    ws = load_windows(FILTERED)
    x, y = ws.part("test")
    event = ws.event[ws.split == "test"]
    info = json.loads(MODEL_INFO.read_text())
    probs, latency = {}, {}
    for name in cfg.backends:
        with open_backend(name, KERAS, ONNX, info) as backend:
            probs[name], latency[name] = run_windows(backend, x, cfg.latency_windows)
        log.info("%-15s p50 %.0f µs  p99 %.0f µs", name, latency[name]["p50_us"], latency[name]["p99_us"])

    tol = cfg.tolerance
    compared = {f"{a}-{b}": compare(probs[a], probs[b], tol, cfg.disagreements_listed)
                for a, b in itertools.combinations(cfg.backends, 2)}
    pairs = {name: c["stats"] for name, c in compared.items()}
    parity = {"test_windows": int(len(y)), "passed": all(s["passed"] for s in pairs.values()),
              "chance": chance_levels(y, len(ws.classes)),
              "backends": {n: quality(p, y, len(ws.classes), event) for n, p in probs.items()}, "pairs": pairs}
    details = {"reference": cfg.backends[0],
               "first_disagreements": {n: c["first_disagreements"] for n, c in compared.items()},
               "provenance": provenance(info, sha256_file(ONNX), sha256_array(x), json.loads(TRAIN_METRICS.read_text()))}

    write_json(PARITY, parity)
    write_json(LATENCY, latency)
    write_json(DETAILS, details)
    for name, p in probs.items():
        write_json(CONFUSION_DIR / f"{name}.json", confusion_rows(y, p, ws.classes))
    diff_histogram(HISTOGRAM, {n: c["per_window_max_abs"] for n, c in compared.items()}, tol.atol)
    write_text(REPORT, markdown_report(parity, details, vars(tol)))
    for name, q in parity["backends"].items():
        log.info("%-15s accuracy %.4f, balanced %.4f, events %d/%d", name, q["accuracy"], q["balanced_accuracy"],
                 round(q["event_accuracy"] * q["events"]), q["events"])
    log.info("chance: balanced accuracy %.4f, majority class %.4f", parity["chance"]["balanced_accuracy"],
             parity["chance"]["majority_accuracy"])

    failures = gate_failures(pairs, tol)
    if failures:
        raise ParityError("parity gate failed: " + "; ".join(failures) + "; see reports/parity.md "
                          "(tolerances are report.tolerance.*)")
    log.info("parity gate passed for %d pairs", len(pairs))


if __name__ == "__main__":
    run_stage("report", main)
