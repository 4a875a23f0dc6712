"""A built package (sdist -> wheel, as ``pip install .`` and the registry
give it) works outside the clone: it carries the configs, the tools and the
model index in ``emovid_mm/.mim``, where OpenMMLab's ``mim`` looks for them,
and the command that ``mim train emovid_mm demo_liris.py`` runs trains.

About 40 s on 2 cores: it builds, installs and trains one iteration.
"""
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict

import pytest

from conftest import REPO, run

pytestmark = pytest.mark.slow
PIP = ('-m', 'pip')
MIM = 'emovid_mm/.mim'


def run_outside(cwd: Path, site: Path, *args: str) -> str:
    """``python ARGS`` in ``cwd`` with only ``site`` added to the path; the
    stdout, or the test fails with the output's tail."""
    env = dict(os.environ, PYTHONPATH=str(site))
    proc = subprocess.run([sys.executable, *args],
                          cwd=cwd,
                          env=env,
                          capture_output=True,
                          text=True,
                          timeout=600)
    if proc.returncode:
        raise AssertionError(f'{args} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc.stdout


def tree(root: Path) -> Dict[str, bytes]:
    """The files under ``root`` (no byte code), by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob('*')
        if p.is_file() and '__pycache__' not in p.parts
    }


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> Path:
    """The wheel built from the sdist of the clone (no build isolation: the
    venv's setuptools, no download)."""
    out = tmp_path_factory.mktemp('dist')
    run('-c', 'import sys; from setuptools.build_meta import build_sdist; '
        'build_sdist(sys.argv[1])', str(out))
    sdist, = out.glob('emovid_mm-*.tar.gz')
    run(*PIP, 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w',
        str(out), str(sdist))
    wheel, = out.glob('emovid_mm-*.whl')
    return wheel


@pytest.fixture(scope='module')
def site(wheel: Path, tmp_path_factory) -> Path:
    """A folder with only the wheel installed in it."""
    site = tmp_path_factory.mktemp('site')
    run(*PIP, 'install', '-q', '--no-deps', '--target', str(site),
        str(wheel))
    return site


def test_wheel_carries_the_mim_files(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        shipped = {
            n[len(f'{MIM}/configs/'):]: whl.read(n)
            for n in names if n.startswith(f'{MIM}/configs/')
        }
    assert shipped == tree(REPO / 'configs')
    for name in ('tools/train.py', 'tools/test.py', 'tools/dist_train.sh',
                 'tools/analysis/model_complexity.py', 'model-index.yml'):
        assert f'{MIM}/{name}' in names, name
    assert not [n for n in names if '__pycache__' in n or n.endswith('.pyc')]
    assert not [n for n in names if n.startswith(('configs/', 'tools/'))]


def test_installed_package_loads_a_shipped_config(site, tmp_path):
    """From outside the clone, ``emovid_mm`` comes from the installed
    folder (not the venv's editable clone) and a config from ``.mim``
    resolves its ``_base_`` files and builds its model."""
    config = site / MIM / 'configs/demo_liris.py'
    out = run_outside(
        tmp_path, site, '-c', 'import sys\n'
        'from mmengine.config import Config\n'
        'from mmaction.registry import MODELS\n'
        'from mmaction.utils import register_all_modules\n'
        'cfg = Config.fromfile(sys.argv[1])\n'
        'import emovid_mm\n'
        'register_all_modules()\n'
        'model = MODELS.build(cfg.model)\n'
        'print(emovid_mm.__file__)\n'
        'print(type(model).__name__, cfg.train_dataloader.dataset.type)\n',
        str(config))
    module, built = out.splitlines()[-2:]
    assert Path(module) == site / 'emovid_mm/__init__.py'
    assert built == 'Recognizer2D LIRISACCEDEDataset'


def test_mim_train_command_runs_from_the_installed_package(
        site, tiny_liris, tmp_path):
    """The command that ``mim train emovid_mm demo_liris.py --work-dir W
    ...`` runs (openmim 0.3.9 builds it from ``<package>/.mim``: see
    docs/install.md) trains, one iteration."""
    mim = site / MIM
    work_dir = tmp_path / 'work'
    run_outside(
        tmp_path, site, str(mim / 'tools/train.py'),
        str(mim / 'configs/demo_liris.py'), '--launcher', 'none',
        '--work-dir', str(work_dir), '--data-root', str(tiny_liris),
        '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.persistent_workers=False')
    assert (work_dir / 'epoch_1.pth').is_file()
