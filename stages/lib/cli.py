"""Shared entry-point plumbing: quiet logging, determinism switches and one-line user errors."""

from __future__ import annotations

import logging
import os
import sys
from typing import Callable

from stages.lib.errors import UserError

log = logging.getLogger("pipeline")


def quiet_tensorflow() -> None:
    """Silence TensorFlow's start-up chatter and default to portable (non-oneDNN) kernels.

    Must run before TensorFlow is imported. oneDNN kernels depend on the CPU's instruction set, so
    they are off unless the user sets ``TF_ENABLE_ONEDNN_OPTS=1`` (the report records the value).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def setup_logging(stage: str) -> None:
    """Log ``LEVEL stage: message`` lines to stderr; library loggers say only what matters."""
    logging.basicConfig(level=logging.INFO, format=f"%(levelname)s {stage}: %(message)s", stream=sys.stderr)
    for noisy in ("absl", "tensorflow", "tf2onnx", "h5py", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def run_stage(name: str, main: Callable[[], None]) -> None:
    """Run a stage's ``main``; a :class:`UserError` becomes one line on stderr and exit status 2."""
    quiet_tensorflow()
    setup_logging(name)
    try:
        main()
    except UserError as err:
        print(f"error: {name}: {err}", file=sys.stderr)
        sys.exit(2)
