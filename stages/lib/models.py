"""Keras models for windows of shape (samples, channels), selected by the ``model`` config group.

- ``cnn``: the 4-layer Conv2D/BatchNorm network of BrainFlow's "BrainFlow with onnxruntime
  (TensorFlow edition)" example: for 150 samples x 4 channels x 6 classes it has 22,326 parameters
  (22,046 trainable).
- ``eegnet``: EEGNet (Lawhern et al., 2018, "EEGNet: a compact convolutional neural network for
  EEG-based brain-computer interfaces", J. Neural Eng. 15:056013) with the published defaults
  F1=8, D=2, F2=16 and a temporal kernel of half the sampling rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import keras
from keras import layers

from stages.lib.config import require


@dataclass(frozen=True)
class CnnConfig:
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


@dataclass(frozen=True)
class EEGNetConfig:
    name: Literal["eegnet"] = "eegnet"
    f1: int = 8
    d: int = 2
    f2: int = 16
    kernel_seconds: float = 0.5
    separable_kernel: int = 16
    pool1: int = 4
    pool2: int = 8
    dropout: float = 0.25
    norm_rate: float = 0.25

    def check(self, key: str) -> None:
        for name in ("f1", "d", "f2", "separable_kernel", "pool1", "pool2"):
            require(getattr(self, name) >= 1, f"{key}.{name}", "must be at least 1")
        require(self.kernel_seconds > 0, f"{key}.kernel_seconds", "must be positive")
        require(0 <= self.dropout < 1, f"{key}.dropout", "must be in [0, 1)")
        require(self.norm_rate > 0, f"{key}.norm_rate", "must be positive")

    def check_input(self, samples: int, key: str = "model") -> None:
        require(samples // self.pool1 // self.pool2 >= 1, key,
                f"windows of {samples} samples vanish after pooling by {self.pool1} and {self.pool2}; "
                "lengthen data.window.length or shrink model.pool1/pool2")


ModelConfig = CnnConfig | EEGNetConfig
MODELS = {"cnn": CnnConfig, "eegnet": EEGNetConfig}


def build_model(cfg: ModelConfig, samples: int, channels: int, classes: int, sampling_rate: int) -> keras.Model:
    """The configured network for windows of ``samples`` x ``channels`` recorded at ``sampling_rate``."""
    if isinstance(cfg, EEGNetConfig):
        return build_eegnet(cfg, samples, channels, classes, sampling_rate)
    return build_cnn(cfg, samples, channels, classes)


def build_eegnet(cfg: EEGNetConfig, samples: int, channels: int, classes: int, sampling_rate: int) -> keras.Model:
    """EEGNet-8,2 with time on the first axis: temporal conv, depthwise spatial conv, separable conv.

    Follows Lawhern et al. (2018), Table 2: max-norm 1 on the depthwise kernel and ``norm_rate``
    on the classifier; the temporal kernel spans ``kernel_seconds`` (half the sampling rate).
    """
    kernel = max(1, int(round(cfg.kernel_seconds * sampling_rate)))
    inputs = keras.Input((samples, channels), name="eeg")
    x = layers.Reshape((samples, channels, 1), name="to_image")(inputs)
    x = layers.Conv2D(cfg.f1, (kernel, 1), padding="same", use_bias=False, name="temporal_conv")(x)
    x = layers.BatchNormalization(name="temporal_bn")(x)
    x = layers.DepthwiseConv2D((1, channels), depth_multiplier=cfg.d, use_bias=False,
                               depthwise_constraint=keras.constraints.MaxNorm(1.0), name="spatial_depthwise")(x)
    x = layers.BatchNormalization(name="spatial_bn")(x)
    x = layers.Activation("elu", name="spatial_elu")(x)
    x = layers.AveragePooling2D((cfg.pool1, 1), name="pool1")(x)
    x = layers.Dropout(cfg.dropout, name="dropout1")(x)
    x = layers.SeparableConv2D(cfg.f2, (cfg.separable_kernel, 1), padding="same", use_bias=False,
                               name="separable_conv")(x)
    x = layers.BatchNormalization(name="separable_bn")(x)
    x = layers.Activation("elu", name="separable_elu")(x)
    x = layers.AveragePooling2D((cfg.pool2, 1), name="pool2")(x)
    x = layers.Dropout(cfg.dropout, name="dropout2")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(classes, activation="softmax", kernel_constraint=keras.constraints.MaxNorm(cfg.norm_rate),
                           name="classifier")(x)
    return keras.Model(inputs, outputs, name="eegnet")


def build_cnn(cfg: CnnConfig, samples: int, channels: int, classes: int) -> keras.Model:
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
