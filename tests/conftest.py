import glob
import json
import os
import os.path as osp
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

# PyAV (the tests' video encoder) before decord: decord loads its own FFmpeg
# and libvpx into the global symbol namespace (RTLD_GLOBAL), and PyAV's VP9
# encoder loaded after it fails to open (error 22).
import av  # noqa: F401
import numpy as np
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
RANKING = 'LIRIS-ACCEDE-annotations/annotations/ACCEDEranking.txt'
SETS = 'LIRIS-ACCEDE-annotations/annotations/ACCEDEsets.txt'
DESCRIPTION = 'LIRIS-ACCEDE-data/ACCEDEdescription.xml'
VIDEOS = 'LIRIS-ACCEDE-data/data'
CONFIG = str(REPO / 'tests/data/tiny_tsn_liris.py')


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` in the repo; with ``check``, fail the test with
    the output's tail if it fails."""
    proc = subprocess.run([sys.executable, *args],
                          cwd=REPO,
                          capture_output=True,
                          text=True,
                          timeout=600)
    if check and proc.returncode:
        raise AssertionError(f'{args} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc


def run_in_process(script: str, *args: str) -> Optional[int]:
    """Run ``python SCRIPT ARGS`` in this process, as its command line does
    (its exceptions propagate); the status it exits with, ``None`` if it
    returns without calling ``sys.exit``."""
    old, sys.argv = sys.argv, [script, *args]
    try:
        runpy.run_path(str(REPO / script), run_name='__main__')
    except SystemExit as exit:
        return exit.code
    finally:
        sys.argv = old
    return None


def train(work_dir: Path, data_root: Path,
          *args: str) -> subprocess.CompletedProcess:
    """``tools/train.py`` on the tiny config."""
    return run('tools/train.py', CONFIG, '--work-dir', str(work_dir),
               '--data-root', str(data_root), *args)


@pytest.fixture(scope='session', autouse=True)
def mmaction_scope() -> None:
    """Build transforms and models from MMAction2's registries, as the
    runner does with ``default_scope='mmaction'``."""
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)


@pytest.fixture(scope='session')
def tiny_liris(tmp_path_factory) -> Path:
    """Generated LIRIS-ACCEDE-shaped data: 8 films x 2 clips of 3-4 s,
    32x64 pixels: 8 clips in set 0 (official test, the paper's training
    split), 4 in set 1 (official learning, the paper's test split) and 4 in
    set 2 (validation)."""
    from emovid_mm.datasets import make_synthetic_liris
    return make_synthetic_liris(
        tmp_path_factory.mktemp('liris') / 'liris',
        num_films=8,
        clips_per_film=2,
        duration_range=(3.0, 4.0),
        frame_size=(32, 64),
        seed=0)


@pytest.fixture(scope='session')
def trained(tiny_liris: Path, tmp_path_factory
            ) -> Tuple[Path, subprocess.CompletedProcess]:
    """A work dir of ``tools/train.py`` on the tiny config and data (2
    epochs), with the finished process."""
    work_dir = tmp_path_factory.mktemp('train')
    return work_dir, train(work_dir, tiny_liris)


def write_liris(root: Path,
                clips: Iterable[Dict],
                ranking_lines: Optional[Iterable[str]] = None,
                sets_lines: Optional[Iterable[str]] = None,
                videos: bool = True) -> Path:
    """Write hand-made LIRIS-ACCEDE annotation files (and empty clips).

    Each clip is a dict with ``id``, ``set``, ``film`` and optionally
    ``valence``, ``arousal``, ``vvar``, ``avar``. ``ranking_lines`` and
    ``sets_lines`` replace the generated data lines when given.
    """
    clips = list(clips)
    for sub in (RANKING, DESCRIPTION, osp.join(VIDEOS, 'x')):
        (root / sub).parent.mkdir(parents=True, exist_ok=True)
    name = 'ACCEDE{:05d}.mp4'.format
    if ranking_lines is None:
        ranking_lines = [
            '\t'.join(
                str(x) for x in (c['id'], name(c['id']), i, i,
                                 c.get('valence', 2.5), c.get('arousal', 3.0),
                                 c.get('vvar', 0.1), c.get('avar', 0.2)))
            for i, c in enumerate(clips)
        ]
    if sets_lines is None:
        sets_lines = [f'{c["id"]}\t{name(c["id"])}\t{c["set"]}' for c in clips]
    (root / RANKING).write_text(
        'id\tname\tvalenceRank\tarousalRank\tvalenceValue\tarousalValue\t'
        'valenceVariance\tarousalVariance\n' + '\n'.join(ranking_lines) +
        '\n')
    (root / SETS).write_text('id\tname\tset\n' + '\n'.join(sets_lines) + '\n')
    media = ''.join(f'<media><id>{c["id"]}</id><name>{name(c["id"])}</name>'
                    f'<movie>{c["film"]}</movie></media>' for c in clips)
    (root / DESCRIPTION).write_text(
        f'<ACCEDEdescription>{media}</ACCEDEdescription>')
    if videos:
        for c in clips:
            (root / VIDEOS / name(c['id'])).write_bytes(b'')
    return root


@pytest.fixture
def fake_download(monkeypatch, tmp_path):
    """``torch.hub.download_url_to_file`` copying ``served[url]``, with
    torch's cache in ``tmp_path``; returns ``served`` and the downloaded
    URLs."""
    import torch
    served, calls = {}, []

    def download(url, dst, hash_prefix=None, progress=True):
        calls.append(url)
        shutil.copy(served[url], dst)

    monkeypatch.setattr(torch.hub, 'download_url_to_file', download)
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    return served, calls


def metrics_json(work_dir: Path) -> dict:
    """The metrics MMEngine wrote for the latest test run."""
    files = sorted(glob.glob(str(work_dir / '*' / '*.json')),
                   key=os.path.getmtime)
    return json.loads(open(files[-1]).read())


#: Logged with the metrics, but measured, not computed.
TIMINGS = ('time', 'data_time')


def val_metrics(work_dir: Path, epoch: int) -> dict:
    """The validation metrics logged after ``epoch`` (by the latest session
    of ``work_dir`` that logged them)."""
    found = None
    for path in sorted(glob.glob(str(work_dir / '*/vis_data/scalars.json')),
                       key=os.path.getmtime):
        for line in open(path):
            record = json.loads(line)
            if 'mean/pearson_r' in record and record['step'] == epoch:
                found = {k: v for k, v in record.items() if k not in TIMINGS}
    assert found is not None, f'no validation of epoch {epoch} in {work_dir}'
    return found


def weights(path: Path) -> Dict[str, torch.Tensor]:
    """The state dict of a checkpoint."""
    from emovid_mm.engine import load_local_checkpoint
    return load_local_checkpoint(str(path))['state_dict']


def assert_same_run(work_dir: Path, reference_dir: Path,
                    epoch: int = 2) -> None:
    """Same final weights and validation metrics, to the last bit."""
    ours = weights(work_dir / f'epoch_{epoch}.pth')
    ref = weights(reference_dir / f'epoch_{epoch}.pth')
    assert ours.keys() == ref.keys()
    differ = [k for k in ref if not torch.equal(ours[k], ref[k])]
    assert not differ, f'{len(differ)} tensors differ, e.g. {differ[:3]}'
    np.testing.assert_equal(
        val_metrics(work_dir, epoch), val_metrics(reference_dir, epoch))


@pytest.fixture(scope='session')
def tiny_checkpoint(tmp_path_factory) -> str:
    """The tiny TSN (4 segments at 5 fps, 32x32) with random weights, saved
    as a checkpoint."""
    from mmengine.runner import save_checkpoint

    from emovid_mm.apis import init_model
    torch.manual_seed(0)
    model = init_model(CONFIG, device='cpu')
    path = tmp_path_factory.mktemp('ckpt') / 'tiny.pth'
    save_checkpoint(
        dict(meta=dict(epoch=1), state_dict=model.state_dict()), str(path))
    return str(path)
