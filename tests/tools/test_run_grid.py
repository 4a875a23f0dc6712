"""tools/run_grid.py on two tiny configs."""
import csv
import json
import subprocess
import sys

import pytest
from conftest import REPO


def grid(configs, work_root, data_root):
    return subprocess.run(
        [
            sys.executable, 'tools/run_grid.py', *map(str, configs),
            '--work-root', str(work_root), '--data-root',
            str(data_root), '--cfg-options', 'train_cfg.max_epochs=1'
        ],
        cwd=REPO, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_grid_trains_evaluates_records_collects_and_continues(
        tiny_liris, tmp_path):
    base = REPO / 'tests/data/tiny_tsn_liris.py'
    valence = tmp_path / 'tiny_valence.py'
    valence.write_text(
        f"_base_ = [{str(base)!r}]\n"
        "targets = ('valence', )\n"
        "model = dict(cls_head=dict(targets=targets))\n"
        "train_dataloader = dict(dataset=dict(targets=targets))\n"
        "val_dataloader = dict(dataset=dict(targets=targets))\n"
        "test_dataloader = dict(dataset=dict(targets=targets))\n")
    work_root = tmp_path / 'grid'
    proc = grid([base, valence], work_root, tiny_liris)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(work_root / 'results.csv') as f:
        rows = {r['config']: r for r in csv.DictReader(f)}
    assert set(rows) == {'tiny_tsn_liris', 'tiny_valence'}
    joint, single = rows['tiny_tsn_liris'], rows['tiny_valence']
    for split in ('train', 'test'):
        for score in ('pearson_r', 'pearson_p', 'mse'):
            assert float(joint[f'{split}/arousal/{score}']) == float(
                joint[f'{split}/arousal/{score}'])  # a number, not NaN
            assert single[f'{split}/valence/{score}']
        assert single[f'{split}/arousal/pearson_r'] == ''
    assert '| tiny_tsn_liris |' in (work_root / 'results.md').read_text()
    assert (work_root / 'tiny_valence/epoch_1.pth').is_file()
    # each run is recorded in its work dir, as the model zoo's runs are
    record = json.loads((work_root / 'tiny_valence/run.json').read_text())
    assert record['epochs'] == 1 and record['splits'] == ['train', 'test']
    assert '--cfg-options train_cfg.max_epochs=1' in record['commands'][0]
    assert (work_root / 'tiny_valence/test.csv').is_file()

    table = (work_root / 'results.csv').read_text()
    again = grid([base, valence], work_root, tiny_liris)
    assert again.returncode == 0
    assert again.stdout.count('not run again') == 2
    assert 'Epoch(' not in again.stdout
    assert (work_root / 'results.csv').read_text() == table


@pytest.mark.slow
def test_missing_config_is_named(tmp_path):
    proc = subprocess.run(
        [sys.executable, 'tools/run_grid.py', 'configs/nope.py',
         '--work-root', str(tmp_path)],
        cwd=REPO, capture_output=True, text=True)
    assert proc.returncode != 0 and 'configs/nope.py' in proc.stderr
