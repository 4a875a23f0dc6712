"""emovid_mm: video-level valence/arousal regression on top of MMAction2.

Importing the package (``custom_imports=dict(imports=['emovid_mm'])`` in a
config) registers its datasets, transforms, models and metrics into
MMAction2's registries and makes MMEngine load local checkpoints safely
(:mod:`emovid_mm.engine.safe_checkpoint`).
"""
import warnings

from .utils.versions import check_versions
from .version import __version__

check_versions()

with warnings.catch_warnings():
    # mmcv-lite lacks this compiled op, which none of our models uses.
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
    from . import datasets, evaluation, models  # noqa: E402,F401
from .engine import register_safe_checkpoint_loader  # noqa: E402

register_safe_checkpoint_loader()

__all__ = ['__version__']
