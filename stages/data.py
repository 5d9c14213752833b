"""Stage ``data``: build the recordings and cut them into labelled, split windows."""

from pathlib import Path

from stages.lib.atomic import atomic_output, write_json
from stages.lib.cli import log, run_stage
from stages.lib.config import load_section
from stages.lib.dataset import DataConfig, build_recordings, split_counts, window_recordings
from stages.lib.windows import save_windows

RECORDINGS = Path("data/recordings")
WINDOWS = Path("data/windows.npz")
METRICS = Path("metrics/data.json")


def main() -> None:
    cfg = load_section("data", DataConfig)
    with atomic_output(RECORDINGS) as tmp:
        recordings = build_recordings(cfg, tmp)
        ws, stats = window_recordings(recordings, cfg)
    save_windows(WINDOWS, ws)
    counts = split_counts(ws)
    write_json(METRICS, {"windows": {s: sum(c.values()) for s, c in counts.items()}, **stats, "per_class": counts})
    log.info("%d recordings, %d windows (%s)", len(recordings), len(ws.y),
             ", ".join(f"{s} {sum(c.values())} from {stats['events'][s]} events" for s, c in counts.items()))


if __name__ == "__main__":
    run_stage("data", main)
