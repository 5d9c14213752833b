"""The labelled window set passed between stages, stored as one ``.npz`` file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from stages.lib.atomic import atomic_output
from stages.lib.errors import DataError

SPLITS = ("train", "val", "test")


@dataclasses.dataclass
class WindowSet:
    """Windows ``x`` of shape (n, samples, channels) with integer labels ``y``.

    ``split`` holds "train"/"val"/"test" per window, ``recording`` the index into
    ``recording_names`` of the recording the window was cut from, and ``event`` a number for the
    event (trial) it was cut from, unique within the set.
    """

    x: np.ndarray
    y: np.ndarray
    split: np.ndarray
    recording: np.ndarray
    event: np.ndarray
    sampling_rate: int
    channels: list[str]
    classes: list[str]
    recording_names: list[str]

    def part(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) windows of one split."""
        mask = self.split == split
        return self.x[mask], self.y[mask]

    def replace_x(self, x: np.ndarray) -> "WindowSet":
        return dataclasses.replace(self, x=x)


def save_windows(path: str | Path, ws: WindowSet) -> None:
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                x=np.ascontiguousarray(ws.x, dtype=np.float64),
                y=ws.y.astype(np.int64),
                split=ws.split.astype("<U5"),
                recording=ws.recording.astype(np.int64),
                event=ws.event.astype(np.int64),
                sampling_rate=np.int64(ws.sampling_rate),
                channels=np.array(ws.channels, dtype=str),
                classes=np.array(ws.classes, dtype=str),
                recording_names=np.array(ws.recording_names, dtype=str),
            )


def load_windows(path: str | Path) -> WindowSet:
    try:
        with np.load(path, allow_pickle=False) as z:
            return WindowSet(
                x=z["x"], y=z["y"], split=z["split"], recording=z["recording"], event=z["event"],
                sampling_rate=int(z["sampling_rate"]), channels=z["channels"].tolist(),
                classes=z["classes"].tolist(), recording_names=z["recording_names"].tolist(),
            )
    except FileNotFoundError:
        raise DataError(f"{path} not found; run the stage that produces it (dvc repro)") from None
