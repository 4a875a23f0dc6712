"""tools/data/prepare_liris.py: the clip store's command line (summary,
unreadable clips, restart), and a training run reading the store."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONFIG, VIDEOS, run, val_metrics

pytestmark = pytest.mark.slow

#: The tiny config (4 segments at 5 fps, 32x32) reading a clip store.
STORE_CONFIG = """_base_ = ['{base}']

store = '{store}'
train_pipeline = [
    dict(type='SegmentSampleFrames', num_segments=4, target_fps=5),
    dict(type='RawFrameDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
test_pipeline = [
    dict(
        type='SegmentSampleFrames',
        num_segments=4,
        target_fps=5,
        test_mode=True),
    dict(type='RawFrameDecode'),
    dict(
        type='Resize',
        scale=(32, 32),
        keep_ratio=False,
        interpolation='bilinear'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackEmotionInputs')
]
train_dataloader = dict(
    dataset=dict(
        pipeline=train_pipeline,
        data_prefix=dict(video='{videos}', store=store)))
val_dataloader = dict(
    dataset=dict(
        pipeline=test_pipeline,
        data_prefix=dict(video='{videos}', store=store)))
test_dataloader = dict(
    dataset=dict(
        pipeline=test_pipeline,
        data_prefix=dict(video='{videos}', store=store)))
train_cfg = dict(max_epochs=1)
"""


def prepare(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return run(
        'tools/data/prepare_liris.py', str(root), str(out), *args, check=False)


def test_names_unreadable_clips_and_finishes_a_store_when_rerun(
        tiny_liris, tmp_path):
    root = tmp_path / 'liris'
    shutil.copytree(tiny_liris, root)
    bad = root / VIDEOS / 'ACCEDE00005.mp4'
    bad.write_bytes(b'not a video')
    out = tmp_path / 'store'

    proc = prepare(root, out, '--workers', '2')
    assert proc.returncode == 1, proc.stderr
    assert ('(5 fps, short side 256): 16 clips, 15 written, 0 skipped '
            '(already stored), 1 failed;') in proc.stdout
    assert 'MiB on disk' in proc.stdout
    assert 'Cannot read 1 clips' in proc.stdout
    assert '\n  ACCEDE00005.mp4: Error reading' in proc.stdout
    assert json.loads((out / 'store.json').read_text())['fps'] == 5.0

    shutil.copy(tiny_liris / VIDEOS / bad.name, bad)
    proc = prepare(root, out, '--workers', '1')
    assert proc.returncode == 0, proc.stderr
    assert '16 clips, 1 written, 15 skipped' in proc.stdout
    assert 'Cannot read' not in proc.stdout


def test_refuses_other_settings_for_a_store(tiny_liris, tmp_path):
    out = tmp_path / 'store'
    assert prepare(tiny_liris, out, '--fps', '0').returncode == 2
    assert prepare(tiny_liris, out, '--workers', '1').returncode == 0
    proc = prepare(tiny_liris, out, '--short-side', '0')
    assert proc.returncode == 2
    assert 'holds a clip store with other settings' in proc.stderr


def test_trains_on_the_store(tiny_liris, tmp_path):
    out = tmp_path / 'store'
    assert prepare(tiny_liris, out).returncode == 0
    config = tmp_path / 'tiny_store.py'
    config.write_text(
        STORE_CONFIG.format(base=CONFIG, store=out, videos=VIDEOS))
    work_dir = tmp_path / 'work'
    run('tools/train.py', str(config), '--work-dir', str(work_dir),
        '--data-root', str(tiny_liris))
    assert (work_dir / 'epoch_1.pth').is_file()
    assert 'mean/pearson_r' in val_metrics(work_dir, 1)
