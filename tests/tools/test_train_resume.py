"""Trainings killed with SIGKILL (mid-epoch, or while writing a checkpoint)
and resumed with ``--resume`` end exactly as uninterrupted ones."""
import glob
import os
import signal

import pytest
from conftest import CONFIG, REPO, assert_same_run, run, train

pytestmark = pytest.mark.slow


def train_killed(tmp_path, data_root, monkeypatch, **sigkill):
    """``tools/train.py`` on the tiny config plus ``SigkillHook(**sigkill)``
    (``tests/data/sigkill_hook.py``); check that it was killed."""
    config = tmp_path / 'killed.py'
    config.write_text(
        f'_base_ = [{CONFIG!r}]\n'
        "custom_imports = dict(imports=['emovid_mm', 'sigkill_hook'], "
        'allow_failed_imports=False)\n'
        'custom_hooks = _base_.custom_hooks + '
        f"[dict(type='SigkillHook', **{sigkill!r})]\n")
    monkeypatch.setenv('PYTHONPATH', str(REPO / 'tests/data'))
    work_dir = tmp_path / 'work'
    proc = run('tools/train.py', str(config), '--work-dir', str(work_dir),
               '--data-root', str(data_root), check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]
    monkeypatch.delenv('PYTHONPATH')
    return work_dir


def test_killed_mid_epoch_resumes_to_the_uninterrupted_run(
        trained, tiny_liris, tmp_path, monkeypatch):
    """Killed after iteration 3 (the first of epoch 2, 2 per epoch): the
    resumed run replays epoch 2 from the checkpoint of epoch 1."""
    work_dir = train_killed(tmp_path, tiny_liris, monkeypatch, after_iter=3)
    assert (work_dir / 'epoch_1.pth').is_file()
    assert not (work_dir / 'epoch_2.pth').exists()
    proc = train(work_dir, tiny_liris, '--resume')
    assert 'resumed epoch: 1, iter: 2' in proc.stdout
    assert_same_run(work_dir, trained[0])


def test_kill_while_saving_leaves_only_complete_checkpoints(
        trained, tiny_liris, tmp_path, monkeypatch):
    """Killed halfway through writing epoch_2.pth: no truncated
    epoch_2.pth, last_checkpoint names the complete epoch_1.pth."""
    work_dir = train_killed(
        tmp_path, tiny_liris, monkeypatch, write_prefix='epoch_2.pth')
    from emovid_mm.engine import load_local_checkpoint
    for path in glob.glob(str(work_dir / '*.pth')):
        load_local_checkpoint(path)  # raises on a truncated file
    assert not (work_dir / 'epoch_2.pth').exists()
    named = (work_dir / 'last_checkpoint').read_text()
    assert named == str(work_dir / 'epoch_1.pth')
    train(work_dir, tiny_liris, '--resume')
    assert_same_run(work_dir, trained[0])


def test_resume_survives_a_kill_while_writing_last_checkpoint(
        trained, tiny_liris, tmp_path, monkeypatch):
    """Killed halfway through its first write of last_checkpoint, which
    then names no file: --resume says so and takes epoch_1.pth."""
    work_dir = train_killed(
        tmp_path, tiny_liris, monkeypatch, write_prefix='last_checkpoint')
    named = (work_dir / 'last_checkpoint').read_text()
    assert named and not os.path.exists(named)
    proc = train(work_dir, tiny_liris, '--resume')
    assert f'--resume: skipping {named}, which cannot be loaded' in proc.stdout
    assert 'resumed epoch: 1, iter: 2' in proc.stdout
    assert_same_run(work_dir, trained[0])


def test_resume_skips_a_truncated_checkpoint(trained, tiny_liris, tmp_path):
    reference = trained[0]
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        data = (reference / name).read_bytes()
        (tmp_path / name).write_bytes(
            data if name == 'epoch_1.pth' else data[:len(data) // 3])
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    proc = train(tmp_path, tiny_liris, '--resume')
    assert (f'--resume: skipping {tmp_path / "epoch_2.pth"}, which cannot be '
            'loaded') in proc.stdout
    assert 'resumed epoch: 1, iter: 2' in proc.stdout
    assert_same_run(tmp_path, reference)


def test_resume_without_a_readable_checkpoint_says_what_to_do(tmp_path):
    from emovid_mm.engine import find_resumable_checkpoint
    (tmp_path / 'epoch_1.pth').write_bytes(b'PK\x03\x04 truncated')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))
    with pytest.raises(RuntimeError, match=r'no readable checkpoint in .*'
                       r'epoch_1\.pth: .*Train without --resume'):
        find_resumable_checkpoint(str(tmp_path))
    os.remove(tmp_path / 'last_checkpoint')
    assert find_resumable_checkpoint(str(tmp_path)) == (None, [])


def test_resume_with_nothing_to_resume_starts_from_load_from(
        trained, tiny_liris, tmp_path):
    """``--resume`` in a fresh work dir keeps the config's ``load_from``
    (published weights) instead of starting from scratch."""
    weights = trained[0] / 'epoch_2.pth'
    proc = train(tmp_path, tiny_liris, '--resume', '--cfg-options',
                 f'load_from={weights}', 'train_cfg.max_epochs=1')
    assert f'no checkpoint in {tmp_path} yet; starting from {weights}' in (
        proc.stdout)
    assert f'Load checkpoint from {weights}' in proc.stdout
    assert 'resumed epoch' not in proc.stdout
