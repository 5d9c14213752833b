"""Seeded, deterministic Keras training and a byte-stable model file."""

from __future__ import annotations

import io
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keras
import numpy as np
import tensorflow as tf

from stages.lib.atomic import atomic_output
from stages.lib.config import require

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 42
    epochs: int = 20
    batch_size: int = 32
    learning_rate: float = 1e-3
    class_weight: Literal["none", "balanced"] = "none"

    def check(self, key: str) -> None:
        require(self.epochs >= 1, f"{key}.epochs", "must be at least 1")
        require(self.batch_size >= 1, f"{key}.batch_size", "must be at least 1")
        require(self.learning_rate > 0, f"{key}.learning_rate", "must be positive")


def make_deterministic(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow ops deterministic."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


class EpochLogger(keras.callbacks.Callback):
    """One log line per epoch, readable in DVC's output where a progress bar would garble."""

    def __init__(self, logger: logging.Logger):
        super().__init__()
        self.logger = logger

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.logger.info("epoch %d/%d  loss %.4f  acc %.3f  val_loss %.4f  val_acc %.3f", epoch + 1,
                         self.params["epochs"], logs["loss"], logs["accuracy"], logs["val_loss"], logs["val_accuracy"])


def fit(model: keras.Model, cfg: TrainConfig, train: tuple[np.ndarray, np.ndarray],
        val: tuple[np.ndarray, np.ndarray], callbacks: list) -> keras.callbacks.History:
    model.compile(optimizer=keras.optimizers.Adam(cfg.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(train[0].astype(np.float32), train[1], validation_data=(val[0].astype(np.float32), val[1]),
                     epochs=cfg.epochs, batch_size=cfg.batch_size, shuffle=True, verbose=0, callbacks=callbacks,
                     class_weight=balanced_weights(train[1]) if cfg.class_weight == "balanced" else None)


def balanced_weights(y: np.ndarray) -> dict[int, float]:
    """Weights inversely proportional to class frequency, so that every class counts equally."""
    classes, counts = np.unique(y, return_counts=True)
    return {int(k): float(len(y) / (len(classes) * c)) for k, c in zip(classes, counts)}


def save_model_reproducibly(model: keras.Model, path: str | Path) -> None:
    """Save a ``.keras`` file whose bytes depend only on the model, not on when it was saved.

    Keras stamps ``date_saved`` into ``metadata.json``, the current time into the zip entries, and
    memory addresses as ``shared_object_id`` into ``config.json``. The first two are replaced by fixed
    values and the ids are renumbered in order of appearance, which keeps shared objects shared.
    The weights are written unchanged.
    """
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as scratch, atomic_output(path) as tmp:
        raw = Path(scratch) / "model.keras"
        model.save(raw)
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(buffer, "w") as dst:
            for info in sorted(src.infolist(), key=lambda i: i.filename):
                data = src.read(info)
                if info.filename == "metadata.json":
                    meta = json.loads(data)
                    meta.pop("date_saved", None)
                    data = json.dumps(meta, sort_keys=True).encode()
                elif info.filename == "config.json":
                    data = json.dumps(_renumber_shared_ids(json.loads(data), {})).encode()
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), data, zipfile.ZIP_DEFLATED)
        tmp.write_bytes(buffer.getvalue())


def _renumber_shared_ids(node, ids: dict):
    """Replace each distinct ``shared_object_id`` with its order of first appearance."""
    if isinstance(node, dict):
        return {k: ids.setdefault(v, len(ids)) if k == "shared_object_id" else _renumber_shared_ids(v, ids)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_renumber_shared_ids(v, ids) for v in node]
    return node
