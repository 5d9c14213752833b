"""BrainFlow ``DataFilter`` preprocessing of one EEG window, shared by offline training and live use.

The chain follows BrainFlow's "onnxruntime (TensorFlow edition)" example: detrend, remove 50/60 Hz
mains interference, a causal Butterworth highpass at 8 Hz (order 3), then scaling by 1e-3.
BrainFlow filters work in place on 1-D C-contiguous float64 arrays, one channel at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from brainflow.data_filter import DataFilter, DetrendOperations, FilterTypes, NoiseTypes

from stages.lib.config import require
from stages.lib.errors import DataError

DETREND = {"none": None, "constant": DetrendOperations.CONSTANT, "linear": DetrendOperations.LINEAR}
NOISE = {"none": None, "fifty": NoiseTypes.FIFTY, "sixty": NoiseTypes.SIXTY,
         "fifty_and_sixty": NoiseTypes.FIFTY_AND_SIXTY}
NOISE_TOP_HZ = {"none": 0.0, "fifty": 52.0, "sixty": 62.0, "fifty_and_sixty": 62.0}
FILTER_TYPE = {"butterworth": FilterTypes.BUTTERWORTH, "chebyshev_type_1": FilterTypes.CHEBYSHEV_TYPE_1,
               "bessel": FilterTypes.BESSEL}
MAX_ORDER = 8  # BrainFlow's MAX_FILTER_ORDER


@dataclass(frozen=True)
class HighpassConfig:
    enabled: bool = True
    cutoff_hz: float = 8.0
    order: int = 3
    filter_type: Literal["butterworth", "chebyshev_type_1", "bessel"] = "butterworth"
    ripple_db: float = 0.0

    def check(self, key: str) -> None:
        require(self.cutoff_hz > 0, f"{key}.cutoff_hz", f"must be positive, got {self.cutoff_hz}")
        require(1 <= self.order <= MAX_ORDER, f"{key}.order", f"must be 1..{MAX_ORDER}, got {self.order}")
        require(self.ripple_db >= 0, f"{key}.ripple_db", "must not be negative")
        require(self.filter_type != "chebyshev_type_1" or self.ripple_db > 0, f"{key}.ripple_db",
                "must be positive for a Chebyshev filter")


@dataclass(frozen=True)
class PreprocessConfig:
    detrend: Literal["none", "constant", "linear"] = "constant"
    environmental_noise: Literal["none", "fifty", "sixty", "fifty_and_sixty"] = "fifty_and_sixty"
    highpass: HighpassConfig = field(default_factory=HighpassConfig)
    scale: float = 1e-3

    def check(self, key: str) -> None:
        require(self.scale != 0, f"{key}.scale", "must not be zero")

    def check_rate(self, sampling_rate: int, key: str = "preprocess") -> None:
        """Reject settings BrainFlow would silently turn into NaN at this sampling rate."""
        nyquist = sampling_rate / 2
        if self.highpass.enabled:
            require(self.highpass.cutoff_hz < nyquist, f"{key}.highpass.cutoff_hz",
                    f"{self.highpass.cutoff_hz} Hz is at or above Nyquist ({nyquist:g} Hz at {sampling_rate} Hz); "
                    f"set it below {nyquist:g}")
        top = NOISE_TOP_HZ[self.environmental_noise]
        require(top < nyquist, f"{key}.environmental_noise",
                f"'{self.environmental_noise}' needs a band up to {top:g} Hz, above Nyquist ({nyquist:g} Hz); "
                "set it to one the sampling rate allows, or 'none'")


def filter_window(window: np.ndarray, sampling_rate: int, cfg: PreprocessConfig) -> np.ndarray:
    """Filter one window of shape (samples, channels); returns a new float64 array of the same shape."""
    if window.ndim != 2:
        raise DataError(f"a window must be 2-D (samples, channels), got shape {window.shape}")
    if not np.isfinite(window).all():
        raise DataError("window contains NaN or Inf samples; BrainFlow filters would spread them; "
                        "drop such windows before filtering (data.nonfinite: drop)")
    rate = int(sampling_rate)
    out = np.empty(window.shape, dtype=np.float64)
    for ch in range(window.shape[1]):
        sig = np.array(window[:, ch], dtype=np.float64, order="C", copy=True)  # BrainFlow filters in place
        if DETREND[cfg.detrend] is not None:
            DataFilter.detrend(sig, DETREND[cfg.detrend].value)
        if NOISE[cfg.environmental_noise] is not None:
            DataFilter.remove_environmental_noise(sig, rate, NOISE[cfg.environmental_noise].value)
        hp = cfg.highpass
        if hp.enabled:
            DataFilter.perform_highpass(sig, rate, float(hp.cutoff_hz), int(hp.order),
                                        FILTER_TYPE[hp.filter_type].value, float(hp.ripple_db))
        out[:, ch] = sig * cfg.scale
    return out
