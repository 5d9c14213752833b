"""Parity statistics, Polygraphy's atol-and-rtol rule, and the gate's message."""

import numpy as np

from stages.lib.parity import ToleranceConfig, chance_levels, compare, gate_failures, quality

TOL = ToleranceConfig(atol=1e-5, rtol=1e-3, min_argmax_agreement=1.0)


def probs(rows):
    return np.array(rows, dtype=np.float64)


def test_identical_outputs_pass():
    a = probs([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    s = compare(a, a.copy(), TOL, 5)["stats"]
    assert s["passed"] and s["max_abs_diff"] == 0 and s["argmax_agreement"] == 1.0


def test_element_fails_only_when_above_both_atol_and_rtol():
    ref = probs([[0.5, 0.49999, 1e-9]])
    small_abs_large_rel = ref + probs([[0, 0, 5e-6]])      # rel 5000 but abs < atol: passes
    large_abs_small_rel = ref + probs([[4e-4, 0, 0]])      # abs > atol but rel 8e-4 < rtol: passes
    both = ref + probs([[0, 1e-3, 0]])                     # abs 1e-3 > atol and rel 2e-3 > rtol: fails
    assert compare(ref, small_abs_large_rel, TOL, 5)["stats"]["passed"]
    assert compare(ref, large_abs_small_rel, TOL, 5)["stats"]["passed"]
    failed = compare(ref, both, TOL, 5)["stats"]
    assert not failed["passed"] and failed["failing_elements"] == 1


def test_argmax_disagreements_are_listed_and_gated():
    ref = probs([[0.6, 0.4]] * 4)
    other = probs([[0.6, 0.4], [0.4, 0.6], [0.6, 0.4], [0.4, 0.6]])
    result = compare(ref, other, ToleranceConfig(atol=1.0, rtol=1.0, min_argmax_agreement=0.9), 1)
    assert result["first_disagreements"] == [1]
    assert result["stats"]["argmax_agreement"] == 0.5 and not result["stats"]["passed"]
    msg = gate_failures({"a-b": result["stats"]}, ToleranceConfig(atol=1.0, rtol=1.0, min_argmax_agreement=0.9))
    assert msg == ["a-b argmax_agreement 0.5000 < min_argmax_agreement 0.9"]


def test_nan_outputs_fail_and_are_counted():
    ref = probs([[0.6, 0.4], [0.3, 0.7]])
    other = probs([[np.nan, np.nan], [0.3, 0.7]])
    assert not compare(ref, other, TOL, 5)["stats"]["passed"]
    assert quality(other, np.array([0, 1]), 2)["nonfinite_outputs"] == 1


def test_gate_message_names_statistic_value_and_tolerance():
    ref = probs([[0.5, 0.5]])
    stats = compare(ref, ref + probs([[0.01, -0.01]]), TOL, 5)["stats"]
    (msg,) = gate_failures({"tensorflow-brainflow": stats}, TOL)
    assert msg.startswith("tensorflow-brainflow max_abs_diff 0.01 > atol 1e-05 (max_rel_diff 0.02 > rtol 0.001")


def test_quality_accuracy_and_macro_f1():
    y = np.array([0, 0, 1, 1])
    p = probs([[0.9, 0.1], [0.2, 0.8], [0.1, 0.9], [0.3, 0.7]])
    q = quality(p, y, 2)
    assert q["accuracy"] == 0.75
    assert abs(q["macro_f1"] - np.mean([2 / 3, 0.8])) < 1e-6


def test_event_accuracy_decides_each_event_by_the_mean_probability_of_its_windows():
    y = np.array([0, 0, 0, 1, 1])
    event = np.array([7, 7, 7, 9, 9])
    p = probs([[0.9, 0.1], [0.4, 0.6], [0.45, 0.55], [0.6, 0.4], [0.1, 0.9]])
    q = quality(p, y, 2, event)
    assert q["accuracy"] == 0.4  # window by window, most are wrong
    assert q["events"] == 2 and q["event_accuracy"] == 1.0  # means 0.583 and 0.65 pick the right classes


def test_balanced_accuracy_sees_through_a_majority_guess():
    y = np.array([0, 0, 0, 1])
    always_zero = probs([[0.9, 0.1]] * 4)
    q = quality(always_zero, y, 2)
    assert q["accuracy"] == 0.75 and q["balanced_accuracy"] == 0.5
    assert chance_levels(y, 2) == {"balanced_accuracy": 0.5, "majority_accuracy": 0.75}


def test_nonfinite_windows_are_neither_correct_nor_a_class_in_the_confusion_plot():
    from stages.lib.render import confusion_rows

    p = probs([[np.nan, np.nan], [0.2, 0.8]])
    assert confusion_rows(np.array([0, 1]), p, ["a", "b"]) == [
        {"actual": "a", "predicted": "nonfinite"}, {"actual": "b", "predicted": "b"}]
    assert quality(p, np.array([0, 1]), 2)["accuracy"] == 0.5
