"""The post's CNN, deterministic training, and a model file that does not change with the clock."""

import hashlib
import time

import numpy as np

from stages.lib.cli import quiet_tensorflow

quiet_tensorflow()

from stages.lib.models import CnnConfig, build_model  # noqa: E402
from stages.lib.training import TrainConfig, fit, make_deterministic, save_model_reproducibly  # noqa: E402


def test_cnn_has_the_posts_parameter_counts():
    model = build_model(CnnConfig(), 150, 4, 6, 250)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert (model.count_params(), trainable) == (22326, 22046)
    assert model.output_shape == (None, 6)


def trained_weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 150, 4)), rng.integers(0, 6, 64)
    make_deterministic(seed)
    model = build_model(CnnConfig(), 150, 4, 6, 250)
    fit(model, TrainConfig(epochs=2, batch_size=16), (x, y), (x[:16], y[:16]), [])
    return [w.numpy() for w in model.weights]


def test_training_is_deterministic_for_a_seed():
    a, b, c = trained_weights(5), trained_weights(5), trained_weights(6)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not all(np.array_equal(u, v) for u, v in zip(a, c))


def test_saved_model_bytes_depend_only_on_the_model(tmp_path):
    """Neither the save time nor where the objects sit in memory (Keras' shared_object_id) may show."""
    make_deterministic(1)
    model = build_model(CnnConfig(), 150, 4, 6, 250)
    save_model_reproducibly(model, tmp_path / "a.keras")
    time.sleep(1.1)
    make_deterministic(1)
    twin = build_model(CnnConfig(), 150, 4, 6, 250)
    save_model_reproducibly(twin, tmp_path / "b.keras")
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.keras", "b.keras")]
    assert digest[0] == digest[1]
    import keras
    reloaded = keras.saving.load_model(tmp_path / "a.keras")
    x = np.random.default_rng(2).standard_normal((3, 150, 4)).astype(np.float32)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.keras", "b.keras"]


def test_eegnet_has_the_published_structure():
    from stages.lib.models import EEGNetConfig

    model = build_model(EEGNetConfig(), 150, 4, 6, 250)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("DepthwiseConv2D") == 1 and kinds.count("SeparableConv2D") == 1
    assert kinds.count("AveragePooling2D") == 2 and kinds.count("Dropout") == 2
    assert model.get_layer("temporal_conv").kernel_size == (125, 1)  # half of 250 Hz
    assert model.get_layer("spatial_depthwise").depth_multiplier == 2
    # temporal 125*8, depthwise 4*8*2, separable 16*16 + 16*16, classifier (150//4//8)*16*6 + 6, BN 4 per channel
    trainable = 125 * 8 + 4 * 16 + 16 * 16 + 16 * 16 + 4 * 16 * 6 + 6 + 2 * (8 + 16 + 16)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == trainable
    assert model.get_layer("dropout1").rate == 0.25
