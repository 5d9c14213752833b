"""Users' recordings: EDF via MNE, CSV and BrainFlow files; resampling; time blocks; the real shared data."""

from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SHARED_DATA
from stages.compose_params import compose
from stages.lib.config import load_section, parse
from stages.lib.dataset import DataConfig, build_recordings, locate, split_counts, window_recordings
from stages.lib.errors import DataError
from stages.lib.readers import RawRecording, read_brainflow, read_csv, read_edf, resample
from stages.lib.recordings import Recording, split_in_time, write_brainflow_file

EDF = SHARED_DATA / "eegmmidb-S001" / "S001R03.edf"
EYE = SHARED_DATA / "uci-eeg-eye-state" / "eeg-eye-state.csv"
needs_edf = pytest.mark.skipif(not EDF.exists(), reason=f"real EDF recordings not found at {EDF.parent}")
needs_eye = pytest.mark.skipif(not EYE.exists(), reason=f"real CSV recording not found at {EYE}")


@needs_edf
def test_edf_channels_by_name_and_annotations_as_events():
    rec = read_edf(EDF, ["C3", "cz", "C4.."])
    assert rec.rate == 160 and rec.signal.shape == (3, 20000)
    assert 1 < float(np.std(rec.signal)) < 500  # µV, not volts
    assert set(rec.codes.tolist()) == {"T0", "T1", "T2"}
    assert 25 <= rec.onsets.size <= 35 and np.all(np.abs(rec.durations - 4.15 * 160) < 10)


@needs_edf
def test_edf_missing_channel_is_named():
    with pytest.raises(DataError, match=r"S001R03\.edf: channels \['O9'\] not found .*fix data.channels"):
        read_edf(EDF, ["C3", "O9"])


@needs_eye
def test_csv_per_sample_labels_become_events_lasting_their_run():
    rec = read_csv(EYE, ["O1", "O2"], None, None, "class", 128.0)
    assert rec.signal.shape == (2, 14980) and rec.rate == 128.0
    assert rec.onsets.size == 24 and rec.durations.sum() == 14980
    assert set(rec.codes.tolist()) == {"0", "1"}


def test_csv_with_time_and_marker_columns(tmp_path):
    t = np.arange(500) / 200.0
    marker = np.zeros(500)
    marker[[50, 300]] = [2, 1]
    rows = "\n".join(f"{a:.5f},{b:.3f},{c:.3f},{m:g}" for a, b, c, m in zip(t, np.sin(t), np.cos(t), marker))
    (tmp_path / "r.csv").write_text("time,Fz,Cz,marker\n" + rows + "\n")
    rec = read_csv(tmp_path / "r.csv", ["Cz"], "time", "marker", None, None)
    assert abs(rec.rate - 200.0) < 1e-6 and rec.durations is None
    assert rec.onsets.tolist() == [50, 300] and rec.codes.tolist() == ["2", "1"]
    np.testing.assert_allclose(rec.signal[0], np.round(np.cos(t), 3))
    with pytest.raises(DataError, match=r"r\.csv: no column 'stim' .*fix data.csv.marker_column"):
        read_csv(tmp_path / "r.csv", ["Cz"], "time", "stim", None, None)
    with pytest.raises(DataError, match=r"r\.csv: channels \['Pz'\] not found"):
        read_csv(tmp_path / "r.csv", ["Pz"], "time", "marker", None, None)


def test_csv_with_a_non_number_is_named(tmp_path):
    (tmp_path / "r.csv").write_text("Cz,label\n1.0,0\nabc,0\n")
    with pytest.raises(DataError, match=r"r\.csv: a value is not a number"):
        read_csv(tmp_path / "r.csv", ["Cz"], None, None, "label", 100.0)


def test_brainflow_file_of_a_board(tmp_path):
    markers = np.zeros(300)
    markers[100] = 3
    write_brainflow_file(tmp_path / "b.csv", {"Oz": np.ones(300)}, markers, -1, 250)
    rec = read_brainflow(tmp_path / "b.csv", ["Oz"], -1)
    assert rec.rate == 250 and rec.onsets.tolist() == [100] and rec.codes.tolist() == ["3"]


def test_resampling_keeps_frequency_and_moves_events():
    t = np.arange(1280) / 128.0
    rec = RawRecording(np.sin(2 * np.pi * 10 * t)[None], 128.0, np.array([64, 640]), np.array(["1", "2"]),
                       np.array([128, 256]))
    up = resample(rec, 256)
    assert up.signal.shape == (1, 2560) and up.rate == 256.0
    assert up.onsets.tolist() == [128, 1280] and up.durations.tolist() == [256, 512]
    spectrum = np.abs(np.fft.rfft(up.signal[0]))
    assert abs(np.fft.rfftfreq(2560, 1 / 256)[np.argmax(spectrum)] - 10.0) < 0.2


def test_label_runs_are_clipped_into_every_time_block_they_span():
    rec = Recording("r", 1, 1, np.zeros((1, 1000)), np.array([0, 600]), np.array(["a", "b"]),
                    np.array([600, 400]))
    first, second = split_in_time(rec, 2)
    assert first.onsets.tolist() == [0] and first.durations.tolist() == [500]
    assert second.onsets.tolist() == [0, 100] and second.durations.tolist() == [100, 400]
    assert (first.block, second.block) == (1, 2) and second.signal.shape == (1, 500)


@pytest.mark.parametrize("name,needs", [("eegmmidb_s001", EDF), ("eye_state", EYE)])
def test_shipped_real_data_configs_window_every_class_in_every_split(name, needs, tmp_path, monkeypatch):
    if not needs.exists():
        pytest.skip(f"real recordings not found at {needs.parent}")
    monkeypatch.chdir(ROOT)
    compose(tmp_path / "params.yaml", [f"data={name}"])
    cfg = load_section("data", DataConfig, tmp_path / "params.yaml")
    ws, _ = window_recordings(build_recordings(cfg, tmp_path), cfg)
    counts = split_counts(ws)
    assert all(n > 0 for split in counts.values() for n in split.values()), counts
    assert (tmp_path / "manifest.json").exists() and ws.x.shape[1:] == (150, len(cfg.channels))


def test_missing_file_is_named(tmp_path):
    cfg = parse(DataConfig, {"source": "edf", "events": {"T1": "a", "T2": "b"}, "split": {"val": [2], "test": [3]},
                             "files": [{"path": "no/such.edf"}]}, "data")
    with pytest.raises(DataError, match=r"no/such\.edf: no such file; fix data.files"):
        build_recordings(cfg, tmp_path)


def test_paths_outside_the_project_are_found_from_a_temporary_experiment_copy(tmp_path, monkeypatch):
    workspace, copy = tmp_path / "workspace" / "project", tmp_path / "exps" / "tmp123"
    recording = tmp_path / "workspace" / "shared" / "r.csv"
    for folder in (workspace, copy, recording.parent):
        folder.mkdir(parents=True)
    recording.write_text("Oz\n1\n")
    monkeypatch.chdir(copy)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    assert not locate("../shared/r.csv").is_file()  # plain runs take paths as they are
    monkeypatch.setenv("DVC_ROOT", str(workspace))  # as `dvc exp run --temp/--queue` sets it
    assert locate("../shared/r.csv").resolve() == recording.resolve()
    assert locate("../shared/absent.csv") == Path("../shared/absent.csv")  # and still names the configured path


def test_csv_config_needs_one_event_column_and_a_rate():
    base = {"source": "csv", "events": {"0": "a", "1": "b"}, "split": {"val": [2], "test": [3]},
            "files": [{"path": "x.csv"}]}
    from stages.lib.errors import ConfigError
    with pytest.raises(ConfigError, match=r"^data\.csv: set exactly one of marker_column .* and label_column"):
        parse(DataConfig, {**base, "csv": {"sampling_rate": 128.0}}, "data")
    with pytest.raises(ConfigError, match=r"^data\.csv\.sampling_rate: must be set \(Hz\) when there is no time_column"):
        parse(DataConfig, {**base, "csv": {"label_column": "class"}}, "data")
