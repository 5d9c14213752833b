"""Continuous recordings in BrainFlow's file format, and cutting labelled windows from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brainflow.board_shim import BoardShim
from brainflow.data_filter import DataFilter

from stages.lib.errors import DataError

START_TIME = 1_700_000_000.0  # fixed epoch for simulated timestamps, so files are reproducible


@dataclass
class Recording:
    """Picked EEG channels (channels, samples) of one recording with its events as sample indices.

    ``durations`` (samples) bound each event where the format knows them; ``block`` numbers a
    consecutive time block when a recording is split by time.
    """

    name: str
    subject: int
    session: int
    signal: np.ndarray
    onsets: np.ndarray
    codes: np.ndarray
    durations: np.ndarray | None = None
    block: int = 1


def board_layout(board_id: int) -> dict:
    """BrainFlow's row layout of a board: EEG rows and names, marker and timestamp rows, row count."""
    descr = BoardShim.get_board_descr(board_id)
    return {"eeg_rows": descr["eeg_channels"], "eeg_names": descr["eeg_names"].split(","),
            "marker_row": descr["marker_channel"], "timestamp_row": descr["timestamp_channel"],
            "num_rows": descr["num_rows"], "sampling_rate": descr["sampling_rate"]}


def write_brainflow_file(path: Path, eeg: dict[str, np.ndarray], markers: np.ndarray, board_id: int,
                         sampling_rate: int) -> None:
    """Write named EEG channels and markers in ``board_id``'s row layout with ``DataFilter.write_file``."""
    layout = board_layout(board_id)
    data = np.zeros((layout["num_rows"], markers.size))
    for name, row in zip(layout["eeg_names"], layout["eeg_rows"]):
        if name in eeg:
            data[row] = eeg[name]
    data[layout["marker_row"]] = markers
    data[layout["timestamp_row"]] = START_TIME + np.arange(markers.size) / sampling_rate
    DataFilter.write_file(np.ascontiguousarray(data), str(path), "w")


def read_brainflow_file(path: Path, board_id: int, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read a ``DataFilter.write_file`` recording; return the named channels (channels, samples) and markers."""
    layout = board_layout(board_id)
    data = DataFilter.read_file(str(path))
    if data.shape[0] != layout["num_rows"]:
        raise DataError(f"{path}: has {data.shape[0]} rows but board {board_id} has {layout['num_rows']}; "
                        "set data.board_id to the board that recorded it")
    rows = dict(zip(layout["eeg_names"], layout["eeg_rows"]))
    missing = [c for c in channels if c not in rows]
    if missing:
        raise DataError(f"{path}: channels {missing} not on board {board_id} (it has {', '.join(rows)}); "
                        "fix data.channels")
    return data[[rows[c] for c in channels]], data[layout["marker_row"]]


def events_from_markers(markers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Onsets (sample indices) and integer codes of the nonzero samples of a marker channel."""
    onsets = np.flatnonzero(markers != 0)
    return onsets, np.rint(markers[onsets]).astype(np.int64)


def cut_windows(rec: Recording, length: int, hop: int, offset: int,
                span: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows of ``length`` samples every ``hop`` samples within ``[onset+offset, onset+offset+span)``.

    Returns windows (n, length, channels) and, per window, the index of the event it came from and
    its first sample. Windows that would run past the end of the recording are not cut, nor, where
    the event's duration is known, past its end. A negative ``offset`` moves that end back as well,
    so that an event's windows stop where the next event's windows may begin.
    """
    windows, events, starts = [], [], []
    n = rec.signal.shape[1]
    for i, onset in enumerate(rec.onsets):
        first = onset + offset
        end = first + span if rec.durations is None else min(first + span, onset + rec.durations[i] + min(offset, 0))
        for start in range(first, end - length + 1, hop):
            if 0 <= start and start + length <= n:
                windows.append(rec.signal[:, start:start + length].T)
                events.append(i)
                starts.append(start)
    if not windows:
        return np.empty((0, length, rec.signal.shape[0])), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.stack(windows), np.asarray(events), np.asarray(starts)


def split_in_time(rec: Recording, blocks: int) -> list[Recording]:
    """Cut a recording into ``blocks`` consecutive, equal parts.

    An event with a known duration is clipped into every part it overlaps (a long run of one label
    spans blocks); an event without one (a marker) stays in the part it starts in.
    """
    if blocks == 1:
        return [rec]
    n = rec.signal.shape[1]
    edges = np.linspace(0, n, blocks + 1).astype(int)
    parts = []
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]), start=1):
        if rec.durations is None:
            inside = (rec.onsets >= lo) & (rec.onsets < hi)
            durations = None
        else:
            inside = (rec.onsets < hi) & (rec.onsets + rec.durations > lo)
            ends = np.minimum(rec.onsets[inside] + rec.durations[inside], hi)
            durations = ends - np.maximum(rec.onsets[inside], lo)
        onsets = np.maximum(rec.onsets[inside], lo) - lo
        parts.append(Recording(f"{rec.name}#block{k}", rec.subject, rec.session, rec.signal[:, lo:hi], onsets,
                               rec.codes[inside], durations, k))
    return parts
