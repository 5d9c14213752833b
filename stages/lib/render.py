"""Human-facing outputs of the report: DVC confusion-plot data, a parity histogram and a Markdown report."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stages.lib.atomic import atomic_output  # noqa: E402
from stages.lib.parity import NONFINITE, predicted_classes  # noqa: E402


def confusion_rows(y: np.ndarray, probs: np.ndarray, classes: list[str]) -> list[dict]:
    """Rows for DVC's ``confusion`` template: one {actual, predicted} per window ("nonfinite" for NaN/Inf)."""
    pred = predicted_classes(probs)
    return [{"actual": classes[a], "predicted": classes[p] if p != NONFINITE else "nonfinite"}
            for a, p in zip(y.tolist(), pred.tolist())]


def diff_histogram(path: Path, per_window: dict[str, np.ndarray], atol: float) -> None:
    """Histogram of per-window max |difference| for each pair, on a log scale, with ``atol`` marked."""
    fig, axes = plt.subplots(len(per_window), 1, figsize=(7, 1.8 * len(per_window) + 0.6), sharex=True, squeeze=False)
    floor = 1e-12
    bins = np.logspace(-12, 0, 49)
    for ax, (pair, values) in zip(axes[:, 0], per_window.items()):
        ax.hist(np.clip(np.nan_to_num(values, posinf=1.0), floor, 1.0), bins=bins, color="#4c72b0")
        ax.axvline(atol, color="#c44e52", linestyle="--", label=f"atol {atol:g}")
        ax.set_xscale("log")
        ax.set_ylabel("windows")
        ax.set_title(pair, fontsize=9, loc="left")
        ax.legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xlabel(f"max |probability difference| per window (values below {floor:g} shown at {floor:g})")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    with atomic_output(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


def markdown_report(parity: dict, details: dict, tolerance: dict) -> str:
    """The reviewer's summary: verdict, per-backend quality, per-pair errors, provenance."""
    verdict = "PASS" if parity["passed"] else "FAIL"
    lines = [f"# Parity report: {verdict}", "",
             f"{parity['test_windows']} held-out test windows, batch 1, each run through every backend. "
             f"Reference for relative errors: `{details['reference']}`. An element fails only when it exceeds "
             f"both atol {tolerance['atol']:g} and rtol {tolerance['rtol']:g}; argmax agreement must be at least "
             f"{tolerance['min_argmax_agreement']:g}.", "",
             "## Backends", "", "| backend | accuracy | balanced accuracy | macro-F1 | event accuracy (events) "
             "| NaN/Inf outputs |", "|---|---|---|---|---|---|"]
    for name, q in parity["backends"].items():
        lines.append(f"| {name} | {q['accuracy']:.4f} | {q['balanced_accuracy']:.4f} | {q['macro_f1']:.4f} | "
                     f"{q['event_accuracy']:.4f} ({q['events']}) | {q['nonfinite_outputs']} |")
    chance = parity["chance"]
    lines += ["", f"Chance: balanced accuracy {chance['balanced_accuracy']:.4f} (any guess); accuracy "
                  f"{chance['majority_accuracy']:.4f} (always the most frequent test class). Event accuracy "
                  "decides each event (trial) by the mean probability of its windows."]
    lines += ["", "## Pairs", "",
              "| pair | verdict | max abs | mean abs | p99 abs | max rel | mean rel | p99 rel | argmax agreement "
              "| first disagreeing windows |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in parity["pairs"].items():
        first = ", ".join(map(str, details["first_disagreements"][name])) or "none"
        lines.append(f"| {name} | {'pass' if s['passed'] else 'FAIL'} | {s['max_abs_diff']:.2e} | "
                     f"{s['mean_abs_diff']:.2e} | {s['p99_abs_diff']:.2e} | {s['max_rel_diff']:.2e} | "
                     f"{s['mean_rel_diff']:.2e} | {s['p99_rel_diff']:.2e} | {s['argmax_agreement']:.4f} | {first} |")
    lines += ["", "Latency per window (batch 1, as deployed) is in `metrics/latency.json`; it varies run to run, "
              "so it is kept out of this file.", "", "## Provenance", "", "| item | value |", "|---|---|"]
    for key, value in details["provenance"].items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"| {key} | {value} |")
    lines += ["", "Plots: `plots/confusion/<backend>.json` (DVC confusion matrices), `plots/parity_diff.png` "
              "(per-window max abs difference per pair), `plots/train/` (training curves); "
              "render them with `dvc plots show`.", ""]
    return "\n".join(lines)
