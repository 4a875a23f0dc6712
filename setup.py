"""Install emovid_mm.

The OpenMMLab requirements depend on what is installed already:

* MMAction2: on a fresh machine, 1.1.0 from the registry (the 1.2.0 wheel
  does not import: it lacks ``mmaction.models.localizers.drn``). A user who
  installed MMAction2 1.1 or 1.2 (e.g. from source) keeps it.
* mmcv: ``mmcv-lite`` (mmcv without the compiled ops, which none of these
  models needs) unless the full ``mmcv`` is installed. MMAction2 1.1.0
  asserts mmcv < 2.1.0.

These checks see the installed packages only when the build is not
isolated: with MMAction2 or mmcv installed by hand, run
``pip install --no-build-isolation -e .``.

torch is not pinned: install the build you want first (the README's
commands install the CPU build of torch 2.13.0).

A built package (``pip install .``, a wheel) also carries the configs, the
tools and the model index in ``emovid_mm/.mim``, where OpenMMLab's ``mim``
looks for them (``mim train emovid_mm CONFIG``); see docs/install.md.
"""
import os.path as osp
import re
import shutil
from importlib.metadata import PackageNotFoundError, version
from typing import List, Optional, Tuple

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

# What ``mim`` finds in ``<package>/.mim``, as MMAction2 ships it.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def installed_version(name: str) -> Optional[Tuple[int, ...]]:
    """The (major, minor) of an installed distribution, or None."""
    try:
        text = version(name)
    except PackageNotFoundError:
        return None
    return tuple(int(x) for x in re.findall(r'\d+', text)[:2])


def openmmlab_requirements() -> List[str]:
    reqs = ['mmengine>=0.8.0,<1.0.0']
    mmaction = installed_version('mmaction2')
    if mmaction:
        reqs.append('mmaction2>=1.1.0,<1.3.0')
    else:
        reqs.append('mmaction2==1.1.0')
    # The mmcv versions that MMAction2 accepts: < 2.1.0 (1.1), < 2.2.0 (1.2).
    mmcv_bound = '<2.2.0' if mmaction and mmaction >= (1, 2) else '<2.1.0'
    if installed_version('mmcv'):
        reqs.append(f'mmcv>=2.0.0rc4,{mmcv_bound}')
    else:
        reqs.append(f'mmcv-lite>=2.0.0rc4,{mmcv_bound}')
    return reqs


class BuildPyWithMim(build_py):
    """``build_py`` that also copies :data:`MIM_FILES` into
    ``emovid_mm/.mim`` of the build (MMAction2's ``add_mim_extension``
    copies them into its source tree instead). An editable install runs the
    clone's own files and gets none."""

    def run(self) -> None:
        super().run()
        if getattr(self, 'editable_mode', False):
            return
        mim = osp.join(self.build_lib, 'emovid_mm', '.mim')
        # A file removed from the clone must not linger from an earlier build.
        shutil.rmtree(mim, ignore_errors=True)
        self.mkpath(mim)
        for name in MIM_FILES:
            target = osp.join(mim, name)
            if osp.isdir(name):
                shutil.copytree(
                    name,
                    target,
                    ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
            elif osp.isfile(name):
                self.copy_file(name, target)
            else:
                raise FileNotFoundError(
                    f'{name} is missing from {osp.abspath(".")}: build '
                    'from a full clone or the sdist, which carry it')


def readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


setup(
    name='emovid_mm',
    version='0.1.0',
    description='Video-level valence/arousal regression for MMAction2 '
    '(LIRIS-ACCEDE; C3D, R(2+1)D, TSN, ECO)',
    long_description=readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.9',
    install_requires=[
        'torch>=2.5',
        *openmmlab_requirements(),
        'decord>=0.6.0',
        # reads the frame counts and rates of the clips from their containers
        # (emovid_mm/datasets/video_probe.py) and decodes their audio
        # (emovid_mm/datasets/transforms/clip_audio_decode.py)
        'av>=12',
        # mel filter bank and STFT of LogMelSpectrogram (torchaudio's PyPI
        # wheels are built for one torch release and CUDA; they fail to
        # import with the CPU build of torch 2.13)
        'librosa>=0.10',
        'matplotlib',
        'numpy',
        'opencv-python',
        'scipy',
        'packaging',
    ],
    # jinja2 (a dependency of torch too) renders the model zoo's pages in
    # .dev_scripts/model_zoo.py, which the tests check.
    extras_require=dict(tests=['pytest>=7', 'jinja2']),
    license='Apache-2.0',
    cmdclass=dict(build_py=BuildPyWithMim),
    zip_safe=False)
