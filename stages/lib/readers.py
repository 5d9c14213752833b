"""Readers for users' own recordings: BrainFlow files, EDF/EDF+/BDF (via MNE) and CSV.

Each returns a :class:`RawRecording`: the picked channels in µV, the file's sampling rate, and its
events as onsets, string codes and (where the format knows them) durations, all in samples.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from stages.lib.errors import DataError
from stages.lib.recordings import board_layout, events_from_markers, read_brainflow_file


@dataclass
class RawRecording:
    signal: np.ndarray  # (channels, samples), µV
    rate: float
    onsets: np.ndarray
    codes: np.ndarray  # str
    durations: np.ndarray | None


def normalize(name: str) -> str:
    """Channel names compare without case and without EDF's padding dots ('Cz..' == 'CZ')."""
    return name.strip().rstrip(".").upper()


def pick(names: list[str], wanted: list[str], source: Path) -> list[int]:
    index = {normalize(n): i for i, n in enumerate(names)}
    missing = [w for w in wanted if normalize(w) not in index]
    if missing:
        raise DataError(f"{source}: channels {missing} not found (it has {', '.join(names)}); fix data.channels")
    return [index[normalize(w)] for w in wanted]


def read_brainflow(path: Path, channels: list[str], board_id: int) -> RawRecording:
    signal, markers = read_brainflow_file(path, board_id, channels)
    onsets, codes = events_from_markers(markers)
    return RawRecording(signal, float(board_layout(board_id)["sampling_rate"]), onsets, codes.astype(str), None)


def read_edf(path: Path, channels: list[str]) -> RawRecording:
    """EDF/EDF+/BDF through MNE; labels come from the annotations, volts become µV."""
    import mne

    try:
        raw = mne.io.read_raw(str(path), preload=False, verbose="error")
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: cannot read as EDF/BDF ({err})") from None
    idx = pick(raw.ch_names, channels, path)
    signal = raw.get_data(picks=idx) * 1e6
    rate = float(raw.info["sfreq"])
    ann = raw.annotations
    onsets = np.rint((ann.onset - raw.first_time) * rate).astype(np.int64) if len(ann) else np.empty(0, np.int64)
    durations = np.rint(ann.duration * rate).astype(np.int64) if len(ann) else np.empty(0, np.int64)
    return RawRecording(signal, rate, onsets, np.array([str(d) for d in ann.description], dtype="U64"), durations)


def read_csv(path: Path, channels: list[str], time_column: str | None, marker_column: str | None,
             label_column: str | None, rate: float | None) -> RawRecording:
    """A CSV with a header: named channel columns, a time column (or a configured rate), and either a
    marker column (nonzero = onset, value = code) or a per-sample label column (each run of one label
    is an event lasting the run)."""
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            raise DataError(f"{path}: empty CSV, or no header row")
        rows = list(reader)
    columns = {name: i for i, name in enumerate(header)}
    for key, col in (("time_column", time_column), ("marker_column", marker_column), ("label_column", label_column)):
        if col is not None and col not in columns:
            raise DataError(f"{path}: no column '{col}' (it has {', '.join(header)}); fix data.csv.{key}")
    try:
        table = np.array([[float(v) for v in row] for row in rows])
    except ValueError as err:
        raise DataError(f"{path}: a value is not a number ({err})") from None
    signal = table[:, pick(header, channels, path)].T
    if time_column is not None:
        rate = 1.0 / float(np.median(np.diff(table[:, columns[time_column]])))
    if marker_column is not None:
        onsets, codes = events_from_markers(table[:, columns[marker_column]])
        return RawRecording(signal, float(rate), onsets, codes.astype(str), None)
    labels = table[:, columns[label_column]]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    durations = np.diff(np.r_[starts, labels.size])
    codes = np.array([_code(v) for v in labels[starts]], dtype=str)
    return RawRecording(signal, float(rate), starts, codes, durations)


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def resample(rec: RawRecording, target: int) -> RawRecording:
    """Polyphase-resample to ``target`` Hz (anti-aliased), moving events to the new sample grid."""
    if abs(rec.rate - target) < 1e-6:
        return rec
    from scipy.signal import resample_poly

    ratio = Fraction(target / rec.rate).limit_denominator(1000)
    signal = resample_poly(rec.signal, ratio.numerator, ratio.denominator, axis=1)
    scale = target / rec.rate
    durations = None if rec.durations is None else np.rint(rec.durations * scale).astype(np.int64)
    return RawRecording(signal, float(target), np.rint(rec.onsets * scale).astype(np.int64), rec.codes, durations)
