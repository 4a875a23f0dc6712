"""Load MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6, ``torch.load`` unpickles only tensors and plain containers
by default, and MMEngine 0.10 checkpoints also hold a ``HistoryBuffer`` and
numpy arrays and scalars in their ``message_hub`` meta, so ``load_from``,
``--resume`` and testing a checkpoint fail. Turning ``weights_only`` off
would let a checkpoint run arbitrary code. Instead, importing
:mod:`emovid_mm` replaces MMEngine's loader of local files by
:func:`load_local_checkpoint`, which keeps ``weights_only=True`` and allows
just the extra types an MMEngine checkpoint is made of. Any other pickled
object is refused with :class:`UnsafeCheckpointError`.
"""
import os.path as osp
import pickle
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import CheckpointLoader


def _numpy_globals() -> List[Any]:
    core = getattr(np, '_core', None) or np.core
    dtypes = [
        obj for obj in vars(np.dtypes).values()
        if isinstance(obj, type) and issubclass(obj, np.dtype)
    ]
    return [
        core.multiarray._reconstruct, core.multiarray.scalar, np.ndarray,
        np.dtype, *dtypes
    ]


#: The globals an MMEngine checkpoint needs beyond tensors and containers.
#: ``getattr`` is there because a pickled ``HistoryBuffer`` holds its
#: statistics methods as ``getattr(HistoryBuffer, 'mean')``; the unpickler
#: still calls only the callables listed here, so what ``getattr`` returns
#: is kept as data and never run.
CHECKPOINT_SAFE_GLOBALS = [HistoryBuffer, getattr, *_numpy_globals()]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a pickled object outside the allowed types."""


def load_local_checkpoint(filename: str,
                          map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True`` and the types of
    :data:`CHECKPOINT_SAFE_GLOBALS`.

    Raises:
        FileNotFoundError: No such file.
        UnsafeCheckpointError: The file pickles another kind of object.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    # Leaving ``safe_globals`` removes what it added: add only what is not
    # allowed already, so that the user's own allowlist stays intact.
    allowed = torch.serialization.get_safe_globals()
    extra = [g for g in CHECKPOINT_SAFE_GLOBALS if g not in allowed]
    try:
        with torch.serialization.safe_globals(extra):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {filename}: it is not a torch file, '
            'or it pickles objects beyond those of an MMEngine checkpoint, '
            'and loading those could run arbitrary code. Only load '
            'checkpoints you trust; to use such a file, re-save just its '
            'tensors (its "state_dict") in a trusted environment. '
            'torch.load said: '
            f'{_unpickler_reason(err)}') from None


def _unpickler_reason(err: Exception) -> str:
    """The part of torch's refusal that says what was refused."""
    text = str(err)
    start = text.find('WeightsUnpickler error')
    if start >= 0:
        text = text[start:].split('Check the documentation of torch.load')[0]
    return ' '.join(text.split())


def register_safe_checkpoint_loader() -> None:
    """Make MMEngine load local checkpoints through
    :func:`load_local_checkpoint`."""
    CheckpointLoader.register_scheme(
        prefixes='', force=True)(load_local_checkpoint)
