"""Config validation: every bad value stops with one line that names the key."""

import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run
from stages.compose_params import compose
from stages.lib.config import load_section, parse
from stages.lib.dataset import DataConfig
from stages.lib.errors import ConfigError
from stages.lib.export import ConvertConfig
from stages.lib.models import MODELS
from stages.lib.parity import ReportConfig
from stages.lib.preprocess import PreprocessConfig
from stages.lib.training import TrainConfig

SECTIONS = {"data": DataConfig, "preprocess": PreprocessConfig, "model": MODELS, "train": TrainConfig,
            "convert": ConvertConfig, "report": ReportConfig}


def test_params_yaml_is_the_committed_composition_of_conf(tmp_path):
    composed = tmp_path / "params.yaml"
    compose(composed, [], ROOT / "conf")
    assert composed.read_text() == (ROOT / "params.yaml").read_text(), \
        "params.yaml differs from conf/; run: python -m stages.compose_params"


@pytest.mark.parametrize("overrides,model", [(["data=eegmmidb_s001"], "eegnet"),
                                             (["data=eegmmidb_s001", "model=cnn"], "cnn"),
                                             (["data=eye_state"], "cnn")])
def test_a_data_config_may_choose_the_model_but_the_command_line_wins(tmp_path, overrides, model):
    compose(tmp_path / "params.yaml", overrides, ROOT / "conf")
    assert yaml.safe_load((tmp_path / "params.yaml").read_text())["model"]["name"] == model


@pytest.mark.parametrize("section", SECTIONS)
def test_every_committed_section_validates(section):
    load_section(section, SECTIONS[section], ROOT / "params.yaml")


def test_unknown_key_is_named_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"^preprocess\.highpas: unknown key; did you mean 'preprocess\.highpass'\?"):
        parse(PreprocessConfig, {"highpas": {}}, "preprocess")


def test_wrong_type_is_named():
    with pytest.raises(ConfigError, match=r"^train\.epochs: must be int, got str '3'"):
        parse(TrainConfig, {"epochs": "3"}, "train")


def test_bool_is_not_a_number():
    with pytest.raises(ConfigError, match=r"^preprocess\.scale: must be a number"):
        parse(PreprocessConfig, {"scale": True}, "preprocess")


def test_literal_choices_are_listed():
    with pytest.raises(ConfigError, match=r"^preprocess\.detrend: must be one of 'none', 'constant', 'linear'"):
        parse(PreprocessConfig, {"detrend": "quadratic"}, "preprocess")


def test_highpass_at_or_above_nyquist_is_rejected():
    cfg = parse(PreprocessConfig, {"highpass": {"cutoff_hz": 125.0}}, "preprocess")
    with pytest.raises(ConfigError, match=r"^preprocess\.highpass\.cutoff_hz: 125.0 Hz is at or above Nyquist"):
        cfg.check_rate(250)
    cfg.check_rate(251)


def test_mains_removal_above_nyquist_is_rejected():
    cfg = parse(PreprocessConfig, {"environmental_noise": "sixty", "highpass": {"enabled": False}}, "preprocess")
    with pytest.raises(ConfigError, match=r"^preprocess\.environmental_noise: 'sixty' needs a band up to 62 Hz"):
        cfg.check_rate(100)


def test_opset_beyond_tf2onnx_is_rejected():
    with pytest.raises(ConfigError, match=r"^convert\.opset: tf2onnx .* exports opsets 7\.\.18, got 19"):
        parse(ConvertConfig, {"opset": 19}, "convert")


def test_unknown_backend_is_rejected():
    with pytest.raises(ConfigError, match=r"^report\.backends\[1\]: unknown backend 'tflite'"):
        parse(ReportConfig, {"backends": ["tensorflow", "tflite"]}, "report")


def test_missing_section_names_the_fix(tmp_path):
    (tmp_path / "params.yaml").write_text("data: {}\n")
    with pytest.raises(ConfigError, match="has no 'train' section"):
        load_section("train", TrainConfig, tmp_path / "params.yaml")


@pytest.mark.parametrize("stage,section,patch,expected", [
    ("filter", "preprocess", {"highpass": {"cutoff_hz": 200.0}},
     "error: filter: preprocess.highpass.cutoff_hz: 200.0 Hz is at or above Nyquist (125 Hz at 250 Hz)"),
    ("data", "data", {"windw": {}}, "error: data: data.windw: unknown key; did you mean 'data.window'?"),
    ("train", "train", {"epochs": 0}, "error: train: train.epochs: must be at least 1"),
])
def test_stage_reports_user_error_in_one_line_and_writes_nothing(tiny_copy, stage, section, patch, expected):
    params = yaml.safe_load((tiny_copy / "params.yaml").read_text())
    _merge(params[section], patch)
    (tiny_copy / "params.yaml").write_text(yaml.safe_dump(params))
    before = _snapshot(tiny_copy)
    proc = run([sys.executable, "-m", f"stages.{stage}"], tiny_copy, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith(expected), proc.stderr
    assert "Traceback" not in proc.stderr
    assert _snapshot(tiny_copy) == before, "a failed stage must not change any artifact"


def _merge(into: dict, patch: dict) -> None:
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def _snapshot(repo: Path) -> dict:
    return {str(p.relative_to(repo)): p.stat().st_mtime_ns for d in ("data", "metrics", "plots", "reports")
            for p in (repo / d).rglob("*") if p.is_file()}
