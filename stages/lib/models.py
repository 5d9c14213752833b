"""Keras models for windows of shape (samples, channels).

``cnn`` is the 4-layer Conv2D/BatchNorm network of BrainFlow's "BrainFlow with onnxruntime
(TensorFlow edition)" example: for 150 samples x 4 channels x 6 classes it has 22,326 parameters
(22,046 trainable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import keras
from keras import layers

from stages.lib.config import require


@dataclass(frozen=True)
class ModelConfig:
    name: Literal["cnn"] = "cnn"
    filters: list[int] = field(default_factory=lambda: [20, 20, 40, 80])
    temporal_kernel: int = 8
    stride: int = 4
    bn_momentum: float = 0.1
    bn_epsilon: float = 1e-5

    def check(self, key: str) -> None:
        require(len(self.filters) == 4 and min(self.filters) >= 1, f"{key}.filters",
                "must be 4 positive filter counts")
        require(self.temporal_kernel >= 1, f"{key}.temporal_kernel", "must be at least 1")
        require(self.stride >= 1, f"{key}.stride", "must be at least 1")
        require(0 <= self.bn_momentum < 1, f"{key}.bn_momentum", "must be in [0, 1)")
        require(self.bn_epsilon > 0, f"{key}.bn_epsilon", "must be positive")

    def check_input(self, samples: int, key: str = "model") -> None:
        """Reject window lengths too short for the convolution stack."""
        length = samples - self.temporal_kernel + 1
        for _ in range(2):
            length = (length - self.stride) // self.stride + 1
        require(length >= 1, key, f"windows of {samples} samples are too short for this network; "
                                  "lengthen data.window.length or shrink temporal_kernel/stride")


def build_model(cfg: ModelConfig, samples: int, channels: int, classes: int) -> keras.Model:
    """The post's CNN: temporal conv, spatial conv, two strided convs with BatchNorm, softmax."""
    f1, f2, f3, f4 = cfg.filters
    bn = dict(momentum=cfg.bn_momentum, epsilon=cfg.bn_epsilon)
    inputs = keras.Input((samples, channels), name="eeg")
    x = layers.Reshape((samples, channels, 1), name="to_image")(inputs)
    x = layers.Conv2D(f1, (cfg.temporal_kernel, 1), activation="relu", name="temporal_conv")(x)
    x = layers.Conv2D(f2, (1, channels), activation="elu", name="spatial_conv")(x)
    x = layers.BatchNormalization(**bn, name="spatial_bn")(x)
    x = layers.Conv2D(f3, (cfg.stride, 1), strides=(cfg.stride, 1), activation="relu", name="pool_conv1")(x)
    x = layers.BatchNormalization(**bn, name="pool_bn1")(x)
    x = layers.Conv2D(f4, (cfg.stride, 1), strides=(cfg.stride, 1), activation="relu", name="pool_conv2")(x)
    x = layers.BatchNormalization(**bn, name="pool_bn2")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, activation="softmax", name="classifier")(x)
    return keras.Model(inputs, outputs, name=cfg.name)
