"""The ``data`` section: where recordings come from, how they are windowed and split."""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

import numpy as np

from stages.lib.config import require
from stages.lib.digest import sha256_file
from stages.lib.errors import DataError
from stages.lib.readers import read_brainflow, read_csv, read_edf, resample
from stages.lib.recordings import Recording, board_layout, cut_windows, events_from_markers
from stages.lib.recordings import read_brainflow_file, split_in_time, write_brainflow_file
from stages.lib.simulate import SimulationConfig, simulate_recordings
from stages.lib.windows import SPLITS, WindowSet

log = logging.getLogger("data")


@dataclass(frozen=True)
class WindowConfig:
    length: int = 150
    hop: int = 50
    offset_seconds: float = 0.0
    epoch_seconds: float = 2.0

    def check(self, key: str) -> None:
        require(self.length >= 16, f"{key}.length", "must be at least 16 samples")
        require(self.hop >= 1, f"{key}.hop", "must be at least 1")
        require(self.epoch_seconds > 0, f"{key}.epoch_seconds", "must be positive")


@dataclass(frozen=True)
class SplitConfig:
    """Which recordings (or events) are held out.

    ``by: event`` deals each recording's events, in time order, into ``cycle`` groups numbered
    1..cycle (event 1 to group 1, event cycle+1 to group 1 again); ``val`` and ``test`` name groups.
    Every window stays with its event, so no sample is shared between splits.
    """

    by: Literal["subject", "session", "block", "event"] = "subject"
    val: list[int] = field(default_factory=list)
    test: list[int] = field(default_factory=list)
    cycle: int = 5

    def check(self, key: str) -> None:
        require(bool(self.test), f"{key}.test", f"must name at least one {self.by} to hold out")
        require(bool(self.val), f"{key}.val", f"must name at least one {self.by} for validation")
        require(not set(self.val) & set(self.test), key, "val and test must not share a " + self.by)
        if self.by == "event":
            require(self.cycle >= 3, f"{key}.cycle", "must be at least 3 (train, val and test groups)")
            require(set(self.val + self.test) <= set(range(1, self.cycle + 1)), key,
                    f"with by=event, val and test name event groups 1..{self.cycle} (split.cycle)")


@dataclass(frozen=True)
class FileConfig:
    path: str
    subject: int = 1
    session: int = 1


@dataclass(frozen=True)
class CsvConfig:
    time_column: Optional[str] = None
    marker_column: Optional[str] = None
    label_column: Optional[str] = None
    sampling_rate: Optional[float] = None

    def check_usable(self, key: str) -> None:
        require((self.marker_column is None) != (self.label_column is None), key,
                "set exactly one of marker_column (event codes at onsets) and label_column (a label per sample)")
        require(self.time_column is not None or (self.sampling_rate or 0) > 0, f"{key}.sampling_rate",
                "must be set (Hz) when there is no time_column")


@dataclass(frozen=True)
class DataConfig:
    source: Literal["simulated", "brainflow", "edf", "csv"] = "simulated"
    seed: int = 7
    sampling_rate: int = 250
    board_id: int = -1
    channels: list[str] = field(default_factory=lambda: ["PO7", "Oz", "PO8", "Pz"])
    events: dict[str, str] = field(default_factory=dict)
    ignored_events: list[str] = field(default_factory=list)
    window: WindowConfig = field(default_factory=WindowConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    nonfinite: Literal["fail", "drop"] = "fail"
    reject_peak_to_peak_uv: Optional[float] = None
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    files: list[FileConfig] = field(default_factory=list)
    time_blocks: int = 1
    csv: CsvConfig = field(default_factory=CsvConfig)

    @property
    def classes(self) -> list[str]:
        """Class names in order of first appearance in ``events``."""
        return list(dict.fromkeys(self.events.values()))

    def check(self, key: str) -> None:
        require(self.sampling_rate > 0, f"{key}.sampling_rate", "must be positive")
        require(len(self.channels) >= 1 and len(set(self.channels)) == len(self.channels), f"{key}.channels",
                "must list distinct channel names")
        require(len(self.classes) >= 2, f"{key}.events", "must map event codes to at least 2 classes")
        require(self.time_blocks >= 1, f"{key}.time_blocks", "must be at least 1")
        require((self.reject_peak_to_peak_uv or 1) > 0, f"{key}.reject_peak_to_peak_uv", "must be positive or null")
        require(self.split.by != "block" or self.time_blocks > 1, f"{key}.split.by",
                "'block' needs data.time_blocks > 1")
        require(self.split.by != "event" or self.time_blocks == 1, f"{key}.time_blocks",
                "must be 1 with split.by=event: block edges would cut events into false onsets")
        if self.source != "simulated":
            require(bool(self.files), f"{key}.files", f"must list the {self.source} recordings to read")
        if self.source == "csv":
            self.csv.check_usable(f"{key}.csv")
        if self.source == "simulated":
            require(len(self.simulation.stimulus_hz) == len(self.events), f"{key}.simulation.stimulus_hz",
                    f"needs one frequency per event code ({len(self.events)})")
            require(sorted(self.events) == [str(i + 1) for i in range(len(self.events))], f"{key}.events",
                    "simulated markers are 1..K: key the events '1', '2', ...")


def build_recordings(cfg: DataConfig, out_dir: Path) -> list[Recording]:
    """The configured recordings, picked, resampled to ``data.sampling_rate`` and split in time.

    Simulated recordings are written to ``out_dir`` as BrainFlow files and read back; for users'
    files, ``out_dir`` receives a manifest with each file's SHA-256.
    """
    recordings = simulate_to_files(cfg, out_dir) if cfg.source == "simulated" else read_files(cfg, out_dir)
    return [part for rec in recordings for part in split_in_time(rec, cfg.time_blocks)]


def read_files(cfg: DataConfig, out_dir: Path) -> list[Recording]:
    out_dir.mkdir(parents=True, exist_ok=True)
    recordings, manifest = [], []
    for f in cfg.files:
        path = locate(f.path)
        if not path.is_file():
            raise DataError(f"{path}: no such file; fix data.files (paths are relative to the project root)")
        if cfg.source == "brainflow":
            raw = read_brainflow(path, cfg.channels, cfg.board_id)
        elif cfg.source == "edf":
            raw = read_edf(path, cfg.channels)
        else:
            c = cfg.csv
            raw = read_csv(path, cfg.channels, c.time_column, c.marker_column, c.label_column, c.sampling_rate)
        native = raw.rate
        raw = resample(raw, cfg.sampling_rate)
        recordings.append(Recording(path.stem, f.subject, f.session, raw.signal, raw.onsets, raw.codes,
                                    raw.durations))
        manifest.append({"path": f.path, "sha256": sha256_file(path), "sampling_rate": native,
                         "resampled_to": cfg.sampling_rate, "events": int(raw.onsets.size)})
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return recordings


def locate(configured: str) -> Path:
    """A recording's path, relative to the project root.

    ``dvc exp run --temp`` and ``--queue`` run in a copy of the project elsewhere, where a path
    reaching outside the project (``../shared/data/...``) finds nothing; there, such a path is taken
    from the workspace that started the run, which DVC names in ``DVC_ROOT``.
    """
    path = Path(configured)
    workspace = os.environ.get("DVC_ROOT")
    if path.is_absolute() or path.is_file() or not workspace:
        return path
    from_workspace = Path(workspace) / path
    return from_workspace if from_workspace.is_file() else path


def simulate_to_files(cfg: DataConfig, out_dir: Path) -> list[Recording]:
    layout = board_layout(cfg.board_id)
    if cfg.sampling_rate != layout["sampling_rate"]:
        raise DataError(f"data.sampling_rate is {cfg.sampling_rate} but board {cfg.board_id} records at "
                        f"{layout['sampling_rate']} Hz; set one to match the other")
    out_dir.mkdir(parents=True, exist_ok=True)
    sims = simulate_recordings(cfg.simulation, layout["eeg_names"], cfg.sampling_rate, cfg.seed)
    recordings = []
    for sim in sims:
        path = out_dir / f"sub-{sim.subject:02d}_ses-{sim.session:02d}.csv"
        write_brainflow_file(path, dict(zip(layout["eeg_names"], sim.eeg)), sim.markers, cfg.board_id,
                             cfg.sampling_rate)
        signal, markers = read_brainflow_file(path, cfg.board_id, cfg.channels)
        onsets, codes = events_from_markers(markers)
        recordings.append(Recording(path.stem, sim.subject, sim.session, signal, onsets, codes))
    return recordings


def window_recordings(recordings: list[Recording], cfg: DataConfig) -> tuple[WindowSet, dict]:
    """Cut labelled windows from every recording and assign each to a split, by its recording or event.

    Also returns how many windows were dropped for NaN/Inf samples and rejected as artifacts, and
    how many events gave windows to each split.
    """
    classes = cfg.classes
    fs = cfg.sampling_rate
    w = cfg.window
    xs, ys, splits, rec_idx, event_ids, dropped, rejected = [], [], [], [], [], 0, 0
    numbered = 0
    for i, rec in enumerate(recordings):
        kept = ~np.isin(rec.codes.astype(str), cfg.ignored_events)
        rec = dataclasses.replace(rec, onsets=rec.onsets[kept], codes=rec.codes[kept],
                                  durations=None if rec.durations is None else rec.durations[kept])
        if rec.onsets.size == 0:
            raise DataError(f"{rec.name}: no events found; check the marker channel or data.events")
        unknown = sorted({str(c) for c in rec.codes} - set(cfg.events))
        if unknown:
            raise DataError(f"{rec.name}: event code {unknown[0]} is not in data.events; map it to a class "
                            "or list it in data.ignored_events")
        x, event, start = cut_windows(rec, w.length, w.hop, int(round(w.offset_seconds * fs)),
                                      int(round(w.epoch_seconds * fs)))
        y = np.array([classes.index(cfg.events[str(c)]) for c in rec.codes[event]], dtype=np.int64)
        finite = np.isfinite(x).all(axis=(1, 2))
        if not finite.all():
            if cfg.nonfinite == "fail":
                raise DataError(f"{rec.name}: {int((~finite).sum())} windows contain NaN/Inf samples; "
                                "clean the recording or set data.nonfinite=drop")
            dropped += int((~finite).sum())
            x, y, event, start = x[finite], y[finite], event[finite], start[finite]
        if cfg.reject_peak_to_peak_uv is not None:
            clean = np.ptp(x, axis=1).max(axis=1) <= cfg.reject_peak_to_peak_uv
            rejected += int((~clean).sum())
            x, y, event, start = x[clean], y[clean], event[clean], start[clean]
        xs.append(x)
        ys.append(y)
        splits.append(_splits_of(rec, event, cfg.split))
        _check_no_shared_samples(rec, start, w.length, splits[-1])
        rec_idx.append(np.full(len(y), i))
        event_ids.append(numbered + event)
        numbered += rec.onsets.size
    if dropped:
        log.warning("dropped %d windows with NaN/Inf samples (data.nonfinite=drop)", dropped)
    if rejected:
        log.warning("rejected %d windows over %g µV peak to peak (data.reject_peak_to_peak_uv)", rejected,
                    cfg.reject_peak_to_peak_uv)
    ws = WindowSet(np.concatenate(xs), np.concatenate(ys), np.concatenate(splits), np.concatenate(rec_idx),
                   np.concatenate(event_ids), fs, list(cfg.channels), classes, [r.name for r in recordings])
    _check_every_class_in_every_split(ws)
    per_split = {split: len(np.unique(ws.event[ws.split == split])) for split in SPLITS}
    return ws, {"nonfinite_dropped": dropped, "artifacts_rejected": rejected, "events": per_split}


def _splits_of(rec: Recording, event: np.ndarray, split: SplitConfig) -> np.ndarray:
    """The split of each window, given the index of the event it was cut from."""
    if split.by == "event":
        group = event % split.cycle + 1
    else:
        group = np.full(len(event), {"subject": rec.subject, "session": rec.session, "block": rec.block}[split.by])
    return np.where(np.isin(group, split.test), "test", np.where(np.isin(group, split.val), "val", "train"))


def _check_no_shared_samples(rec: Recording, start: np.ndarray, length: int, split: np.ndarray) -> None:
    """Refuse windows of different splits that overlap, which would leak test samples into training."""
    covered = {}
    for name in np.unique(split):
        mask = np.zeros(rec.signal.shape[1] + 1, dtype=np.int64)
        np.add.at(mask, start[split == name], 1)
        np.add.at(mask, start[split == name] + length, -1)
        covered[name] = np.cumsum(mask)[:-1] > 0
    for a, b in itertools.combinations(sorted(covered), 2):
        if np.any(covered[a] & covered[b]):
            raise DataError(f"{rec.name}: windows of the {a} and {b} splits share samples; move "
                            "data.window.offset_seconds toward 0 or shorten data.window.epoch_seconds")


def _check_every_class_in_every_split(ws: WindowSet) -> None:
    for split in SPLITS:
        present = set(ws.y[ws.split == split].tolist())
        for k, name in enumerate(ws.classes):
            if k not in present:
                raise DataError(f"class '{name}' has no windows in the {split} split; "
                                "change data.split or add recordings with that class")


def split_counts(ws: WindowSet) -> dict:
    """Windows per split and class, for ``metrics/data.json``."""
    return {split: {name: int(((ws.split == split) & (ws.y == k)).sum()) for k, name in enumerate(ws.classes)}
            for split in SPLITS}
