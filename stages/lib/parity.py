"""Agreement statistics between backends, per-backend quality, and the tolerance gate.

An element fails only when its error exceeds both ``atol`` and ``rtol`` (Polygraphy's rule), so
tiny probabilities with large relative but negligible absolute error do not fail a model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stages.lib.backends import BACKENDS
from stages.lib.config import require


@dataclass(frozen=True)
class ToleranceConfig:
    atol: float = 1e-4
    rtol: float = 1e-3
    min_argmax_agreement: float = 1.0

    def check(self, key: str) -> None:
        require(self.atol >= 0, f"{key}.atol", "must not be negative")
        require(self.rtol >= 0, f"{key}.rtol", "must not be negative")
        require(0 <= self.min_argmax_agreement <= 1, f"{key}.min_argmax_agreement", "must be in [0, 1]")


@dataclass(frozen=True)
class ReportConfig:
    backends: list[str] = field(default_factory=lambda: list(BACKENDS))
    tolerance: ToleranceConfig = field(default_factory=ToleranceConfig)
    disagreements_listed: int = 5
    latency_windows: int = 200

    def check(self, key: str) -> None:
        for i, name in enumerate(self.backends):
            require(name in BACKENDS, f"{key}.backends[{i}]", f"unknown backend '{name}'; use {', '.join(BACKENDS)}")
        require(len(set(self.backends)) == len(self.backends) >= 2, f"{key}.backends",
                "must list at least 2 distinct backends")
        require(self.disagreements_listed >= 0, f"{key}.disagreements_listed", "must not be negative")
        require(self.latency_windows >= 1, f"{key}.latency_windows", "must be at least 1")


NONFINITE = -1


def predicted_classes(probs: np.ndarray) -> np.ndarray:
    """The argmax class per window, or ``NONFINITE`` where the output has NaN/Inf."""
    finite = np.isfinite(probs).all(axis=1)
    return np.where(finite, np.nan_to_num(probs, nan=-1.0).argmax(axis=1), NONFINITE)


def quality(probs: np.ndarray, y: np.ndarray, classes: int, event: np.ndarray | None = None) -> dict:
    """Accuracy, balanced accuracy (mean recall over the classes present), macro-F1, and the count of
    windows with NaN/Inf outputs of one backend; given each window's ``event``, also the accuracy per
    event (trial), deciding each by the mean probability of its windows."""
    scores = _window_quality(probs, y, classes)
    if event is not None:
        ids, first, index = np.unique(event, return_index=True, return_inverse=True)
        mean = np.zeros((len(ids), probs.shape[1]))
        np.add.at(mean, index, probs)
        mean /= np.bincount(index)[:, None]
        scores["events"] = int(len(ids))
        scores["event_accuracy"] = round(float(np.mean(predicted_classes(mean) == y[first])), 6)
    return scores


def _window_quality(probs: np.ndarray, y: np.ndarray, classes: int) -> dict:
    pred = predicted_classes(probs)
    f1s, recalls = [], []
    for k in range(classes):
        tp = np.sum((pred == k) & (y == k))
        denom = np.sum(pred == k) + np.sum(y == k)
        f1s.append(2 * tp / denom if denom else 0.0)
        if np.any(y == k):
            recalls.append(tp / np.sum(y == k))
    return {"accuracy": round(float(np.mean(pred == y)), 6), "balanced_accuracy": round(float(np.mean(recalls)), 6),
            "macro_f1": round(float(np.mean(f1s)), 6), "nonfinite_outputs": int((pred == NONFINITE).sum())}


def chance_levels(y: np.ndarray, classes: int) -> dict:
    """What guessing scores: balanced accuracy 1/K for any guess, accuracy of always the majority class."""
    return {"balanced_accuracy": round(1 / classes, 6),
            "majority_accuracy": round(float(np.bincount(y, minlength=classes).max() / len(y)), 6)}


def compare(ref: np.ndarray, other: np.ndarray, tol: ToleranceConfig, listed: int) -> dict:
    """Error statistics of ``other`` against ``ref`` (both (windows, classes)) and the pair's verdict."""
    abs_err = np.abs(other - ref)
    rel_err = abs_err / np.maximum(np.abs(ref), np.finfo(np.float64).tiny)
    nonfinite = ~np.isfinite(abs_err)
    failing = nonfinite | ((abs_err > tol.atol) & (rel_err > tol.rtol))
    agree = ref.argmax(axis=1) == other.argmax(axis=1)
    stats = {}
    for label, err in (("abs", abs_err), ("rel", rel_err)):
        clean = np.where(nonfinite, np.inf, err)
        stats[f"max_{label}_diff"] = float(clean.max())
        stats[f"mean_{label}_diff"] = float(clean.mean())
        stats[f"p99_{label}_diff"] = float(np.percentile(clean, 99))
    stats.update({
        "argmax_agreement": round(float(agree.mean()), 6),
        "failing_elements": int(failing.sum()),
        "passed": bool(not failing.any() and agree.mean() >= tol.min_argmax_agreement),
    })
    first = np.flatnonzero(~agree)[:listed].tolist()
    return {"stats": stats, "first_disagreements": first, "per_window_max_abs": np.where(nonfinite, np.inf, abs_err).max(axis=1)}


def gate_failures(pairs: dict[str, dict], tol: ToleranceConfig) -> list[str]:
    """One phrase per failing pair naming the statistic, its value and the tolerance."""
    out = []
    for name, stats in pairs.items():
        if stats["passed"]:
            continue
        if stats["failing_elements"]:
            out.append(f"{name} max_abs_diff {stats['max_abs_diff']:.3g} > atol {tol.atol:g} "
                       f"(max_rel_diff {stats['max_rel_diff']:.3g} > rtol {tol.rtol:g}, "
                       f"{stats['failing_elements']} elements)")
        else:
            out.append(f"{name} argmax_agreement {stats['argmax_agreement']:.4f} < "
                       f"min_argmax_agreement {tol.min_argmax_agreement:g}")
    return out
