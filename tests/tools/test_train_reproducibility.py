"""Runs repeat: the same command gives the same weights and metrics, and 2
processes validate and test as 1."""
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from conftest import (CONFIG, REPO, assert_same_run, metrics_json, run, train,
                      val_metrics)
from torch.utils.data import DataLoader, Dataset

pytestmark = pytest.mark.slow


def test_training_twice_gives_identical_weights(tiny_liris, tmp_path):
    """The demo config's command, twice, with no --seed (the config sets
    it) and 2 dataloader workers: bit-identical weights and metrics."""
    workers = ('--cfg-options', 'train_dataloader.num_workers=2')
    for name in ('first', 'second'):
        train(tmp_path / name, tiny_liris, *workers)
    assert_same_run(tmp_path / 'second', tmp_path / 'first')


class RandomDataset(Dataset):

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return np.random.randint(1 << 30)


def test_epoch_seed_hook_gives_each_epoch_its_own_stream():
    from emovid_mm.engine.hooks import EpochSeedHook
    loader = DataLoader(RandomDataset(), num_workers=2)
    runner = SimpleNamespace(seed=0, train_loop=SimpleNamespace(
        dataloader=loader))

    def draws(epoch):
        runner.epoch = epoch
        EpochSeedHook().before_train_epoch(runner)
        return torch.rand(3).tolist(), np.random.rand(), [int(x)
                                                          for x in loader]

    first = draws(0)
    assert draws(0) == first
    second = draws(1)
    for a, b in zip(first, second):
        assert a != b
    assert len(set(second[2])) == 4  # the 2 workers draw different numbers


def test_two_processes_validate_and_test_as_one(tiny_liris, tmp_path):
    """3 clips in validation and test, so that the sampler pads them to 4
    for 2 processes: the validation during a 2-process training and a
    2-process test give exactly the metrics of 1 process."""
    three = ('--cfg-options', 'val_dataloader.dataset.indices=3',
             'test_dataloader.dataset.indices=3')
    env = dict(os.environ, PYTHON=sys.executable, PORT='29531')
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
         str(tmp_path / 'train'), '--data-root',
         str(tiny_liris), *three, 'train_cfg.max_epochs=1'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    checkpoint = str(tmp_path / 'train/epoch_1.pth')
    args = ('--data-root', str(tiny_liris), *three)
    run('tools/test.py', CONFIG, checkpoint, '--split', 'val', '--work-dir',
        str(tmp_path / 'val'), *args)
    during_training = val_metrics(tmp_path / 'train', 1)
    single_val = metrics_json(tmp_path / 'val')
    for key, value in during_training.items():
        if key != 'step':
            np.testing.assert_equal(value, single_val[key], err_msg=key)
    run('tools/test.py', CONFIG, checkpoint, '--work-dir',
        str(tmp_path / 'single'), *args)
    proc = subprocess.run(
        ['bash', 'tools/dist_test.sh', CONFIG, checkpoint, '2', '--work-dir',
         str(tmp_path / 'dist'), *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r'^valence \|.*\| 3$', proc.stdout, re.M)
    single, dist = (metrics_json(tmp_path / d) for d in ('single', 'dist'))
    for key in single:
        if key not in ('time', 'data_time'):
            np.testing.assert_equal(dist[key], single[key], err_msg=key)
