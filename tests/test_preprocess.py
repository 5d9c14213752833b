"""BrainFlow preprocessing of a window, checked against independent signal facts and SciPy."""

import numpy as np
import pytest
from scipy.signal import butter, sosfilt

from stages.lib.config import parse
from stages.lib.errors import DataError
from stages.lib.preprocess import PreprocessConfig, filter_window

FS = 250


def tone(hz: float, n: int = 1000, amp: float = 1.0) -> np.ndarray:
    return amp * np.sin(2 * np.pi * hz * np.arange(n) / FS)


def power_at(x: np.ndarray, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
    return float(spectrum[np.argmin(np.abs(np.fft.rfftfreq(x.size, 1 / FS) - hz))])


def test_highpass_only_matches_scipy_butterworth():
    cfg = parse(PreprocessConfig, {"detrend": "none", "environmental_noise": "none", "scale": 1.0}, "preprocess")
    rng = np.random.default_rng(0)
    window = rng.standard_normal((150, 4))
    expected = sosfilt(butter(3, 8.0, btype="highpass", fs=FS, output="sos"), window, axis=0)
    # BrainFlow designs its coefficients independently of SciPy: they agree to about 1e-8 here.
    np.testing.assert_allclose(filter_window(window, FS, cfg), expected, rtol=0, atol=1e-7)


def test_default_chain_removes_mains_and_dc_keeps_the_band_and_scales():
    cfg = parse(PreprocessConfig, {}, "preprocess")
    raw = 5000.0 + tone(50, amp=40) + tone(60, amp=40) + tone(20, amp=10) + tone(2, amp=30)
    out = filter_window(np.stack([raw, raw], axis=1), FS, cfg)[:, 0]
    tail = slice(250, None)  # past the filters' start-up transient
    ref = (tone(20, amp=10) * 1e-3)[tail]
    assert power_at(out[tail], 50) < 1e-3 * power_at(raw[tail] * 1e-3, 50)
    assert power_at(out[tail], 60) < 1e-3 * power_at(raw[tail] * 1e-3, 60)
    assert power_at(out[tail], 2) < 0.05 * power_at(raw[tail] * 1e-3, 2)
    assert 0.7 < power_at(out[tail], 20) / power_at(ref, 20) < 1.3
    assert abs(out[tail].mean()) < 1e-3


def test_each_channel_is_filtered_independently():
    cfg = parse(PreprocessConfig, {}, "preprocess")
    a, b = tone(20, 150, amp=30) + 100, np.random.default_rng(3).standard_normal(150) * 20
    both = filter_window(np.stack([a, b], axis=1), FS, cfg)
    np.testing.assert_array_equal(both[:, :1], filter_window(a[:, None], FS, cfg))
    np.testing.assert_array_equal(both[:, 1:], filter_window(b[:, None], FS, cfg))


def test_input_is_not_modified_and_strided_views_work():
    cfg = parse(PreprocessConfig, {}, "preprocess")
    big = np.random.default_rng(1).standard_normal((4, 150)) * 50
    view = big.T  # a non-contiguous view, as slicing a (channels, samples) recording gives
    copy = big.copy()
    out = filter_window(view, FS, cfg)
    np.testing.assert_array_equal(big, copy)
    np.testing.assert_allclose(out, filter_window(np.ascontiguousarray(view), FS, cfg))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_samples_are_refused(bad):
    window = np.zeros((150, 4))
    window[10, 2] = bad
    with pytest.raises(DataError, match="NaN or Inf"):
        filter_window(window, FS, parse(PreprocessConfig, {}, "preprocess"))
