"""Stage ``filter``: BrainFlow preprocessing of every window, with the function used live."""

from pathlib import Path

import numpy as np
from tqdm import tqdm

from stages.lib.cli import log, run_stage
from stages.lib.config import load_section
from stages.lib.preprocess import PreprocessConfig, filter_window
from stages.lib.windows import load_windows, save_windows

WINDOWS = Path("data/windows.npz")
FILTERED = Path("data/filtered.npz")


def main() -> None:
    cfg = load_section("preprocess", PreprocessConfig)
    ws = load_windows(WINDOWS)
    cfg.check_rate(ws.sampling_rate)
    x = np.stack([filter_window(w, ws.sampling_rate, cfg)
                  for w in tqdm(ws.x, desc="filter", unit="win", mininterval=1.0, disable=None)])
    save_windows(FILTERED, ws.replace_x(x))
    log.info("filtered %d windows of %d samples x %d channels", *x.shape)


if __name__ == "__main__":
    run_stage("filter", main)
