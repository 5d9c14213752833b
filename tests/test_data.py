"""Simulated recordings in BrainFlow's file format, windowing and leak-free splits."""

import dataclasses

import numpy as np
import pytest

from stages.lib.config import parse
from stages.lib.dataset import DataConfig, WindowConfig, build_recordings, window_recordings
from stages.lib.errors import ConfigError, DataError
from stages.lib.recordings import Recording, board_layout, cut_windows, read_brainflow_file, write_brainflow_file
from stages.lib.simulate import SimulationConfig, simulate_recordings

SMALL = {"simulation": {"subjects": 3, "sessions": 2, "trials_per_class": 2}, "split": {"val": [2], "test": [3]},
         "events": {str(i + 1): f"c{i}" for i in range(6)}}


def small_config(**changes) -> DataConfig:
    return dataclasses.replace(parse(DataConfig, SMALL, "data"), **changes)


def test_simulation_is_seeded():
    cfg = SimulationConfig(subjects=1, sessions=1, trials_per_class=1)
    a = simulate_recordings(cfg, ["Oz", "Fz"], 250, seed=3)[0]
    b = simulate_recordings(cfg, ["Oz", "Fz"], 250, seed=3)[0]
    c = simulate_recordings(cfg, ["Oz", "Fz"], 250, seed=4)[0]
    np.testing.assert_array_equal(a.eeg, b.eeg)
    assert not np.array_equal(a.eeg, c.eeg)


def test_simulation_contains_mains_and_the_stimulus_frequency():
    cfg = SimulationConfig(subjects=1, sessions=1, trials_per_class=4, snr_db=0.0, stimulus_hz=[13.0, 17.0])
    rec = simulate_recordings(cfg, ["Oz"], 250, seed=0)[0]
    assert sorted(np.unique(rec.markers[rec.markers != 0])) == [1.0, 2.0]
    onset = int(np.flatnonzero(rec.markers == 1)[0])
    trial = rec.eeg[0, onset:onset + 500]
    freqs = np.fft.rfftfreq(trial.size, 1 / 250)
    spectrum = np.abs(np.fft.rfft(trial - trial.mean()))
    band = (freqs > 8) & (freqs < 40) & (np.abs(freqs - 50) > 3)
    assert abs(freqs[band][np.argmax(spectrum[band])] - 13.0) <= 0.5
    whole = np.abs(np.fft.rfft(rec.eeg[0] - rec.eeg[0].mean()))
    f_all = np.fft.rfftfreq(rec.eeg.shape[1], 1 / 250)
    for hz in (50, 60):
        peak = whole[np.argmin(np.abs(f_all - hz))]
        assert peak > 20 * np.median(whole[(f_all > 40) & (f_all < 70)])


def test_brainflow_file_round_trip_uses_the_board_layout(tmp_path):
    layout = board_layout(-1)
    eeg = {"Oz": np.linspace(-100, 100, 500), "Pz": np.full(500, 12.5)}
    markers = np.zeros(500)
    markers[[10, 300]] = [2, 5]
    write_brainflow_file(tmp_path / "r.csv", eeg, markers, -1, 250)
    signal, read_markers = read_brainflow_file(tmp_path / "r.csv", -1, ["Pz", "Oz"])
    np.testing.assert_allclose(signal[1], eeg["Oz"], atol=1e-6)
    np.testing.assert_allclose(signal[0], 12.5)
    np.testing.assert_array_equal(read_markers, markers)
    assert signal.shape == (2, 500) and layout["num_rows"] == 32


def test_missing_channel_is_named(tmp_path):
    write_brainflow_file(tmp_path / "r.csv", {"Oz": np.zeros(10)}, np.zeros(10), -1, 250)
    with pytest.raises(DataError, match=r"channels \['T7'\] not on board -1"):
        read_brainflow_file(tmp_path / "r.csv", -1, ["Oz", "T7"])


def test_windows_stay_inside_the_epoch_and_the_recording():
    rec = Recording("r", 1, 1, np.arange(2000.0)[None], np.array([100, 1900]), np.array([1, 2]))
    x, event, start = cut_windows(rec, length=150, hop=50, offset=0, span=500)
    assert x.shape == (8, 150, 1)
    assert x[0, 0, 0] == 100 and x[-1, -1, 0] == 100 + 499
    assert set(event.tolist()) == {0}  # the second event runs past the end of the recording
    assert start.tolist() == list(range(100, 451, 50))


def test_split_by_subject_never_mixes_a_recording(tmp_path):
    cfg = small_config()
    ws, _ = window_recordings(build_recordings(cfg, tmp_path), cfg)
    for split in ("train", "val", "test"):
        assert (ws.split == split).any()
    for idx in np.unique(ws.recording):
        assert len(set(ws.split[ws.recording == idx].tolist())) == 1
    test_recs = {ws.recording_names[i] for i in np.unique(ws.recording[ws.split == "test"])}
    assert test_recs == {"sub-03_ses-01", "sub-03_ses-02"}


def test_split_by_session(tmp_path):
    cfg = parse(DataConfig, {**SMALL, "simulation": {"subjects": 2, "sessions": 3, "trials_per_class": 2},
                             "split": {"by": "session", "val": [2], "test": [3]}}, "data")
    ws, _ = window_recordings(build_recordings(cfg, tmp_path), cfg)
    test_names = {ws.recording_names[i] for i in np.unique(ws.recording[ws.split == "test"])}
    assert test_names == {"sub-01_ses-03", "sub-02_ses-03"}


def event_split_config(**split) -> DataConfig:
    return parse(DataConfig, {**SMALL, "window": {"length": 50, "hop": 25, "epoch_seconds": 1.0},
                              "split": {"by": "event", "val": [4], "test": [5], "cycle": 5, **split}}, "data")


def test_split_by_event_keeps_each_event_whole_and_deals_the_events_in_turn():
    events = 30
    signal = np.repeat(np.arange(events, dtype=float), 300)[None]  # each sample holds its event's number
    codes = np.arange(events) % 6 + 1
    rec = Recording("r", 1, 1, signal, np.arange(events) * 300, codes, np.full(events, 300))
    ws, stats = window_recordings([rec], event_split_config())
    event_of = ws.x[:, 0, 0].astype(int)
    assert all(len(np.unique(w)) == 1 for w in ws.x[..., 0])  # no window spans two events
    assert set(event_of[ws.split == "test"].tolist()) == set(range(4, events, 5))
    assert set(event_of[ws.split == "val"].tolist()) == set(range(3, events, 5))
    assert stats["events"] == {"train": 18, "val": 6, "test": 6}


def test_a_negative_offset_moves_the_end_of_an_event_back_too():
    rec = Recording("r", 1, 1, np.arange(1000.0)[None], np.array([100, 400]), np.array([1, 2]), np.array([300, 300]))
    x, event, start = cut_windows(rec, length=100, hop=50, offset=-50, span=1000)
    first_event_last_sample = x[event == 0][-1, -1, 0]
    assert start[event == 0].tolist() == [50, 100, 150, 200, 250] and first_event_last_sample == 349
    assert start[event == 1][0] == 350  # the second event's windows begin where the first's stopped


def test_windows_reaching_into_an_event_of_another_split_are_refused():
    markers_only = Recording("r", 1, 1, np.zeros((1, 3000)), np.arange(10) * 300, np.arange(10) % 6 + 1)
    longer_than_the_gap = {"length": 50, "hop": 25, "epoch_seconds": 1.5}
    cfg = dataclasses.replace(event_split_config(), window=parse(WindowConfig, longer_than_the_gap, "data.window"))
    with pytest.raises(DataError, match=r"r: windows of the test and train splits share samples; "
                                        r"move data.window.offset_seconds toward 0"):
        window_recordings([markers_only], cfg)


@pytest.mark.parametrize("changes,message", [
    ({"time_blocks": 2}, r"data.time_blocks: must be 1 with split.by=event"),
    ({"split": {"by": "event", "val": [4], "test": [6], "cycle": 5}},
     r"with by=event, val and test name event groups 1..5 \(split.cycle\)"),
])
def test_event_split_misconfigurations_are_named(changes, message):
    raw = {**SMALL, "split": {"by": "event", "val": [4], "test": [5], "cycle": 5}, **changes}
    with pytest.raises(ConfigError, match=message):
        parse(DataConfig, raw, "data")


def test_unknown_event_code_is_named(tmp_path):
    cfg = small_config()
    recs = build_recordings(cfg, tmp_path)
    recs[0].codes[0] = 9
    with pytest.raises(DataError, match=r"sub-01_ses-01: event code 9 is not in data.events"):
        window_recordings(recs, cfg)


def test_recording_without_events_is_named(tmp_path):
    cfg = small_config()
    recs = build_recordings(cfg, tmp_path)
    recs[1] = dataclasses.replace(recs[1], onsets=np.array([], dtype=int), codes=np.array([], dtype=int))
    with pytest.raises(DataError, match=r"sub-01_ses-02: no events found"):
        window_recordings(recs, cfg)


def test_class_missing_from_a_split_is_named(tmp_path):
    cfg = small_config()
    recs = build_recordings(cfg, tmp_path)
    for rec in recs[4:]:  # subject 3 = test
        rec.codes[rec.codes == 6] = 5
    with pytest.raises(DataError, match=r"class 'c5' has no windows in the test split"):
        window_recordings(recs, cfg)


def test_nonfinite_policy(tmp_path):
    recs = build_recordings(small_config(), tmp_path)
    recs[0].signal[0, recs[0].onsets[0] + 5] = np.nan
    with pytest.raises(DataError, match=r"sub-01_ses-01: 1 windows contain NaN/Inf samples; .*data.nonfinite=drop"):
        window_recordings(recs, small_config())
    full, _ = window_recordings(build_recordings(small_config(), tmp_path / "b"), small_config())
    dropped, removed = window_recordings(recs, small_config(nonfinite="drop"))
    assert len(dropped.y) == len(full.y) - 1
    assert removed["nonfinite_dropped"] == 1 and removed["artifacts_rejected"] == 0


def test_brainflow_playback_board_replays_a_stored_recording(tmp_path):
    """The stored layout is a real board's: BrainFlow's PLAYBACK_FILE_BOARD streams it back."""
    import time

    from brainflow.board_shim import BoardIds, BrainFlowInputParams, BoardShim

    n = 750
    eeg = {"Oz": np.round(np.sin(np.arange(n) / 7.0) * 40, 3), "Pz": np.round(np.arange(n) * 0.01, 3)}
    markers = np.zeros(n)
    markers[[100, 400]] = [1, 6]
    write_brainflow_file(tmp_path / "rec.csv", eeg, markers, -1, 250)
    params = BrainFlowInputParams()
    params.file = str(tmp_path / "rec.csv")
    params.master_board = BoardIds.SYNTHETIC_BOARD.value
    BoardShim.disable_board_logger()
    board = BoardShim(BoardIds.PLAYBACK_FILE_BOARD.value, params)
    board.prepare_session()
    try:
        board.start_stream()
        deadline = time.monotonic() + 10
        while board.get_board_data_count() < n and time.monotonic() < deadline:
            time.sleep(0.2)
        board.stop_stream()
        data = board.get_board_data()
    finally:
        board.release_session()
    layout = board_layout(-1)
    rows = dict(zip(layout["eeg_names"], layout["eeg_rows"]))
    got = data[:, :n]
    assert got.shape[1] == n
    np.testing.assert_allclose(got[rows["Oz"]], eeg["Oz"], atol=1e-6)
    np.testing.assert_allclose(got[rows["Pz"]], eeg["Pz"], atol=1e-6)
    # Playback streams the data rows; BrainFlow leaves the marker row to insert_marker() at stream
    # time, so a live replay sees zeros there. The file itself keeps the markers (read back above).
    assert not got[layout["marker_row"]].any()
