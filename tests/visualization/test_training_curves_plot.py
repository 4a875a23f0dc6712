"""Reading the training curves of a work dir, resumed sessions merged."""
import json
import shutil

import pytest

from emovid_mm.visualization import read_training_curves


def test_read_run_averages_epochs_and_merges_resumed_sessions(tmp_path):
    lines = {
        # first session: epochs 1-2, then it died
        '20260101_000000': [
            dict(loss=1.0, lr=0.1, epoch=1, iter=1, step=1),
            dict(loss=3.0, lr=0.1, epoch=1, iter=2, step=2),
            {'mean/mse': 0.9, 'step': 1},
            dict(loss=5.0, lr=0.1, epoch=2, iter=3, step=3),
        ],
        # a test session in the same work dir: skipped
        '20260101_010000': [{'mean/mse': 42.0, 'step': 0}],
        # resumed: epoch 2 again, then 3
        '20260101_020000': [
            dict(loss=0.5, lr=0.01, epoch=2, iter=3, step=3),
            {'mean/mse': 0.7, 'step': 2},
            dict(loss=0.25, lr=0.01, epoch=3, iter=4, step=4),
            {'mean/mse': 0.6, 'step': 3},
        ],
    }
    for session, rows in lines.items():
        folder = tmp_path / session / 'vis_data'
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text(''.join(
            json.dumps(r) + '\n' for r in rows))
    curves = read_training_curves(str(tmp_path))
    assert curves['loss'] == {1: 2.0, 2: 0.5, 3: 0.25}
    assert curves['mean/mse'] == {1: 0.9, 2: 0.7, 3: 0.6}
    assert curves['lr'] == {1: 0.1, 2: 0.01, 3: 0.01}


def test_read_run_names_a_broken_line(tmp_path):
    folder = tmp_path / '20260101_000000' / 'vis_data'
    folder.mkdir(parents=True)
    (folder / 'scalars.json').write_text(
        '{"loss": 1.0, "epoch": 1, "iter": 1, "step": 1}\n{"loss": 2.\n')
    with pytest.raises(ValueError, match=r'scalars\.json, line 2: not JSON'):
        read_training_curves(str(tmp_path))
    shutil.rmtree(tmp_path / '20260101_000000')
    with pytest.raises(ValueError, match='no training log found'):
        read_training_curves(str(tmp_path))
