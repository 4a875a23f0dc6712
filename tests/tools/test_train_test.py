"""End-to-end tests of the command lines on generated data."""
import csv
import glob
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from conftest import CONFIG, REPO, metrics_json, run, train

pytestmark = pytest.mark.slow


def test_train_writes_checkpoints_and_validates(trained):
    work_dir, proc = trained
    for name in ('epoch_1.pth', 'epoch_2.pth', 'last_checkpoint'):
        assert (work_dir / name).is_file(), name
    assert glob.glob(str(work_dir / 'best_mean_pearson_r_epoch_*.pth'))
    assert 'Epoch(val) [2]' in proc.stdout
    assert 'valence/pearson_r' in proc.stdout


def test_test_cli_prints_metrics_and_dumps_predictions(trained, tiny_liris):
    work_dir, _ = trained
    dump = work_dir / 'pred.csv'
    proc = run('tools/test.py', CONFIG, str(work_dir / 'epoch_2.pth'),
               '--data-root', str(tiny_liris), '--work-dir', str(work_dir),
               '--dump', str(dump))
    table = proc.stdout[proc.stdout.index('target  | MSE'):]
    assert 'valence |' in table and 'arousal |' in table
    with open(dump) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4  # set 1: 2 films x 2 clips
    assert list(rows[0]) == [
        'video_id', 'name', 'film', 'valence_true', 'valence_pred',
        'valence_variance', 'arousal_true', 'arousal_pred', 'arousal_variance'
    ]
    metrics = metrics_json(work_dir)
    for target in ('valence', 'arousal'):
        pred = np.array([float(r[f'{target}_pred']) for r in rows])
        true = np.array([float(r[f'{target}_true']) for r in rows])
        r, p = stats.pearsonr(pred, true)
        assert metrics[f'{target}/pearson_r'] == pytest.approx(r, abs=1e-4)
        assert metrics[f'{target}/pearson_p'] == pytest.approx(p, abs=1e-4)
        assert metrics[f'{target}/mse'] == pytest.approx(
            np.mean((pred - true)**2), abs=1e-4)


def test_distributed_test_on_cpus_scores_every_clip_once(
        trained, tiny_liris, tmp_path):
    """3 processes share 4 test clips (the sampler pads to 6): the scores
    must be those of the single-process run."""
    work_dir, _ = trained
    args = [
        CONFIG,
        str(work_dir / 'epoch_2.pth'), '--data-root',
        str(tiny_liris), '--work-dir'
    ]
    run('tools/test.py', *args, str(tmp_path / 'single'))
    env = dict(os.environ, PYTHON=sys.executable, PORT='29517')
    proc = subprocess.run(
        ['bash', 'tools/dist_test.sh', args[0], args[1], '3', *args[2:],
         str(tmp_path / 'dist')],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    single = metrics_json(tmp_path / 'single')
    dist = metrics_json(tmp_path / 'dist')
    for key in ('valence/mse', 'valence/pearson_r', 'arousal/pearson_p'):
        assert dist[key] == pytest.approx(single[key], abs=1e-5), key
    assert re.search(r'^valence \|.*\| 4$', proc.stdout, re.M)


def test_test_cli_evaluates_another_split(trained, tiny_liris):
    work_dir, _ = trained
    proc = run('tools/test.py', CONFIG, str(work_dir / 'epoch_2.pth'),
               '--data-root', str(tiny_liris), '--work-dir', str(work_dir),
               '--split', 'train')
    table = proc.stdout.split('target  | MSE')[1]
    assert re.search(r'^valence \|.*\| 8$', table, re.M)  # 4 films x 2


def test_config_runs_with_plain_mmengine_runner(trained, tiny_liris):
    """What MMAction2's own tools/test.py does: no emovid_mm import, the
    config's custom_imports loads the plugin."""
    work_dir, _ = trained
    script = (
        'from mmengine.config import Config\n'
        'from mmengine.runner import Runner\n'
        f'cfg = Config.fromfile({CONFIG!r})\n'
        f'cfg.work_dir = {str(work_dir / "plain")!r}\n'
        f'cfg.load_from = {str(work_dir / "epoch_2.pth")!r}\n'
        f'cfg.test_dataloader.dataset.data_root = {str(tiny_liris)!r}\n'
        'print(Runner.from_cfg(cfg).test())\n')
    proc = run('-c', script)
    assert "'valence/pearson_r'" in proc.stdout


def test_resume_continues_from_the_last_checkpoint(tiny_liris, tmp_path):
    first = train(tmp_path, tiny_liris, '--cfg-options',
                  'train_cfg.max_epochs=1')
    assert 'Epoch(train) [1]' in first.stdout
    assert not (tmp_path / 'epoch_2.pth').exists()
    second = train(tmp_path, tiny_liris, '--resume')
    assert 'resumed epoch: 1' in second.stdout
    assert 'Epoch(train) [1]' not in second.stdout
    assert 'Epoch(train) [2]' in second.stdout
    assert (tmp_path / 'epoch_2.pth').is_file()


class Hostile:

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_hostile_checkpoint_is_refused(tiny_liris, tmp_path):
    import torch
    Hostile.marker = tmp_path / 'pwned'
    checkpoint = tmp_path / 'hostile.pth'
    torch.save({'state_dict': {}, 'meta': {'x': Hostile()}}, checkpoint)
    proc = run('tools/test.py', CONFIG, str(checkpoint), '--data-root',
               str(tiny_liris), '--work-dir', str(tmp_path), check=False)
    assert proc.returncode != 0
    assert f'Refusing to load checkpoint {checkpoint}' in proc.stderr
    assert 'system' in proc.stderr  # names the refused global
    assert not Hostile.marker.exists()
