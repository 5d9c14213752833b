"""The shipped real-data configs, end to end through `dvc exp run`, on the recordings in ../shared/data."""

import json

import pytest

from conftest import SHARED_DATA, commit_all, copy_project, run

pytestmark = pytest.mark.slow

REAL = {"eye_state": SHARED_DATA / "uci-eeg-eye-state" / "eeg-eye-state.csv",
        "eegmmidb_s001": SHARED_DATA / "eegmmidb-S001" / "S001R12.edf"}


@pytest.mark.parametrize("name", REAL)
def test_real_data_config_beats_chance_on_held_out_events_with_parity(name, tmp_path):
    if not REAL[name].exists():
        pytest.skip(f"real recordings not found at {REAL[name].parent}")
    repo = copy_project(tmp_path / "repo")
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)  # the configs read ../shared/data
    commit_all(repo, "project")
    proc = run(["dvc", "exp", "run", "-S", f"data={name}"], repo)
    assert "parity gate passed for 6 pairs" in proc.stdout + proc.stderr
    parity = json.loads((repo / "metrics/parity.json").read_text())
    data = json.loads((repo / "metrics/data.json").read_text())
    assert parity["passed"] and data["events"]["test"] >= 3
    scores = {backend: q["balanced_accuracy"] for backend, q in parity["backends"].items()}
    assert len(set(scores.values())) == 1, scores  # every backend makes the same decisions
    assert min(scores.values()) > parity["chance"]["balanced_accuracy"] + 0.15, scores
