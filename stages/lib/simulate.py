"""Seeded simulation of continuous multi-subject EEG recordings with steady-state visual evoked responses.

Each recording mixes what real scalp EEG throws at a pipeline: a 1/f background, alpha (8-12 Hz)
bursts, 50 and 60 Hz mains interference, DC offsets with slow drift, and eye blinks. Classes are
SSVEP responses (Regan, 1989; Herrmann, 2001, Exp Brain Res 137:346) at distinct stimulation
frequencies with harmonics, all above the 8 Hz highpass, at a signal-to-noise ratio set in params.
Subjects differ in response amplitude, phase and noise level; the response starts a random
latency after its marker, as a display's frame timing does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stages.lib.config import require


@dataclass(frozen=True)
class SimulationConfig:
    subjects: int = 8
    sessions: int = 2
    trials_per_class: int = 8
    trial_seconds: float = 2.0
    rest_seconds: float = 0.5
    stimulus_hz: list[float] = field(default_factory=lambda: [10.0, 14.0, 18.0, 22.0, 26.0, 30.0])
    harmonics: int = 2
    snr_db: float = -11.0
    background_uv: float = 10.0
    one_over_f_exponent: float = 1.0
    alpha_uv: float = 8.0
    mains_50_uv: float = 20.0
    mains_60_uv: float = 10.0
    dc_offset_uv: float = 3000.0
    drift_uv: float = 80.0
    blink_rate_hz: float = 0.25
    blink_uv: float = 150.0
    subject_variation: float = 0.3
    onset_jitter_seconds: float = 0.1

    def check(self, key: str) -> None:
        for name in ("subjects", "sessions", "trials_per_class", "harmonics"):
            require(getattr(self, name) >= 1, f"{key}.{name}", "must be at least 1")
        require(self.trial_seconds > 0, f"{key}.trial_seconds", "must be positive")
        require(self.rest_seconds >= 0, f"{key}.rest_seconds", "must not be negative")
        require(len(set(self.stimulus_hz)) == len(self.stimulus_hz), f"{key}.stimulus_hz", "must be distinct")
        require(all(f > 0 for f in self.stimulus_hz), f"{key}.stimulus_hz", "must be positive")
        for name in ("background_uv", "alpha_uv", "mains_50_uv", "mains_60_uv", "dc_offset_uv", "drift_uv",
                     "blink_rate_hz", "blink_uv", "subject_variation", "onset_jitter_seconds"):
            require(getattr(self, name) >= 0, f"{key}.{name}", "must not be negative")


@dataclass
class SimulatedRecording:
    """One continuous recording: ``eeg`` is (channels, samples) in µV; ``markers`` holds event codes."""

    subject: int
    session: int
    eeg: np.ndarray
    markers: np.ndarray


def region_gain(channel: str, region: str) -> float:
    """Rough spatial weight of a source (``"occipital"`` SSVEP/alpha or ``"frontal"`` blinks) at a channel."""
    name = channel.upper()
    lobe = "O" if name.startswith(("O", "PO", "I")) else name.rstrip("0123456789Z")[:1]
    table = {"occipital": {"O": 1.0, "P": 0.6, "C": 0.25, "T": 0.25, "F": 0.1},
             "frontal": {"O": 0.05, "P": 0.1, "C": 0.3, "T": 0.3, "F": 1.0}}
    return table[region].get(lobe, 0.2)


def simulate_recordings(cfg: SimulationConfig, channels: list[str], sampling_rate: int,
                        seed: int) -> list[SimulatedRecording]:
    """Simulate ``cfg.subjects`` x ``cfg.sessions`` recordings over ``channels`` (all seeded by ``seed``)."""
    root = np.random.default_rng(seed)
    out = []
    for subject in range(1, cfg.subjects + 1):
        traits = _subject_traits(cfg, len(channels), np.random.default_rng(root.integers(2**63)))
        for session in range(1, cfg.sessions + 1):
            rng = np.random.default_rng(root.integers(2**63))
            eeg, markers = _one_recording(cfg, channels, sampling_rate, traits, rng)
            out.append(SimulatedRecording(subject, session, eeg, markers))
    return out


def _subject_traits(cfg: SimulationConfig, n_channels: int, rng: np.random.Generator) -> dict:
    spread = cfg.subject_variation
    return {
        "ssvep_gain": float(rng.lognormal(0.0, spread)),
        "noise_gain": float(rng.lognormal(0.0, spread)),
        "phase": rng.uniform(0, 2 * np.pi, size=(len(cfg.stimulus_hz), cfg.harmonics)),
        "channel_lag": rng.normal(0.0, spread, size=n_channels),
        "alpha_hz": float(rng.uniform(8.5, 11.5)),
    }


def _one_recording(cfg: SimulationConfig, channels: list[str], fs: int, traits: dict,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_classes = len(cfg.stimulus_hz)
    order = rng.permutation(np.repeat(np.arange(n_classes), cfg.trials_per_class))
    trial, rest, lead = (int(round(s * fs)) for s in (cfg.trial_seconds, cfg.rest_seconds, 2.0))
    n = lead + len(order) * (trial + rest) + lead
    t = np.arange(n) / fs
    occipital = np.array([region_gain(c, "occipital") for c in channels])[:, None]
    frontal = np.array([region_gain(c, "frontal") for c in channels])[:, None]

    background = _pink_noise(rng, len(channels), n, cfg.one_over_f_exponent) * cfg.background_uv
    background *= traits["noise_gain"]
    eeg = background + occipital * _alpha_bursts(rng, t, traits["alpha_hz"], fs) * cfg.alpha_uv

    markers = np.zeros(n)
    ssvep_rms = cfg.background_uv * traits["noise_gain"] * 10 ** (cfg.snr_db / 20) * traits["ssvep_gain"]
    for i, cls in enumerate(order):
        start = lead + i * (trial + rest)
        markers[start] = cls + 1
        latency = rng.uniform(0, cfg.onset_jitter_seconds)
        eeg[:, start:start + trial] += occipital * _ssvep(cfg, traits, cls, t[start:start + trial] - t[start] - latency,
                                                          len(channels)) * ssvep_rms
    for hz, amp in ((50.0, cfg.mains_50_uv), (60.0, cfg.mains_60_uv)):
        phase = rng.uniform(0, 2 * np.pi, size=(len(channels), 1))
        eeg += amp * rng.uniform(0.5, 1.5) * np.sin(2 * np.pi * hz * t + phase)
    eeg += frontal * _blinks(rng, n, fs, cfg.blink_rate_hz) * cfg.blink_uv
    eeg += rng.normal(0, cfg.dc_offset_uv, size=(len(channels), 1))
    eeg += _drift(rng, t, len(channels)) * cfg.drift_uv
    return eeg, markers


def _pink_noise(rng: np.random.Generator, rows: int, n: int, exponent: float) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal((rows, n)), axis=1)
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1]
    noise = np.fft.irfft(spectrum * freqs ** (-exponent / 2), n=n, axis=1)
    return noise / noise.std(axis=1, keepdims=True)


def _alpha_bursts(rng: np.random.Generator, t: np.ndarray, hz: float, fs: int) -> np.ndarray:
    kernel = np.hanning(int(fs * 0.8))
    envelope = np.convolve(np.abs(rng.standard_normal(t.size)), kernel / kernel.sum(), mode="same")
    envelope = np.clip(envelope / envelope.mean() - 0.6, 0, None)
    return envelope * np.sin(2 * np.pi * hz * t + rng.uniform(0, 2 * np.pi))


def _ssvep(cfg: SimulationConfig, traits: dict, cls: int, t: np.ndarray, n_channels: int) -> np.ndarray:
    f0 = cfg.stimulus_hz[cls]
    wave = np.zeros((n_channels, t.size))
    for h in range(cfg.harmonics):
        phase = traits["phase"][cls, h] + traits["channel_lag"][:, None]
        wave += np.sin(2 * np.pi * (h + 1) * f0 * t + phase) / (h + 1)
    return wave / np.sqrt(np.mean(wave**2))


def _blinks(rng: np.random.Generator, n: int, fs: int, rate_hz: float) -> np.ndarray:
    out = np.zeros(n)
    shape_t = np.arange(int(0.4 * fs)) / fs
    shape = (shape_t / 0.1) ** 2 * np.exp(-shape_t / 0.05)
    shape /= shape.max()
    for onset in rng.choice(n - shape.size, size=rng.poisson(rate_hz * n / fs), replace=False):
        out[onset:onset + shape.size] += shape * rng.uniform(0.6, 1.2)
    return out


def _drift(rng: np.random.Generator, t: np.ndarray, rows: int) -> np.ndarray:
    freqs = rng.uniform(0.005, 0.1, size=(rows, 3, 1))
    phases = rng.uniform(0, 2 * np.pi, size=(rows, 3, 1))
    return np.sin(2 * np.pi * freqs * t + phases).sum(axis=1) / np.sqrt(1.5)
